package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * Constant padding by a 1-D int64 pads input [begins…, ends…]. Used by Slice's VJP;
 * non-differentiable.
 */
public final class Pad implements Op {
  public static final Pad OP = new Pad();

  private Pad() {}

  @Override
  public String type() {
    return "Pad";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 3, "Pad");
    Value x = inputs.get(0);
    long[] pads = Infer.constantInts(inputs.get(1));
    Dim[] out = new Dim[x.rank()];
    for (int i = 0; i < out.length; i++) {
      Dim d = x.shape().dim(i);
      if (pads != null && d.isKnown()) {
        out[i] = Dim.of(d.value() + pads[i] + pads[i + x.rank()]);
      } else if (pads != null && pads[i] == 0 && pads[i + x.rank()] == 0) {
        out[i] = d;
      } else {
        out[i] = Dim.unknown();
      }
    }
    return Infer.one(x.type(), Shape.of(out));
  }
}
