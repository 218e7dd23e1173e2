package dev.armory.engine.train;

import java.nio.file.Path;

/**
 * How a run ended. Losses are NaN where there is none (no eval set).
 *
 * @param stop why the loop stopped
 * @param steps optimizer steps done
 * @param totalSteps planned steps
 * @param lastLoss training loss of the last step
 * @param lastEvalLoss eval loss of the last evaluation
 * @param bestEvalLoss lowest eval loss
 * @param bestStep step of the lowest eval loss (0 when none)
 * @param bestCheckpoint checkpoint of the lowest eval loss, or null
 * @param lastCheckpoint the last checkpoint written, or null
 * @param adapterDirectory the run's adapter directory, or null without an {@link AdapterWriter}
 * @param tokens training tokens processed
 * @param elapsedSeconds training wall time over all sessions of the run
 */
public record TrainingResult(
    Stop stop,
    int steps,
    int totalSteps,
    double lastLoss,
    double lastEvalLoss,
    double bestEvalLoss,
    int bestStep,
    Path bestCheckpoint,
    Path lastCheckpoint,
    Path adapterDirectory,
    long tokens,
    double elapsedSeconds) {

  /** Why training stopped. */
  public enum Stop {
    /** All planned steps ran. */
    COMPLETED,
    /** Eval loss stopped improving for early_stopping_patience evaluations. */
    EARLY_STOPPED,
    /** {@link Trainer#requestStop()} was called; resume continues the run. */
    STOP_REQUESTED
  }
}
