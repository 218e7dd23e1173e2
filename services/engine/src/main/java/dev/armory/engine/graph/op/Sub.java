package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.Arrays;
import java.util.List;

/** Elementwise a - b. VJP: da = g, db = -g. */
public final class Sub extends BinaryOp {
  public static final Sub OP = new Sub();

  private Sub() {
    super("Sub");
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    Value g = dOut.get(0);
    return Arrays.asList(
        ctx.needsGradient(node.input(0)) ? g : null,
        ctx.needsGradient(node.input(1)) ? ctx.builder().neg(g) : null);
  }
}
