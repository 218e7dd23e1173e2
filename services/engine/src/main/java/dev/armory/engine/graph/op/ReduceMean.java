package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.List;

/**
 * Mean over axes. VJP: the gradient broadcast back over the reduced axes, divided by their size.
 */
public final class ReduceMean extends ReduceOp {
  public static final ReduceMean OP = new ReduceMean();

  private ReduceMean() {
    super("ReduceMean");
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    if (isNoop(node)) {
      return grads(node, g);
    }
    Value x = node.input(0);
    Value spread = b.expand(keepDims(b, node, g), b.shape(x));
    return grads(node, b.div(spread, b.reducedCount(x, reducedAxes(node))));
  }
}
