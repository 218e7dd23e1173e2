package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * Writes {@code updates} into a copy of {@code data} at index tuples ({@code reduction} none or
 * add). Used by Gather's VJP; itself non-differentiable here.
 */
public final class ScatterND implements Op {
  public static final ScatterND OP = new ScatterND();

  private ScatterND() {}

  @Override
  public String type() {
    return "ScatterND";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 3, 3, "ScatterND");
    Infer.requireInteger(inputs.get(1), "ScatterND");
    Infer.requireSameType(inputs.get(0), inputs.get(2), "ScatterND");
    return Infer.sameAs(inputs.get(0));
  }
}
