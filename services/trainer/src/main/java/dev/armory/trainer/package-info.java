/**
 * The trainer service: a thin Micronaut shell over the engine's {@link
 * dev.armory.engine.finetune.FineTuneRun}. Reading order: {@link dev.armory.trainer.TrainerConfig}
 * (settings), {@link dev.armory.trainer.TrainingRequestHandler} (events in) and {@link
 * dev.armory.trainer.TrainerService} (accept once, recover on start) with {@link
 * dev.armory.trainer.RunStore} and {@link dev.armory.trainer.RunState} (what survives a restart);
 * {@link dev.armory.trainer.JobLauncher} and {@link dev.armory.trainer.LocalJobLauncher} (where
 * runs execute); {@link dev.armory.trainer.RunWorker} (one run: {@link
 * dev.armory.trainer.RunInputs}, {@link dev.armory.trainer.RequestMapping}, the engine, progress
 * events, the adapter in the store, TrainingCompleted or TrainingFailed with a {@link
 * dev.armory.trainer.RunFailure} code); and {@link dev.armory.trainer.TrainerServer}, which starts
 * and stops it all.
 */
package dev.armory.trainer;
