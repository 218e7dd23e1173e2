package dev.armory.engine.train;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * One trainable float32 tensor: a name, a shape and its values in a direct (off-heap) buffer, so
 * ONNX Runtime reads them without a copy and the optimizer updates them in place. Access the buffer
 * with absolute {@code get(i)}/{@code put(i, v)}; its position is never moved.
 */
public final class Parameter {
  private final String name;
  private final long[] shape;
  private final FloatBuffer data;

  Parameter(String name, long[] shape, FloatBuffer data) {
    this.name = name;
    this.shape = shape.clone();
    this.data = data;
  }

  public String name() {
    return name;
  }

  /** The shape (a copy). */
  public long[] shape() {
    return shape.clone();
  }

  /** The values, row-major; a direct buffer of exactly {@link #size()} floats. */
  public FloatBuffer data() {
    return data;
  }

  /** The number of values. */
  public int size() {
    return data.capacity();
  }

  /** The values copied to a heap array. */
  public float[] toArray() {
    float[] out = new float[size()];
    data.get(0, out);
    return out;
  }

  /** Overwrites the values from {@code values} (same length). */
  public void set(float[] values) {
    if (values.length != size()) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' has " + size() + " values, got " + values.length);
    }
    data.put(0, values);
  }

  /** Sets every value to zero. */
  public void zero() {
    for (int i = 0, n = size(); i < n; i++) {
      data.put(i, 0f);
    }
  }

  static int elementCount(String name, long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            "parameter '" + name + "' has a negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' of shape "
              + Arrays.toString(shape)
              + " has "
              + n
              + " values; one tensor is limited to 2^31-1, split it into several parameters");
    }
    return (int) n;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
