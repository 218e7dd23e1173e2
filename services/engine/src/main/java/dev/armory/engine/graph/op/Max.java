package dev.armory.engine.graph.op;

/** Elementwise maximum of two tensors. Non-differentiable here (used for index arithmetic). */
public final class Max extends BinaryOp {
  public static final Max OP = new Max();

  private Max() {
    super("Max");
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
