package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** Base of elementwise ops with one input and an output of the same type and shape. */
abstract class UnaryOp implements Op {
  private final String type;

  UnaryOp(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes attributes) {
    Infer.requireCount(inputs, 1, 1, type);
    return Infer.sameAs(Infer.input(inputs, 0, type));
  }
}
