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
    } else if (s != null && s[0] == 0 && d != null && d[0] == 1) {
      // Range(0, dim_i of x, 1) has x's i-th dimension as its length: keep its symbol (e.g. seq),
      // so masks built from positions line up with the tensors they mask.
      Dim extent = dimensionOf(inputs.get(1));
      if (extent != null) {
        n = extent;
      }
    }
    return Infer.one(start.type(), Shape.of(n));
  }

  /** The dimension a scalar is when it is Gather(Shape(x), constant i) (or Shape(x)[i:i+1]). */
  private static Dim dimensionOf(Value scalar) {
    dev.armory.engine.graph.Node g = scalar.producer();
    if (g == null || g.op() != Gather.OP || g.attributes().getInt("axis", 0) != 0) {
      return null;
    }
    long[] index = Infer.constantInts(g.input(1));
    Value shape = g.input(0);
    if (index == null || index.length != 1 || g.input(1).rank() != 0) {
      return null;
    }
    Dim[] dims = Infer.shapeValue(shape, "Range");
    long i = index[0] < 0 ? index[0] + dims.length : index[0];
    return i >= 0 && i < dims.length ? dims[(int) i] : null;
  }
}
