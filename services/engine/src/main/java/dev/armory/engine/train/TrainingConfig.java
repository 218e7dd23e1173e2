package dev.armory.engine.train;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Every hyperparameter of a training run, with defaults. Saved with each checkpoint and in the run
 * manifest (snake_case keys, see {@link TrainingConfigJson}); error messages use those keys.
 *
 * @param learningRate peak learning rate reached at the end of warm-up
 * @param warmupSteps linear warm-up steps; when 0, {@code warmupRatio} of the total steps is used
 * @param warmupRatio fraction of total steps spent warming up when {@code warmupSteps} is 0
 * @param decay shape of the learning rate after warm-up
 * @param minLrRatio floor of the decay as a fraction of the peak learning rate
 * @param adamBeta1 AdamW decay rate of the first moment (mean of gradients)
 * @param adamBeta2 AdamW decay rate of the second moment (mean of squared gradients)
 * @param adamEpsilon AdamW term added to the denominator for numerical stability
 * @param weightDecay decoupled weight decay; 0 suits adapters whose B starts at zero
 * @param gradientAccumulationSteps micro-batches whose gradients are averaged into one step
 * @param maxGradNorm clip gradients to this global L2 norm; 0 disables clipping
 * @param epochs passes over the training set when {@code maxSteps} is 0
 * @param maxSteps optimizer steps to run; 0 derives them from {@code epochs}
 * @param microBatchSize examples per forward/backward pass
 * @param evalEverySteps evaluate every N optimizer steps (and at the end); 0 evaluates only at the
 *     end
 * @param maxEvalBatches evaluate on at most this many eval batches; 0 uses the whole eval set
 * @param saveEverySteps write a checkpoint every N optimizer steps (and at the end); 0 only at the
 *     end
 * @param keepLastCheckpoints how many of the most recent checkpoints to keep on disk
 * @param keepBestByEvalLoss also keep the checkpoint with the lowest eval loss
 * @param earlyStoppingPatience stop after this many evaluations without improvement; 0 disables
 * @param seed seeds the data order and the trainer's random stream (dropout)
 * @param logEverySteps print and record a metrics line every N optimizer steps
 * @param plotEverySteps redraw loss.png every N optimizer steps (also at each eval and the end)
 */
public record TrainingConfig(
    double learningRate,
    int warmupSteps,
    double warmupRatio,
    Decay decay,
    double minLrRatio,
    double adamBeta1,
    double adamBeta2,
    double adamEpsilon,
    double weightDecay,
    int gradientAccumulationSteps,
    double maxGradNorm,
    int epochs,
    int maxSteps,
    int microBatchSize,
    int evalEverySteps,
    int maxEvalBatches,
    int saveEverySteps,
    int keepLastCheckpoints,
    boolean keepBestByEvalLoss,
    int earlyStoppingPatience,
    long seed,
    int logEverySteps,
    int plotEverySteps) {

  /** Learning rate shape after warm-up. */
  public enum Decay {
    COSINE,
    LINEAR,
    CONSTANT;

    @JsonValue
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Decay parse(String s) {
      for (Decay d : values()) {
        if (d.key().equalsIgnoreCase(s)) {
          return d;
        }
      }
      throw new InvalidConfigException(
          "decay must be one of "
              + Arrays.stream(values()).map(Decay::key).collect(Collectors.joining(", "))
              + ", got '"
              + s
              + "'");
    }
  }

  public TrainingConfig {
    positiveFinite("learning_rate", learningRate);
    atLeast("warmup_steps", warmupSteps, 0);
    inRange("warmup_ratio", warmupRatio, 0, 1, true);
    if (decay == null) {
      throw new InvalidConfigException("decay is required: one of cosine, linear, constant");
    }
    inRange("min_lr_ratio", minLrRatio, 0, 1, true);
    inRange("adam_beta1", adamBeta1, 0, 1, false);
    inRange("adam_beta2", adamBeta2, 0, 1, false);
    positiveFinite("adam_epsilon", adamEpsilon);
    nonNegativeFinite("weight_decay", weightDecay);
    atLeast("gradient_accumulation_steps", gradientAccumulationSteps, 1);
    nonNegativeFinite("max_grad_norm", maxGradNorm);
    atLeast("epochs", epochs, 0);
    atLeast("max_steps", maxSteps, 0);
    if (epochs == 0 && maxSteps == 0) {
      throw new InvalidConfigException(
          "epochs and max_steps are both 0: set epochs >= 1 or max_steps >= 1");
    }
    atLeast("micro_batch_size", microBatchSize, 1);
    atLeast("eval_every_steps", evalEverySteps, 0);
    atLeast("max_eval_batches", maxEvalBatches, 0);
    atLeast("save_every_steps", saveEverySteps, 0);
    atLeast("keep_last_checkpoints", keepLastCheckpoints, 1);
    atLeast("early_stopping_patience", earlyStoppingPatience, 0);
    atLeast("log_every_steps", logEverySteps, 1);
    atLeast("plot_every_steps", plotEverySteps, 1);
  }

  /** The defaults: a LoRA-style run of 3 epochs at 2e-4 with cosine decay. */
  public static TrainingConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Warm-up steps for a run of {@code totalSteps}: the explicit count, else the ratio (floored).
   */
  public int resolvedWarmupSteps(int totalSteps) {
    int w = warmupSteps > 0 ? warmupSteps : (int) Math.floor(warmupRatio * totalSteps);
    return Math.min(w, totalSteps);
  }

  private static void positiveFinite(String field, double v) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new InvalidConfigException(field + " must be a finite number > 0, got " + v);
    }
  }

  private static void nonNegativeFinite(String field, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new InvalidConfigException(field + " must be a finite number >= 0, got " + v);
    }
  }

  private static void inRange(String field, double v, double lo, double hi, boolean hiIncluded) {
    boolean ok = v >= lo && (hiIncluded ? v <= hi : v < hi);
    if (!ok) {
      throw new InvalidConfigException(
          field + " must be in [" + lo + ", " + hi + (hiIncluded ? "]" : ")") + ", got " + v);
    }
  }

  private static void atLeast(String field, long v, long min) {
    if (v < min) {
      throw new InvalidConfigException(field + " must be >= " + min + ", got " + v);
    }
  }

  /** Builds a {@link TrainingConfig}; starts from the defaults. */
  public static final class Builder {
    private double learningRate = 2e-4;
    private int warmupSteps = 0;
    private double warmupRatio = 0.03;
    private Decay decay = Decay.COSINE;
    private double minLrRatio = 0.1;
    private double adamBeta1 = 0.9;
    private double adamBeta2 = 0.999;
    private double adamEpsilon = 1e-8;
    private double weightDecay = 0.0;
    private int gradientAccumulationSteps = 1;
    private double maxGradNorm = 1.0;
    private int epochs = 3;
    private int maxSteps = 0;
    private int microBatchSize = 4;
    private int evalEverySteps = 100;
    private int maxEvalBatches = 0;
    private int saveEverySteps = 100;
    private int keepLastCheckpoints = 2;
    private boolean keepBestByEvalLoss = true;
    private int earlyStoppingPatience = 0;
    private long seed = 42;
    private int logEverySteps = 10;
    private int plotEverySteps = 50;

    private Builder() {}

    private Builder(TrainingConfig c) {
      learningRate = c.learningRate;
      warmupSteps = c.warmupSteps;
      warmupRatio = c.warmupRatio;
      decay = c.decay;
      minLrRatio = c.minLrRatio;
      adamBeta1 = c.adamBeta1;
      adamBeta2 = c.adamBeta2;
      adamEpsilon = c.adamEpsilon;
      weightDecay = c.weightDecay;
      gradientAccumulationSteps = c.gradientAccumulationSteps;
      maxGradNorm = c.maxGradNorm;
      epochs = c.epochs;
      maxSteps = c.maxSteps;
      microBatchSize = c.microBatchSize;
      evalEverySteps = c.evalEverySteps;
      maxEvalBatches = c.maxEvalBatches;
      saveEverySteps = c.saveEverySteps;
      keepLastCheckpoints = c.keepLastCheckpoints;
      keepBestByEvalLoss = c.keepBestByEvalLoss;
      earlyStoppingPatience = c.earlyStoppingPatience;
      seed = c.seed;
      logEverySteps = c.logEverySteps;
      plotEverySteps = c.plotEverySteps;
    }

    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    public Builder warmupSteps(int v) {
      warmupSteps = v;
      return this;
    }

    public Builder warmupRatio(double v) {
      warmupRatio = v;
      return this;
    }

    public Builder decay(Decay v) {
      decay = v;
      return this;
    }

    public Builder minLrRatio(double v) {
      minLrRatio = v;
      return this;
    }

    public Builder adamBeta1(double v) {
      adamBeta1 = v;
      return this;
    }

    public Builder adamBeta2(double v) {
      adamBeta2 = v;
      return this;
    }

    public Builder adamEpsilon(double v) {
      adamEpsilon = v;
      return this;
    }

    public Builder weightDecay(double v) {
      weightDecay = v;
      return this;
    }

    public Builder gradientAccumulationSteps(int v) {
      gradientAccumulationSteps = v;
      return this;
    }

    public Builder maxGradNorm(double v) {
      maxGradNorm = v;
      return this;
    }

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder maxSteps(int v) {
      maxSteps = v;
      return this;
    }

    public Builder microBatchSize(int v) {
      microBatchSize = v;
      return this;
    }

    public Builder evalEverySteps(int v) {
      evalEverySteps = v;
      return this;
    }

    public Builder maxEvalBatches(int v) {
      maxEvalBatches = v;
      return this;
    }

    public Builder saveEverySteps(int v) {
      saveEverySteps = v;
      return this;
    }

    public Builder keepLastCheckpoints(int v) {
      keepLastCheckpoints = v;
      return this;
    }

    public Builder keepBestByEvalLoss(boolean v) {
      keepBestByEvalLoss = v;
      return this;
    }

    public Builder earlyStoppingPatience(int v) {
      earlyStoppingPatience = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public Builder logEverySteps(int v) {
      logEverySteps = v;
      return this;
    }

    public Builder plotEverySteps(int v) {
      plotEverySteps = v;
      return this;
    }

    public TrainingConfig build() {
      return new TrainingConfig(
          learningRate,
          warmupSteps,
          warmupRatio,
          decay,
          minLrRatio,
          adamBeta1,
          adamBeta2,
          adamEpsilon,
          weightDecay,
          gradientAccumulationSteps,
          maxGradNorm,
          epochs,
          maxSteps,
          microBatchSize,
          evalEverySteps,
          maxEvalBatches,
          saveEverySteps,
          keepLastCheckpoints,
          keepBestByEvalLoss,
          earlyStoppingPatience,
          seed,
          logEverySteps,
          plotEverySteps);
    }
  }
}
