package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/** Broadcasts to a shape given as a 1-D int64 input. VJP: the gradient, summed back by the walk. */
public final class Expand implements Op {
  public static final Expand OP = new Expand();

  private Expand() {}

  @Override
  public String type() {
    return "Expand";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Expand");
    Value x = inputs.get(0);
    Shape target = Shape.of(Infer.shapeValue(inputs.get(1), "Expand"));
    return Infer.one(x.type(), Shape.broadcast(x.shape(), target));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return index == 0 && node.input(0).type().isFloating();
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    return Arrays.asList(dOut.get(0), null);
  }
}
