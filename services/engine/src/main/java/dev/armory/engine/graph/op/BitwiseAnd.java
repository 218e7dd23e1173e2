package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** Elementwise bitwise and of integers (masks out bit fields). Non-differentiable. */
public final class BitwiseAnd extends BinaryOp {
  public static final BitwiseAnd OP = new BitwiseAnd();

  private BitwiseAnd() {
    super("BitwiseAnd");
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes attributes) {
    List<ValueType> out = super.infer(inputs, attributes);
    Value a = inputs.get(0);
    if (a.type().isFloating() || a.type() == ElementType.BOOL) {
      throw new IllegalArgumentException("BitwiseAnd needs integer inputs, got " + a);
    }
    return out;
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
