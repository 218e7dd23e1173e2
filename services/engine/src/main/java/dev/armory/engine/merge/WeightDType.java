package dev.armory.engine.merge;

import dev.armory.engine.numeric.HalfFloat;
import dev.armory.engine.safetensors.DType;
import java.nio.ByteBuffer;
import java.util.Locale;

/** The element type a merged checkpoint stores its floating-point tensors in. */
public enum WeightDType {
  FP32(DType.F32, "float32"),
  FP16(DType.F16, "float16"),
  BF16(DType.BF16, "bfloat16");

  private final DType dtype;
  private final String torchName;

  WeightDType(DType dtype, String torchName) {
    this.dtype = dtype;
    this.torchName = torchName;
  }

  /** The safetensors dtype. */
  public DType dtype() {
    return dtype;
  }

  /** config.json's {@code torch_dtype} spelling. */
  public String torchName() {
    return torchName;
  }

  /** Appends {@code v} rounded to nearest (even) in this type, little-endian. */
  void put(ByteBuffer out, float v) {
    switch (this) {
      case FP32 -> out.putFloat(v);
      case FP16 -> out.putShort(HalfFloat.floatToFp16(v));
      case BF16 -> out.putShort(HalfFloat.floatToBf16(v));
    }
  }

  /** Parses fp32, fp16 or bf16 (also float32, float16, bfloat16; any case). */
  public static WeightDType parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "fp32", "float32", "f32" -> FP32;
      case "fp16", "float16", "f16", "half" -> FP16;
      case "bf16", "bfloat16" -> BF16;
      default ->
          throw new IllegalArgumentException(
              "unknown dtype '" + s + "': expected fp32, fp16 or bf16");
    };
  }
}
