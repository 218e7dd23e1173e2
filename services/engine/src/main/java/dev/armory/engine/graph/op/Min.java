package dev.armory.engine.graph.op;

/** Elementwise minimum of two tensors. Non-differentiable here (used for index arithmetic). */
public final class Min extends BinaryOp {
  public static final Min OP = new Min();

  private Min() {
    super("Min");
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
