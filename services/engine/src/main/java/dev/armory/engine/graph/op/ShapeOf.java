package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** ONNX Shape: the int64 shape of a tensor (optionally a start/end range). Non-differentiable. */
public final class ShapeOf implements Op {
  public static final ShapeOf OP = new ShapeOf();

  private ShapeOf() {}

  @Override
  public String type() {
    return "Shape";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "Shape");
    int r = inputs.get(0).rank();
    long start = at.getInt("start", 0);
    long end = at.getInt("end", r);
    start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
    end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
    return Infer.one(ElementType.INT64, Shape.of(Math.max(0, end - start)));
  }

  @Override
  public boolean gradientFlowsTo(dev.armory.engine.graph.Node node, int index) {
    return false;
  }
}
