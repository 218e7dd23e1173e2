package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Collections;
import java.util.List;

/** Log of softmax along one axis (default -1). VJP: dx = g - e^y · Σ_axis g. */
public final class LogSoftmax implements Op {
  public static final LogSoftmax OP = new LogSoftmax();

  private LogSoftmax() {}

  @Override
  public String type() {
    return "LogSoftmax";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "LogSoftmax");
    Value x = inputs.get(0);
    Infer.requireFloating(x, "LogSoftmax");
    Infer.axisAttr(at, "axis", -1, x.rank());
    return Infer.sameAs(x);
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value y = node.output(0);
    Value g = dOut.get(0);
    int axis = Infer.axisAttr(node.attributes(), "axis", -1, y.rank());
    Value sum = b.reduceSum(g, true, axis);
    return Collections.singletonList(b.sub(g, b.mul(b.exp(y), sum)));
  }
}
