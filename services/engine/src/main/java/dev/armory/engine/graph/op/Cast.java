package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Collections;
import java.util.List;

/** Converts element type ({@code to}). VJP: the gradient cast back, between floating types only. */
public final class Cast implements Op {
  public static final Cast OP = new Cast();

  private Cast() {}

  @Override
  public String type() {
    return "Cast";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "Cast");
    if (!at.has("to")) {
      throw new IllegalArgumentException("Cast needs a 'to' attribute");
    }
    return Infer.one(ElementType.fromOnnxCode((int) at.getInt("to", 0)), inputs.get(0).shape());
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return node.input(0).type().isFloating() && node.output(0).type().isFloating();
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    return Collections.singletonList(ctx.builder().cast(dOut.get(0), node.input(0).type()));
  }
}
