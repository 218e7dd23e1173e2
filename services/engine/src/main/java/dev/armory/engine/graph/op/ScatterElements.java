package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * Writes {@code updates} into a copy of {@code data} at per-element indices along {@code axis}.
 * Used by GatherElements' VJP; itself non-differentiable here.
 */
public final class ScatterElements implements Op {
  public static final ScatterElements OP = new ScatterElements();

  private ScatterElements() {}

  @Override
  public String type() {
    return "ScatterElements";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 3, 3, "ScatterElements");
    Infer.requireInteger(inputs.get(1), "ScatterElements");
    Infer.requireSameType(inputs.get(0), inputs.get(2), "ScatterElements");
    return Infer.sameAs(inputs.get(0));
  }
}
