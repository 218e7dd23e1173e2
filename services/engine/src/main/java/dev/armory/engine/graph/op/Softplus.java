package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise log(1 + e^x). VJP: dx = g · sigmoid(x). */
public final class Softplus extends UnaryOp {
  public static final Softplus OP = new Softplus();

  private Softplus() {
    super("Softplus");
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
    return Collections.singletonList(b.mul(g, b.sigmoid(x)));
  }
}
