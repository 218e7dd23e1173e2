package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.List;

/** Sum over axes. VJP: the gradient broadcast back over the reduced axes. */
public final class ReduceSum extends ReduceOp {
  public static final ReduceSum OP = new ReduceSum();

  private ReduceSum() {
    super("ReduceSum");
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
    if (hasComputedAxes(node)) {
      // Computed axes imply keepdims=1, so broadcasting g back to x needs no axis list (and is a
      // copy when the axes turn out empty at run time).
      return grads(node, b.reshapeLike(b.expand(g, b.shape(x)), x));
    }
    return grads(node, b.expand(keepDims(b, node, g), b.shape(x)));
  }
}
