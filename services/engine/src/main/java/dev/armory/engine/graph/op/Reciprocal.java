package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise 1 / x. VJP: dx = -g y². */
public final class Reciprocal extends UnaryOp {
  public static final Reciprocal OP = new Reciprocal();

  private Reciprocal() {
    super("Reciprocal");
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
    return Collections.singletonList(b.neg(b.mul(g, b.mul(y, y))));
  }
}
