package dev.armory.engine.export;

import java.util.Locale;

/** How an exported model stores its weights. Activations, the KV cache and logits are float32. */
public enum ExportPrecision {
  /** float32 weights: the merged model exactly. */
  FP32,
  /**
   * float16 weights (every parameter initializer over 4 KiB), cast to float32 inside the graph:
   * half the file size, and it runs on any execution provider (ONNX Runtime's CPU provider has no
   * float16 MatMul); the runtime folds the casts, so resident memory stays float32.
   */
  FP16,
  /**
   * 4-bit weight-only quantisation of the decoder's linear layers through com.microsoft.MatMulNBits
   * (block size and accuracy level configurable); embeddings, norms and the output head stay
   * float32.
   */
  INT4;

  /** Parses fp32, fp16 or int4 (any case). */
  public static ExportPrecision parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "fp32", "float32" -> FP32;
      case "fp16", "float16" -> FP16;
      case "int4" -> INT4;
      default ->
          throw new IllegalArgumentException(
              "unknown precision '" + s + "': expected fp32, fp16 or int4");
    };
  }

  /** The lower-case name used in files and metadata. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
