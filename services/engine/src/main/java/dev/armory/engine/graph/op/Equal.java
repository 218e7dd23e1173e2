package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise a == b, giving bool. Non-differentiable. */
public final class Equal extends BinaryOp {
  public static final Equal OP = new Equal();

  private Equal() {
    super("Equal");
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
