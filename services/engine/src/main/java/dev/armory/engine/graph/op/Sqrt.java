package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise square root. VJP: dx = g / (2 y). */
public final class Sqrt extends UnaryOp {
  public static final Sqrt OP = new Sqrt();

  private Sqrt() {
    super("Sqrt");
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    Value x = node.input(0);
    Value y = node.output(0);
    return Collections.singletonList(b.div(g, b.mul(b.scalarLike(y, 2.0), y)));
  }
}
