package dev.armory.engine.graph.op;

/** Elementwise floor. Non-differentiable (zero gradient almost everywhere). */
public final class Floor extends UnaryOp {
  public static final Floor OP = new Floor();

  private Floor() {
    super("Floor");
  }
}
