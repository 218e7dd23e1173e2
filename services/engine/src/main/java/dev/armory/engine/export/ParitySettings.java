package dev.armory.engine.export;

import java.util.List;

/**
 * How an export is validated: the prompts run through both the exported model and the engine, how
 * many tokens are decoded greedily, and the largest logit difference accepted per precision.
 *
 * @param prompts prompt texts (encoded with the model's tokenizer); empty for built-in prompts
 * @param greedyTokens tokens decoded greedily per prompt through the exported model's KV cache
 * @param fp32MaxAbs largest max-abs logit difference an fp32 export may show
 * @param fp16MaxAbs the same for fp16 weights
 * @param int4MaxAbs the same for int4 weights
 */
public record ParitySettings(
    List<String> prompts,
    int greedyTokens,
    double fp32MaxAbs,
    double fp16MaxAbs,
    double int4MaxAbs) {

  public static final double DEFAULT_FP32_MAX_ABS = 1e-4;
  public static final double DEFAULT_FP16_MAX_ABS = 0.1;
  public static final double DEFAULT_INT4_MAX_ABS = 10.0;

  public ParitySettings {
    prompts = List.copyOf(prompts);
    if (greedyTokens < 1) {
      throw new IllegalArgumentException("greedy tokens must be at least 1, was " + greedyTokens);
    }
    for (double t : new double[] {fp32MaxAbs, fp16MaxAbs, int4MaxAbs}) {
      if (!(t >= 0)) {
        throw new IllegalArgumentException("parity thresholds must be >= 0, got " + t);
      }
    }
  }

  /**
   * Built-in prompts, 16 greedy tokens, thresholds 1e-4 (fp32: only float rounding may differ), 0.1
   * (fp16 weight rounding) and 10 (int4: a sanity bound that catches a broken export, not a quality
   * bar; round-to-nearest int4 moves the logits of small models by several units, so judge int4 by
   * the report's mean difference and greedy agreement).
   */
  public static ParitySettings defaults() {
    return new ParitySettings(
        List.of(), 16, DEFAULT_FP32_MAX_ABS, DEFAULT_FP16_MAX_ABS, DEFAULT_INT4_MAX_ABS);
  }

  public ParitySettings withPrompts(List<String> p) {
    return new ParitySettings(p, greedyTokens, fp32MaxAbs, fp16MaxAbs, int4MaxAbs);
  }

  public ParitySettings withGreedyTokens(int n) {
    return new ParitySettings(prompts, n, fp32MaxAbs, fp16MaxAbs, int4MaxAbs);
  }

  public ParitySettings withThreshold(ExportPrecision p, double maxAbs) {
    return switch (p) {
      case FP32 -> new ParitySettings(prompts, greedyTokens, maxAbs, fp16MaxAbs, int4MaxAbs);
      case FP16 -> new ParitySettings(prompts, greedyTokens, fp32MaxAbs, maxAbs, int4MaxAbs);
      case INT4 -> new ParitySettings(prompts, greedyTokens, fp32MaxAbs, fp16MaxAbs, maxAbs);
    };
  }

  /** The threshold of {@code p}. */
  public double threshold(ExportPrecision p) {
    return switch (p) {
      case FP32 -> fp32MaxAbs;
      case FP16 -> fp16MaxAbs;
      case INT4 -> int4MaxAbs;
    };
  }
}
