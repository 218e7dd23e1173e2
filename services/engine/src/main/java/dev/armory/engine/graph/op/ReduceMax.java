package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import java.util.List;

/**
 * Maximum over axes. VJP: the gradient goes to the maximal elements, split evenly among ties (so a
 * stable log-sum-exp that subtracts the max stays exact).
 */
public final class ReduceMax extends ReduceOp {
  public static final ReduceMax OP = new ReduceMax();

  private ReduceMax() {
    super("ReduceMax");
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
    int[] ax = reducedAxes(node);
    Value y = keepDims(b, node, node.output(0));
    Value mask = b.cast(b.equal(x, y), x.type());
    Value ties = b.reduceSum(mask, true, ax);
    return grads(node, b.div(b.mul(mask, keepDims(b, node, g)), ties));
  }
}
