package dev.armory.engine.graph.op;

/** Elementwise sign. Non-differentiable. */
public final class Sign extends UnaryOp {
  public static final Sign OP = new Sign();

  private Sign() {
    super("Sign");
  }
}
