package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise a >= b, giving bool. Non-differentiable. */
public final class GreaterOrEqual extends BinaryOp {
  public static final GreaterOrEqual OP = new GreaterOrEqual();

  private GreaterOrEqual() {
    super("GreaterOrEqual");
  }

  @Override
  ElementType resultType(Value a) {
    return ElementType.BOOL;
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
