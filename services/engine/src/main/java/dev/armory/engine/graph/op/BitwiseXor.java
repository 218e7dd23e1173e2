package dev.armory.engine.graph.op;

/** Elementwise bitwise exclusive or of integers. Non-differentiable. */
public final class BitwiseXor extends BinaryOp {
  public static final BitwiseXor OP = new BitwiseXor();

  private BitwiseXor() {
    super("BitwiseXor");
  }

  @Override
  public boolean differentiable() {
    return false;
  }
}
