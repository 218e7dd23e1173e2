package dev.armory.engine.generate;

import java.util.Locale;

/** How the engine holds the base model's linear-layer weights (a load-time choice). */
public enum WeightFormat {
  /** The checkpoint's weights as float32 (memory-mapped when the checkpoint is float32). */
  FP32,
  /** 4-bit NormalFloat with double-quantised absmax, through com.microsoft.MatMulBnb4. */
  NF4,
  /** 4-bit integers in blocks of 32 with a scale and zero point, through MatMulNBits. */
  INT4;

  /** Parses fp32, nf4 or int4 (any case), naming the choices on failure. */
  public static WeightFormat parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "fp32", "float32", "none" -> FP32;
      case "nf4" -> NF4;
      case "int4" -> INT4;
      default ->
          throw new IllegalArgumentException(
              "unknown weight format '" + s + "': expected fp32, nf4 or int4");
    };
  }
}
