package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** Index of the maximum along {@code axis} (int64). Non-differentiable. */
public final class ArgMax implements Op {
  public static final ArgMax OP = new ArgMax();

  private ArgMax() {}

  @Override
  public String type() {
    return "ArgMax";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "ArgMax");
    Value x = inputs.get(0);
    int axis = Infer.axisAttr(at, "axis", 0, x.rank());
    return Infer.one(
        ElementType.INT64,
        Infer.reduced(x.shape(), new int[] {axis}, at.getInt("keepdims", 1) != 0));
  }
}
