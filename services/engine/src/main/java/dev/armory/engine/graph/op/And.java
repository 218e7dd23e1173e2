package dev.armory.engine.graph.op;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;

/** Elementwise logical a and b, giving bool. Non-differentiable. */
public final class And extends BinaryOp {
  public static final And OP = new And();

  private And() {
    super("And");
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
