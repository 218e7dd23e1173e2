package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise logistic sigmoid. VJP: dx = g y (1 - y). */
public final class Sigmoid extends UnaryOp {
  public static final Sigmoid OP = new Sigmoid();

  private Sigmoid() {
    super("Sigmoid");
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
    return Collections.singletonList(b.mul(g, b.mul(y, b.sub(b.scalarLike(y, 1.0), y))));
  }
}
