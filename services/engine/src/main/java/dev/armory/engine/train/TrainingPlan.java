package dev.armory.engine.train;

import java.nio.file.Path;

/**
 * What a run is about to do, computed before the first step.
 *
 * @param config the hyperparameters
 * @param totalSteps optimizer steps of the whole run
 * @param startStep steps already done (0, or the step resumed from)
 * @param trainExamples examples in the training set
 * @param batchesPerEpoch training micro-batches per epoch
 * @param evalExamples examples in the eval set (0 without one)
 * @param evalBatches eval micro-batches per evaluation (0 without an eval set)
 * @param trainableTensors number of trainable tensors
 * @param trainableValues number of trainable values
 * @param schedule the learning-rate schedule
 * @param runDirectory where the run writes
 */
public record TrainingPlan(
    TrainingConfig config,
    int totalSteps,
    int startStep,
    int trainExamples,
    int batchesPerEpoch,
    int evalExamples,
    int evalBatches,
    int trainableTensors,
    long trainableValues,
    LrSchedule schedule,
    Path runDirectory) {}
