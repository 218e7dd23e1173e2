package dev.armory.engine.finetune;

import java.nio.file.Path;

/**
 * The DPO objective's settings.
 *
 * @param beta β &gt; 0: the strength of the pull toward the reference (0.1 is usual; smaller lets
 *     the policy move further)
 * @param labelSmoothing ε in [0, 0.5): conservative DPO's assumed rate of flipped preference
 *     labels; 0 is plain DPO
 * @param startAdapter an adapter directory (PEFT format) the policy starts from and the reference
 *     policy is, e.g. an SFT run's adapter; null: a fresh adapter, so the reference is the base
 *     model
 */
public record DpoOptions(double beta, double labelSmoothing, Path startAdapter) {
  public DpoOptions {
    if (!(beta > 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("DPO beta must be a positive number, got " + beta);
    }
    if (!(labelSmoothing >= 0 && labelSmoothing < 0.5)) {
      throw new IllegalArgumentException(
          "DPO label smoothing must be in [0, 0.5) (0.5 would mean the labels carry no"
              + " information), got "
              + labelSmoothing);
    }
  }

  /** β 0.1, no label smoothing, fresh adapter over the base model. */
  public static DpoOptions defaults() {
    return new DpoOptions(0.1, 0.0, null);
  }

  public DpoOptions withBeta(double b) {
    return new DpoOptions(b, labelSmoothing, startAdapter);
  }

  public DpoOptions withLabelSmoothing(double e) {
    return new DpoOptions(beta, e, startAdapter);
  }

  public DpoOptions withStartAdapter(Path dir) {
    return new DpoOptions(beta, labelSmoothing, dir);
  }
}
