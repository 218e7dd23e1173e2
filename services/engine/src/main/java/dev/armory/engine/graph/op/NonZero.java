package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** Indices of non-zero elements as [rank, count] int64. Non-differentiable. */
public final class NonZero implements Op {
  public static final NonZero OP = new NonZero();

  private NonZero() {}

  @Override
  public String type() {
    return "NonZero";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "NonZero");
    return Infer.one(ElementType.INT64, Shape.of(Dim.of(inputs.get(0).rank()), Dim.unknown()));
  }
}
