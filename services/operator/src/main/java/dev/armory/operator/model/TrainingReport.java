package dev.armory.operator.model;

import java.time.Instant;

/**
 * The latest the trainer said about a run through its events (TrainingStarted, TrainingProgress,
 * TrainingCompleted, TrainingFailed), reduced to what the status shows.
 *
 * @param runId run id the events are keyed by
 * @param kind what the last event was
 * @param step last optimizer step reported (0 before the first)
 * @param totalSteps steps the run will take (0 when unknown)
 * @param loss last training loss, or null
 * @param evalLoss last eval loss, or null
 * @param tokensPerSecond training throughput, or null
 * @param etaSeconds seconds left as the trainer estimated them, or null
 * @param at when the trainer sent the event
 * @param message failure or cancellation message, or null
 * @param adapterRef artifact-store path of the adapter (from TrainingCompleted), or null
 */
public record TrainingReport(
    String runId,
    Kind kind,
    long step,
    long totalSteps,
    Double loss,
    Double evalLoss,
    Double tokensPerSecond,
    Double etaSeconds,
    Instant at,
    String message,
    String adapterRef) {

  /** Which event the report comes from. */
  public enum Kind {
    STARTED,
    PROGRESS,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** True when the trainer will say nothing more about the run. */
    public boolean terminal() {
      return this == COMPLETED || this == FAILED || this == CANCELLED;
    }
  }

  /**
   * The report to keep when {@code next} arrives after this one: terminal reports win, and among
   * progress reports the higher step wins, so redelivered or reordered events never move a run
   * backwards. Progress figures of a terminal report fall back to the last ones seen.
   */
  public TrainingReport merge(TrainingReport next) {
    if (kind.terminal() && !next.kind.terminal()) {
      return this;
    }
    if (next.kind.terminal()) {
      return new TrainingReport(
          next.runId,
          next.kind,
          Math.max(step, next.step),
          next.totalSteps > 0 ? next.totalSteps : totalSteps,
          next.loss != null ? next.loss : loss,
          next.evalLoss != null ? next.evalLoss : evalLoss,
          next.tokensPerSecond != null ? next.tokensPerSecond : tokensPerSecond,
          null,
          next.at,
          next.message,
          next.adapterRef != null ? next.adapterRef : adapterRef);
    }
    if (next.step < step) {
      return this;
    }
    return new TrainingReport(
        next.runId,
        next.kind,
        next.step,
        next.totalSteps > 0 ? next.totalSteps : totalSteps,
        next.loss != null ? next.loss : loss,
        next.evalLoss != null ? next.evalLoss : evalLoss,
        next.tokensPerSecond != null ? next.tokensPerSecond : tokensPerSecond,
        next.etaSeconds,
        next.at,
        next.message,
        next.adapterRef != null ? next.adapterRef : adapterRef);
  }
}
