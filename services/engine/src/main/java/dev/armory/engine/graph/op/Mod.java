package dev.armory.engine.graph.op;

/** Elementwise integer remainder (fmod=0, sign of the divisor). Non-differentiable. */
public final class Mod extends BinaryOp {
  public static final Mod OP = new Mod();

  private Mod() {
    super("Mod");
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
