package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * A tensor of the given shape filled with the one-element {@code value} tensor. Non-differentiable.
 */
public final class ConstantOfShape implements Op {
  public static final ConstantOfShape OP = new ConstantOfShape();

  private ConstantOfShape() {}

  @Override
  public String type() {
    return "ConstantOfShape";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "ConstantOfShape");
    TensorData v = at.getTensor("value");
    ElementType t = v == null ? ElementType.FLOAT : v.type();
    return Infer.one(t, Shape.of(Infer.shapeValue(inputs.get(0), "ConstantOfShape")));
  }
}
