package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Arrays;
import java.util.List;

/** Elementwise a * b. VJP: da = g * b, db = g * a. */
public final class Mul extends BinaryOp {
  public static final Mul OP = new Mul();

  private Mul() {
    super("Mul");
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    Value x = node.input(0);
    Value y = node.input(1);
    return Arrays.asList(
        ctx.needsGradient(x) ? b.mul(g, y) : null, ctx.needsGradient(y) ? b.mul(g, x) : null);
  }
}
