package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** Base of elementwise ops with two same-typed inputs broadcast numpy-style. */
abstract class BinaryOp implements Op {
  private final String type;

  BinaryOp(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes attributes) {
    Infer.requireCount(inputs, 2, 2, type);
    Value a = Infer.input(inputs, 0, type);
    Value b = Infer.input(inputs, 1, type);
    Infer.requireSameType(a, b, type);
    return Infer.one(resultType(a), Shape.broadcast(a.shape(), b.shape()));
  }

  /** Element type of the result (comparisons override it with BOOL). */
  dev.armory.engine.graph.ElementType resultType(Value a) {
    return a.type();
  }

  @Override
  public boolean differentiable() {
    return true;
  }
}
