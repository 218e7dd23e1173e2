/**
 * LoRA/QLoRA fine-tuning runs from files to adapter, by supervised fine-tuning or DPO.
 *
 * <p>Reading order: {@link dev.armory.engine.finetune.FineTuneRequest} (what a run needs; {@link
 * dev.armory.engine.finetune.DpoOptions} for the DPO objective) → {@link
 * dev.armory.engine.finetune.FineTuneRun} (reads model and data, drives the trainer) → SFT: {@link
 * dev.armory.engine.finetune.LoraTrainingGraph}, {@link
 * dev.armory.engine.finetune.SftStepFunction}, {@link dev.armory.engine.finetune.SftBatch} → DPO:
 * {@link dev.armory.engine.finetune.DpoTrainingGraph} (training step and the forward graph that is
 * the reference policy), {@link dev.armory.engine.finetune.DpoStepFunction}, {@link
 * dev.armory.engine.finetune.DpoExample} and {@link dev.armory.engine.finetune.DpoBatch} (pairs
 * with their reference log-probs), {@link dev.armory.engine.finetune.DpoStats} (rewards, accuracy,
 * margin).
 */
package dev.armory.engine.finetune;
