package dev.armory.engine.train;

/**
 * The learning rate at each optimizer step (0-based): linear warm-up to the peak, then cosine,
 * linear or constant decay to {@code minLrRatio × peak}, reached at step {@code totalSteps}.
 */
public record LrSchedule(
    double peak, int warmupSteps, int totalSteps, TrainingConfig.Decay decay, double minLrRatio) {

  public LrSchedule {
    if (totalSteps < 1) {
      throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
    }
    if (warmupSteps < 0 || warmupSteps > totalSteps) {
      throw new IllegalArgumentException(
          "warmupSteps must be in [0, " + totalSteps + "], got " + warmupSteps);
    }
  }

  /** The schedule of a run of {@code totalSteps} under {@code config}. */
  public static LrSchedule of(TrainingConfig config, int totalSteps) {
    return new LrSchedule(
        config.learningRate(),
        config.resolvedWarmupSteps(totalSteps),
        totalSteps,
        config.decay(),
        config.minLrRatio());
  }

  /** Learning rate for optimizer step {@code step} (0-based). */
  public double lr(int step) {
    // 1) linear warm-up: step 0 already moves (peak/warmup), step warmup-1 reaches the peak
    if (step < warmupSteps) {
      return peak * (step + 1) / warmupSteps;
    }
    double min = peak * minLrRatio;
    int decaySteps = totalSteps - warmupSteps;
    double progress =
        decaySteps == 0 ? 1.0 : Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
    // 2) decay from the peak to the floor over the remaining steps
    return switch (decay) {
      case CONSTANT -> peak;
      case LINEAR -> min + (peak - min) * (1 - progress);
      case COSINE -> min + (peak - min) * 0.5 * (1 + Math.cos(Math.PI * progress));
    };
  }
}
