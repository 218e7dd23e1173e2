package dev.armory.engine.finetune;

import java.util.Locale;

/** How the frozen base model's linear weights are held while training. */
public enum BaseWeights {
  /** 4-bit NormalFloat with double-quantised absmax: QLoRA. */
  NF4,
  /** 4-bit NormalFloat with float32 absmax. */
  NF4_NO_DOUBLE_QUANT,
  /** The checkpoint's weights as float32: plain LoRA. */
  FLOAT32;

  /** Parses nf4, nf4-no-dq or none/fp32 (case-insensitive), naming the choices on failure. */
  public static BaseWeights parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "nf4" -> NF4;
      case "nf4-no-dq" -> NF4_NO_DOUBLE_QUANT;
      case "none", "fp32", "float32" -> FLOAT32;
      default ->
          throw new IllegalArgumentException(
              "unknown base weight format '" + s + "': expected nf4, nf4-no-dq or none");
    };
  }
}
