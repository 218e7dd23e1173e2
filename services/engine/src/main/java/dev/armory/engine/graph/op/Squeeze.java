package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Removes size-1 axes (constant axes input). VJP: reshape the gradient back to the input. */
public final class Squeeze implements Op {
  public static final Squeeze OP = new Squeeze();

  private Squeeze() {}

  @Override
  public String type() {
    return "Squeeze";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 2, "Squeeze");
    Value x = inputs.get(0);
    long[] axes =
        inputs.size() > 1 ? Infer.requireConstantInts(inputs.get(1), "Squeeze", "axes") : null;
    List<Dim> out = new ArrayList<>();
    if (axes == null) {
      for (Dim d : x.shape().dims()) {
        if (!d.isKnown()) {
          throw new IllegalArgumentException("Squeeze without axes needs a static shape, got " + x);
        }
        if (!d.is(1)) {
          out.add(d);
        }
      }
    } else {
      int[] ax = Infer.axes(axes, x.rank());
      for (int i = 0; i < x.rank(); i++) {
        Dim d = x.shape().dim(i);
        if (Arrays.binarySearch(ax, i) >= 0) {
          if (d.isKnown() && !d.is(1)) {
            throw new IllegalArgumentException("Squeeze axis " + i + " of " + x + " is not 1");
          }
        } else {
          out.add(d);
        }
      }
    }
    return Infer.one(x.type(), Shape.of(out));
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
    Value dx = ctx.builder().reshapeLike(dOut.get(0), node.input(0));
    return node.inputs().size() > 1 ? Arrays.asList(dx, null) : Arrays.asList(dx);
  }
}
