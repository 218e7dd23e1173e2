package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Picks elements of {@code data} along {@code axis} at the positions in {@code indices} (same
 * rank). VJP: ScatterElements with add reduction into zeros.
 */
public final class GatherElements implements Op {
  public static final GatherElements OP = new GatherElements();

  private GatherElements() {}

  @Override
  public String type() {
    return "GatherElements";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "GatherElements");
    Value data = inputs.get(0);
    Value idx = inputs.get(1);
    Infer.requireInteger(idx, "GatherElements");
    if (data.rank() != idx.rank()) {
      throw new IllegalArgumentException("GatherElements needs equal ranks: " + data + ", " + idx);
    }
    Infer.axisAttr(at, "axis", 0, data.rank());
    return Infer.one(data.type(), idx.shape());
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
    GraphBuilder b = ctx.builder();
    Value data = node.input(0);
    int axis = Infer.axisAttr(node.attributes(), "axis", 0, data.rank());
    Value d = b.scatterElementsAdd(b.zerosLike(data), node.input(1), dOut.get(0), axis);
    return Arrays.asList(d, null);
  }
}
