/**
 * Model-agnostic training: the loop, AdamW, the learning-rate schedule, accumulation, clipping,
 * evaluation, checkpoints with exact resume, and the run directory.
 *
 * <p>Reading order: {@link dev.armory.engine.train.TrainingConfig} (every hyperparameter) → {@link
 * dev.armory.engine.train.Parameters} (trainable tensors in direct buffers) → {@link
 * dev.armory.engine.train.StepFunction} and {@link dev.armory.engine.train.Batch} (what a model
 * gives the trainer) → {@link dev.armory.engine.train.BatchSource} (seeded epochs, resumable
 * cursor) → {@link dev.armory.engine.train.LrSchedule}, {@link
 * dev.armory.engine.train.GradientAccumulator}, {@link dev.armory.engine.train.GradientClipping},
 * {@link dev.armory.engine.train.AdamW} (one step, in order) → {@link
 * dev.armory.engine.train.Trainer} (the loop) → {@link dev.armory.engine.train.Checkpoint} and
 * {@link dev.armory.engine.train.RunDirectory} (what lands on disk) → {@link
 * dev.armory.engine.train.ProgressListener} and {@link dev.armory.engine.train.ConsoleProgress}
 * (what people see).
 */
package dev.armory.engine.train;
