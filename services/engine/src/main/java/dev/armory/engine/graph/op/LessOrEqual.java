package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise a <= b, giving bool. Non-differentiable. */
public final class LessOrEqual extends BinaryOp {
  public static final LessOrEqual OP = new LessOrEqual();

  private LessOrEqual() {
    super("LessOrEqual");
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
