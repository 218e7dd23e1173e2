package dev.armory.engine.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything besides tensors that a checkpoint needs to continue a run exactly; saved as {@code
 * state.json} beside the tensors. Loss values are NaN where there is none yet.
 *
 * @param step optimizer steps completed
 * @param totalSteps the run's planned optimizer steps
 * @param optimizerSteps AdamW's update count t (its bias correction)
 * @param schedule the learning-rate schedule; the next step's rate is {@code schedule.lr(step)}
 * @param randomState the trainer's {@link SplitMix64} state
 * @param dataCursor the next training micro-batch
 * @param config the hyperparameters of the run
 * @param lastLoss training loss of the last step
 * @param lastEvalLoss eval loss of the last evaluation
 * @param bestEvalLoss lowest eval loss so far
 * @param bestStep step of the lowest eval loss (0 when none)
 * @param evalsWithoutImprovement evaluations since the best (early stopping counter)
 * @param trainLossSinceEval sum of training losses since the last evaluation (train/eval gap)
 * @param stepsSinceEval steps since the last evaluation
 * @param tokensSeen training tokens processed
 * @param elapsedSeconds training wall time so far, over all sessions of the run
 * @param trainCurve (step, loss) of every step, for the loss curve
 * @param evalCurve (step, eval loss) of every evaluation
 * @param armoryVersion the Armory version that wrote the checkpoint
 * @param metricCurves (step, value) of every step per objective-specific metric (DPO rewards), for
 *     the plot; empty for SFT and in checkpoints written before metrics existed
 */
public record CheckpointState(
    int step,
    int totalSteps,
    long optimizerSteps,
    LrSchedule schedule,
    long randomState,
    DataCursor dataCursor,
    TrainingConfig config,
    double lastLoss,
    double lastEvalLoss,
    double bestEvalLoss,
    int bestStep,
    int evalsWithoutImprovement,
    double trainLossSinceEval,
    int stepsSinceEval,
    long tokensSeen,
    double elapsedSeconds,
    List<CurvePoint> trainCurve,
    List<CurvePoint> evalCurve,
    String armoryVersion,
    Map<String, List<CurvePoint>> metricCurves) {

  public CheckpointState {
    trainCurve = List.copyOf(trainCurve);
    evalCurve = List.copyOf(evalCurve);
    Map<String, List<CurvePoint>> curves = new LinkedHashMap<>();
    if (metricCurves != null) {
      metricCurves.forEach((k, v) -> curves.put(k, List.copyOf(v)));
    }
    metricCurves = java.util.Collections.unmodifiableMap(curves);
  }

  /** One point of a loss curve. */
  public record CurvePoint(int step, double loss) {}
}
