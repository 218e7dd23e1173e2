package dev.armory.engine.graph;

/** Element types a graph value can hold, with their ONNX TensorProto codes. */
public enum ElementType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  INT32(6, 4),
  INT64(7, 8),
  BOOL(9, 1),
  FLOAT16(10, 2),
  DOUBLE(11, 8),
  BFLOAT16(16, 2);

  private final int onnxCode;
  private final int byteSize;

  ElementType(int onnxCode, int byteSize) {
    this.onnxCode = onnxCode;
    this.byteSize = byteSize;
  }

  /** The TensorProto.DataType number. */
  public int onnxCode() {
    return onnxCode;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** True for types that carry gradients. */
  public boolean isFloating() {
    return this == FLOAT || this == DOUBLE || this == FLOAT16 || this == BFLOAT16;
  }

  /** The type with the given TensorProto code. */
  public static ElementType fromOnnxCode(int code) {
    for (ElementType t : values()) {
      if (t.onnxCode == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unsupported ONNX element type code " + code);
  }
}
