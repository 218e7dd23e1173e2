package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Collections;
import java.util.List;

/** Elementwise error function. VJP: dx = g · 2/√π · e^(-x²). */
public final class Erf extends UnaryOp {
  public static final Erf OP = new Erf();

  private Erf() {
    super("Erf");
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
        b.mul(g, b.mul(b.scalarLike(x, 2.0 / Math.sqrt(Math.PI)), b.exp(b.neg(b.mul(x, x))))));
  }
}
