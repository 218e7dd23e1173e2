package dev.armory.engine.graph.op;

/** Logical not of a bool tensor. Non-differentiable. */
public final class Not extends UnaryOp {
  public static final Not OP = new Not();

  private Not() {
    super("Not");
  }
}
