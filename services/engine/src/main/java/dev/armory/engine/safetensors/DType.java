package dev.armory.engine.safetensors;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types Armory reads and writes in safetensors files, with their ONNX type codes. */
public enum DType {
  F64(8, 11),
  F32(4, 1),
  F16(2, 10),
  BF16(2, 16),
  I64(8, 7),
  I32(4, 6),
  I8(1, 3),
  U8(1, 2),
  BOOL(1, 9);

  private final int byteSize;
  private final int onnxCode;

  DType(int byteSize, int onnxCode) {
    this.byteSize = byteSize;
    this.onnxCode = onnxCode;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** The ONNX {@code TensorProto.DataType} number of this type. */
  public int onnxCode() {
    return onnxCode;
  }

  /** True for F64, F32, F16 and BF16. */
  public boolean isFloatingPoint() {
    return this == F64 || this == F32 || this == F16 || this == BF16;
  }

  /** The type spelled {@code name} in a header, or null when Armory does not know it. */
  public static DType fromHeaderName(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    return null;
  }

  /** The type with ONNX code {@code code}; throws listing the supported codes otherwise. */
  public static DType fromOnnxCode(int code) {
    for (DType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "ONNX element type " + code + " has no safetensors dtype here; supported: " + supported());
  }

  /** The supported header names, comma separated, for error messages. */
  public static String supported() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
