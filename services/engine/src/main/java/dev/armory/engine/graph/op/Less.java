package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise a < b, giving bool. Non-differentiable. */
public final class Less extends BinaryOp {
  public static final Less OP = new Less();

  private Less() {
    super("Less");
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
