package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Arrays;
import java.util.List;

/** Elementwise a / b. VJP: da = g / b, db = -g * (a / b) / b. */
public final class Div extends BinaryOp {
  public static final Div OP = new Div();

  private Div() {
    super("Div");
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    Value num = node.input(0);
    Value den = node.input(1);
    Value dNum = ctx.needsGradient(num) ? b.div(g, den) : null;
    Value dDen = null;
    if (ctx.needsGradient(den)) {
      // -g * y / b reuses the forward quotient instead of squaring b.
      dDen = b.neg(b.div(b.mul(g, node.output(0)), den));
    }
    return Arrays.asList(dNum, dDen);
  }
}
