package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise tanh. VJP: dx = g (1 - y²). */
public final class Tanh extends UnaryOp {
  public static final Tanh OP = new Tanh();

  private Tanh() {
    super("Tanh");
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
    return Collections.singletonList(b.mul(g, b.sub(b.scalarLike(y, 1.0), b.mul(y, y))));
  }
}
