package dev.armory.engine.graph.op;

/** Product over axes. Used for element counts of symbolic shapes; non-differentiable here. */
public final class ReduceProd extends ReduceOp {
  public static final ReduceProd OP = new ReduceProd();

  private ReduceProd() {
    super("ReduceProd");
  }
}
