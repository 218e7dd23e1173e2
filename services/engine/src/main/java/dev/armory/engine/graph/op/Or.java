package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise logical a or b, giving bool. Non-differentiable. */
public final class Or extends BinaryOp {
  public static final Or OP = new Or();

  private Or() {
    super("Or");
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
