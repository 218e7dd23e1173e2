package dev.armory.engine.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One header entry: a tensor's name, dtype, shape and byte range [start, end) relative to the start
 * of the data section.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long start, long end) {

  public TensorInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(dtype, "dtype");
    shape = shape.clone();
  }

  /** The shape (a copy; the record keeps its own). */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of dimensions; 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}. */
  public long dim(int i) {
    return shape[i];
  }

  /** Product of the dimensions (1 for a scalar, 0 when any dimension is 0). */
  public long elementCount() {
    return elementCount(shape);
  }

  /** Bytes the data occupies: {@code end - start}. */
  public long byteLength() {
    return end - start;
  }

  /** Product of {@code shape}, throwing {@link ArithmeticException} on overflow. */
  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The shape as {@code [2, 3]}. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && start == t.start
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, dtype, Arrays.hashCode(shape), start, end);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + shapeString() + " @[" + start + ", " + end + ")";
  }
}
