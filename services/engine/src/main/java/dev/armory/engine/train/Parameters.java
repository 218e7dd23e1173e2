package dev.armory.engine.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable tensors of a run in a fixed order: name → {@link Parameter}. The caller creates
 * them (LoRA A/B matrices, a toy model's weights); the trainer and optimizer update them in place.
 * The same type holds gradients and optimizer moments, with the same names and shapes.
 */
public final class Parameters {
  private final Map<String, Parameter> byName = new LinkedHashMap<>();

  /** Adds a zero-filled parameter and returns it. */
  public Parameter add(String name, long... shape) {
    if (byName.containsKey(name)) {
      throw new IllegalArgumentException("parameter '" + name + "' is already defined");
    }
    int n = Parameter.elementCount(name, shape);
    FloatBuffer data =
        ByteBuffer.allocateDirect(Math.multiplyExact(n, Float.BYTES))
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    Parameter p = new Parameter(name, shape, data);
    byName.put(name, p);
    return p;
  }

  /** Adds a parameter holding a copy of {@code values}. */
  public Parameter add(String name, long[] shape, float[] values) {
    Parameter p = add(name, shape);
    p.set(values);
    return p;
  }

  /**
   * Adds a parameter over the caller's buffer without copying, e.g. one a graph already reads. It
   * must be direct, in native byte order, and hold exactly the shape's element count from index 0.
   */
  public Parameter wrap(String name, long[] shape, FloatBuffer data) {
    if (byName.containsKey(name)) {
      throw new IllegalArgumentException("parameter '" + name + "' is already defined");
    }
    int n = Parameter.elementCount(name, shape);
    if (!data.isDirect() || data.order() != ByteOrder.nativeOrder() || data.capacity() != n) {
      throw new IllegalArgumentException(
          "parameter '"
              + name
              + "' needs a direct native-order buffer of "
              + n
              + " floats for shape "
              + Arrays.toString(shape)
              + ", got "
              + (data.isDirect() ? "a direct " : "a heap ")
              + data.order()
              + " buffer of "
              + data.capacity());
    }
    Parameter p = new Parameter(name, shape, data);
    byName.put(name, p);
    return p;
  }

  /** The parameter named {@code name}; names the known ones when it is missing. */
  public Parameter get(String name) {
    Parameter p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException(
          "no parameter named '" + name + "'; the parameters are " + byName.keySet());
    }
    return p;
  }

  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  /** Names in creation order. */
  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public Collection<Parameter> all() {
    return byName.values();
  }

  /** Number of tensors. */
  public int count() {
    return byName.size();
  }

  /** Total number of values over all tensors. */
  public long elementCount() {
    long n = 0;
    for (Parameter p : byName.values()) {
      n += p.size();
    }
    return n;
  }

  /** New zero-filled tensors with the same names and shapes (gradients, optimizer moments). */
  public Parameters zerosLike() {
    Parameters z = new Parameters();
    for (Parameter p : byName.values()) {
      z.add(p.name(), p.shape());
    }
    return z;
  }

  /** Sets every value of every tensor to zero. */
  public void zero() {
    byName.values().forEach(Parameter::zero);
  }

  /** Copies every tensor's values from {@code other}, which must have the same names and shapes. */
  public void copyFrom(Parameters other) {
    checkSameLayout(other, "copy source");
    for (Parameter p : byName.values()) {
      p.data().put(0, other.get(p.name()).data(), 0, p.size());
    }
  }

  /** Throws when {@code other} differs in names, order or shapes; {@code what} names it. */
  public void checkSameLayout(Parameters other, String what) {
    if (!byName.keySet().equals(other.byName.keySet())) {
      throw new IllegalArgumentException(
          what + " has parameters " + other.byName.keySet() + " but expected " + byName.keySet());
    }
    for (Parameter p : byName.values()) {
      long[] s = other.get(p.name()).shape();
      if (!Arrays.equals(s, p.shape())) {
        throw new IllegalArgumentException(
            what
                + ": parameter '"
                + p.name()
                + "' has shape "
                + Arrays.toString(s)
                + " but expected "
                + Arrays.toString(p.shape()));
      }
    }
  }

  @Override
  public String toString() {
    return byName.values().toString();
  }
}
