package dev.armory.engine.graph;

import dev.armory.engine.numeric.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The contents of a constant tensor: element type, shape and little-endian bytes. The bytes may
 * live on the heap, off-heap, or in a memory-mapped file (weights are never copied to build a
 * graph).
 */
public final class TensorData {
  private final ElementType type;
  private final long[] shape;
  private final ByteBuffer bytes;

  private TensorData(ElementType type, long[] shape, ByteBuffer bytes) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    long expected = Math.multiplyExact(n, (long) type.byteSize());
    if (bytes.remaining() != expected) {
      throw new IllegalArgumentException(
          "tensor of "
              + type
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes, got "
              + bytes.remaining());
    }
    this.type = type;
    this.shape = shape.clone();
    this.bytes = bytes.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
  }

  /** Wraps existing little-endian bytes without copying. */
  public static TensorData wrap(ElementType type, long[] shape, ByteBuffer bytes) {
    return new TensorData(type, shape, bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN));
  }

  public static TensorData ofFloats(long[] shape, float... values) {
    ByteBuffer b = alloc(values.length * 4L);
    b.asFloatBuffer().put(values);
    return new TensorData(ElementType.FLOAT, shape, b);
  }

  /**
   * Float values stored as {@code type} (FLOAT or DOUBLE), for graphs built in either precision.
   */
  public static TensorData ofFloatsAs(ElementType type, long[] shape, float... values) {
    if (type == ElementType.FLOAT) {
      return ofFloats(shape, values);
    }
    if (type != ElementType.DOUBLE) {
      throw new IllegalArgumentException("ofFloatsAs supports FLOAT and DOUBLE, got " + type);
    }
    double[] d = new double[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i];
    }
    return ofDoubles(shape, d);
  }

  public static TensorData ofDoubles(long[] shape, double... values) {
    ByteBuffer b = alloc(values.length * 8L);
    b.asDoubleBuffer().put(values);
    return new TensorData(ElementType.DOUBLE, shape, b);
  }

  public static TensorData ofLongs(long[] shape, long... values) {
    ByteBuffer b = alloc(values.length * 8L);
    b.asLongBuffer().put(values);
    return new TensorData(ElementType.INT64, shape, b);
  }

  public static TensorData ofInts(long[] shape, int... values) {
    ByteBuffer b = alloc(values.length * 4L);
    b.asIntBuffer().put(values);
    return new TensorData(ElementType.INT32, shape, b);
  }

  public static TensorData ofBytes(ElementType type, long[] shape, byte... values) {
    ByteBuffer b = alloc(values.length);
    b.put(values).flip();
    return new TensorData(type, shape, b);
  }

  public static TensorData ofBooleans(long[] shape, boolean... values) {
    ByteBuffer b = alloc(values.length);
    for (boolean v : values) {
      b.put((byte) (v ? 1 : 0));
    }
    b.flip();
    return new TensorData(ElementType.BOOL, shape, b);
  }

  /** A scalar (rank 0) of a floating type holding {@code value}. */
  public static TensorData scalar(ElementType type, double value) {
    return filled(type, new long[0], value);
  }

  /** A tensor of the given type and shape with every element equal to {@code value}. */
  public static TensorData filled(ElementType type, long[] shape, double value) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    ByteBuffer b = alloc(n * type.byteSize());
    for (long i = 0; i < n; i++) {
      switch (type) {
        case FLOAT -> b.putFloat((float) value);
        case DOUBLE -> b.putDouble(value);
        case INT64 -> b.putLong((long) value);
        case INT32 -> b.putInt((int) value);
        case INT8, UINT8 -> b.put((byte) value);
        case BOOL -> b.put((byte) (value != 0 ? 1 : 0));
        case FLOAT16 -> b.putShort(HalfFloat.floatToFp16((float) value));
        case BFLOAT16 -> b.putShort(HalfFloat.floatToBf16((float) value));
      }
    }
    b.flip();
    return new TensorData(type, shape, b);
  }

  private static ByteBuffer alloc(long n) {
    return ByteBuffer.allocate(Math.toIntExact(n)).order(ByteOrder.LITTLE_ENDIAN);
  }

  public ElementType type() {
    return type;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public long byteSize() {
    return bytes.remaining();
  }

  /** A read-only little-endian view of the bytes, positioned at 0. */
  public ByteBuffer bytes() {
    return bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The values as doubles, for small constants (shape inference, tests). */
  public double[] toDoubles() {
    ByteBuffer b = bytes();
    int n = Math.toIntExact(elementCount());
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (type) {
            case FLOAT -> b.getFloat();
            case DOUBLE -> b.getDouble();
            case INT64 -> b.getLong();
            case INT32 -> b.getInt();
            case INT8 -> b.get();
            case UINT8 -> b.get() & 0xff;
            case BOOL -> b.get() != 0 ? 1 : 0;
            case FLOAT16 -> HalfFloat.fp16ToFloat(b.getShort());
            case BFLOAT16 -> HalfFloat.bf16ToFloat(b.getShort());
          };
    }
    return out;
  }

  /** The values as longs, for integer constants such as shapes and axes. */
  public long[] toLongs() {
    double[] d = toDoubles();
    long[] out = new long[d.length];
    if (type == ElementType.INT64) {
      ByteBuffer b = bytes();
      for (int i = 0; i < out.length; i++) {
        out[i] = b.getLong();
      }
      return out;
    }
    for (int i = 0; i < d.length; i++) {
      out[i] = (long) d[i];
    }
    return out;
  }

  @Override
  public String toString() {
    return type.name().toLowerCase() + Arrays.toString(shape);
  }
}
