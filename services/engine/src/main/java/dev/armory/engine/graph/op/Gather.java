package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers slices of {@code data} along {@code axis} by integer indices (an embedding lookup when
 * axis is 0). VJP (axis 0): ScatterND with add reduction into zeros, so repeated indices sum.
 */
public final class Gather implements Op {
  public static final Gather OP = new Gather();

  private Gather() {}

  @Override
  public String type() {
    return "Gather";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Gather");
    Value data = inputs.get(0);
    Value idx = inputs.get(1);
    Infer.requireInteger(idx, "Gather");
    int axis = Infer.axisAttr(at, "axis", 0, data.rank());
    return Infer.one(
        data.type(),
        data.shape()
            .sub(0, axis)
            .concat(idx.shape())
            .concat(data.shape().sub(axis + 1, data.rank())));
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
    if (axis != 0) {
      throw new UnsupportedOperationException(
          "Gather gradient is implemented for axis 0 (embedding lookups), got axis " + axis);
    }
    Value idx = node.input(1);
    if (idx.type() != dev.armory.engine.graph.ElementType.INT64) {
      idx = b.cast(idx, dev.armory.engine.graph.ElementType.INT64);
    }
    Value scatterIdx = b.unsqueeze(idx, -1);
    Value dData = b.scatterNDAdd(b.zerosLike(data), scatterIdx, dOut.get(0));
    return Arrays.asList(dData, null);
  }
}
