package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/** 1-D sequence start, start+delta, … below limit (scalar inputs). Non-differentiable. */
public final class Range implements Op {
  public static final Range OP = new Range();

  private Range() {}

  @Override
  public String type() {
    return "Range";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 3, 3, "Range");
    Value start = inputs.get(0);
    for (Value v : inputs) {
      Infer.requireSameType(start, v, "Range");
      if (v.rank() != 0) {
        throw new IllegalArgumentException("Range needs scalar inputs, got " + v);
      }
    }
    long[] s = Infer.constantInts(inputs.get(0));
    long[] l = Infer.constantInts(inputs.get(1));
    long[] d = Infer.constantInts(inputs.get(2));
    Dim n = Dim.unknown();
    if (s != null && l != null && d != null && !start.type().isFloating() && d[0] != 0) {
      n = Dim.of(Math.max(0, Math.floorDiv(l[0] - s[0] + d[0] - Long.signum(d[0]), d[0])));
    }
    return Infer.one(start.type(), Shape.of(n));
  }
}
