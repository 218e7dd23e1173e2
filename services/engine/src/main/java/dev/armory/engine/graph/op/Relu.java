package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise max(x, 0). VJP: dx = g where x > 0, else 0. */
public final class Relu extends UnaryOp {
  public static final Relu OP = new Relu();

  private Relu() {
    super("Relu");
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
    return Collections.singletonList(
        b.where(b.greater(x, b.scalarLike(x, 0.0)), g, b.scalarLike(g, 0.0)));
  }
}
