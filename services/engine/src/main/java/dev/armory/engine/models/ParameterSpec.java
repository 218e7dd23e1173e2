package dev.armory.engine.models;

import java.util.Arrays;
import java.util.Objects;

/**
 * A parameter the config implies, under its canonical Hugging Face name (as {@code save_pretrained}
 * writes it) with the shape the config demands.
 *
 * @param name e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param module the owning module's dotted name, e.g. {@code model.layers.0.self_attn.q_proj}
 */
public record ParameterSpec(String name, long[] shape, ParameterKind kind, String module) {
  public ParameterSpec {
    Objects.requireNonNull(name, "name");
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Product of the shape. */
  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ParameterSpec p
        && name.equals(p.name)
        && Arrays.equals(shape, p.shape)
        && kind == p.kind
        && module.equals(p.module);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, Arrays.hashCode(shape), kind, module);
  }

  @Override
  public String toString() {
    return name + " " + Arrays.toString(shape) + " (" + kind.label() + ")";
  }
}
