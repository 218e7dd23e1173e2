package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise a > b, giving bool. Non-differentiable. */
public final class Greater extends BinaryOp {
  public static final Greater OP = new Greater();

  private Greater() {
    super("Greater");
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
