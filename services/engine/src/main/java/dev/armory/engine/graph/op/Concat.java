package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.ArrayList;
import java.util.List;

/** Joins tensors along {@code axis}. VJP: split the gradient back into the input sizes. */
public final class Concat implements Op {
  public static final Concat OP = new Concat();

  private Concat() {}

  @Override
  public String type() {
    return "Concat";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Concat needs at least one input");
    }
    Value first = inputs.get(0);
    int axis = Infer.axisAttr(at, "axis", Long.MIN_VALUE / 2, first.rank());
    Dim[] out = first.shape().dims().toArray(new Dim[0]);
    long total = 0;
    boolean known = true;
    for (Value v : inputs) {
      Infer.requireSameType(first, v, "Concat");
      if (v.rank() != first.rank()) {
        throw new IllegalArgumentException("Concat inputs differ in rank: " + first + " and " + v);
      }
      for (int i = 0; i < out.length; i++) {
        if (i != axis && !out[i].isKnown() && v.shape().dim(i).isKnown()) {
          out[i] = v.shape().dim(i);
        }
      }
      Dim d = v.shape().dim(axis);
      if (d.isKnown()) {
        total += d.value();
      } else {
        known = false;
      }
    }
    out[axis] =
        known ? Dim.of(total) : (inputs.size() == 1 ? first.shape().dim(axis) : Dim.unknown());
    return Infer.one(first.type(), Shape.of(out));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    int axis = Infer.axisAttr(node.attributes(), "axis", 0, g.rank());
    long[] sizes = new long[node.inputs().size()];
    for (int i = 0; i < sizes.length; i++) {
      Dim d = node.input(i).shape().dim(axis);
      if (!d.isKnown()) {
        throw new UnsupportedOperationException(
            "Concat gradient needs static sizes along axis " + axis + ", got " + node.input(i));
      }
      sizes[i] = d.value();
    }
    List<Value> parts = b.split(g, axis, sizes);
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      out.add(ctx.needsGradient(node.input(i)) ? parts.get(i) : null);
    }
    return out;
  }
}
