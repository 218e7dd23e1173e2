package dev.armory.engine.train;

/**
 * The loss or the gradients became NaN or infinite. The step's update was not applied and no
 * checkpoint was written after the last good one.
 */
public class TrainingDivergedException extends RuntimeException {
  private final int step;

  public TrainingDivergedException(int step, String message) {
    super(message);
    this.step = step;
  }

  /** The step (1-based) whose loss or gradients were not finite. */
  public int step() {
    return step;
  }
}
