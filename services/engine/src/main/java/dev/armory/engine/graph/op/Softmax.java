package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Collections;
import java.util.List;

/** Softmax along one axis (default -1). VJP: dx = y · (g - Σ_axis(g · y)). */
public final class Softmax implements Op {
  public static final Softmax OP = new Softmax();

  private Softmax() {}

  @Override
  public String type() {
    return "Softmax";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "Softmax");
    Value x = inputs.get(0);
    Infer.requireFloating(x, "Softmax");
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
    Value dot = b.reduceSum(b.mul(g, y), true, axis);
    return Collections.singletonList(b.mul(y, b.sub(g, dot)));
  }
}
