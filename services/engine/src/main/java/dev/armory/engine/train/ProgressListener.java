package dev.armory.engine.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Follows a run as it goes: the CLI draws a progress bar, the platform publishes events. Called on
 * the training thread; keep it quick. Every method has a do-nothing default.
 */
public interface ProgressListener {
  /** Once, before the first step (also when resuming). */
  default void started(TrainingPlan plan) {}

  /** After every optimizer step. */
  default void stepped(StepProgress progress) {}

  /** After every evaluation. */
  default void evaluated(EvalProgress progress) {}

  /** After a checkpoint has been written. */
  default void checkpointSaved(int step, Path directory, boolean best) {}

  /** Once, when the run ends without error. */
  default void finished(TrainingResult result) {}

  /** Once, when the run fails; {@code step} is the last completed step. The error is rethrown. */
  default void failed(int step, Exception error) {}

  /** Listens to nothing. */
  ProgressListener NONE = new ProgressListener() {};

  /**
   * One optimizer step.
   *
   * @param step steps done (1-based)
   * @param totalSteps planned steps
   * @param epoch epoch of the step's last micro-batch (0-based)
   * @param loss training loss (mean over the step's micro-batches)
   * @param gradNorm global gradient norm before clipping
   * @param lr learning rate the step used
   * @param millis wall time of the step
   * @param tokensPerSecond tokens processed per second in this step
   * @param eta estimated time to the end, from the average step time of this session
   * @param metrics objective-specific figures of the step (DPO rewards), empty for SFT
   */
  record StepProgress(
      int step,
      int totalSteps,
      int epoch,
      double loss,
      double gradNorm,
      double lr,
      double millis,
      double tokensPerSecond,
      Duration eta,
      Map<String, Double> metrics) {
    public StepProgress {
      metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** A step without objective-specific figures. */
    public StepProgress(
        int step,
        int totalSteps,
        int epoch,
        double loss,
        double gradNorm,
        double lr,
        double millis,
        double tokensPerSecond,
        Duration eta) {
      this(step, totalSteps, epoch, loss, gradNorm, lr, millis, tokensPerSecond, eta, Map.of());
    }
  }

  /**
   * One evaluation.
   *
   * @param step steps done when evaluating
   * @param totalSteps planned steps
   * @param evalLoss mean loss over the eval tokens
   * @param trainLoss mean training loss since the previous evaluation
   * @param bestEvalLoss lowest eval loss so far (this one included)
   * @param bestStep step of the lowest eval loss
   * @param improved whether this evaluation set a new best
   * @param metrics objective-specific figures over the eval set (DPO rewards), empty for SFT
   */
  record EvalProgress(
      int step,
      int totalSteps,
      double evalLoss,
      double trainLoss,
      double bestEvalLoss,
      int bestStep,
      boolean improved,
      Map<String, Double> metrics) {
    public EvalProgress {
      metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
    }

    /** An evaluation without objective-specific figures. */
    public EvalProgress(
        int step,
        int totalSteps,
        double evalLoss,
        double trainLoss,
        double bestEvalLoss,
        int bestStep,
        boolean improved) {
      this(step, totalSteps, evalLoss, trainLoss, bestEvalLoss, bestStep, improved, Map.of());
    }

    /** exp(eval loss). */
    public double perplexity() {
      return Math.exp(evalLoss);
    }

    /** eval loss − train loss: growing means overfitting. */
    public double gap() {
      return evalLoss - trainLoss;
    }
  }
}
