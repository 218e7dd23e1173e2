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

/**
 * Joins tensors along {@code axis}. VJP: split the gradient back into the input sizes (read from
 * the inputs' shapes at run time where they are symbolic).
 */
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
    if (!at.has("axis")) {
      throw new IllegalArgumentException("Concat needs an 'axis' attribute");
    }
    int axis = Infer.axisAttr(at, "axis", 0, first.rank());
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
    int n = node.inputs().size();
    long[] sizes = new long[n];
    boolean allKnown = true;
    for (int i = 0; i < n; i++) {
      Dim d = node.input(i).shape().dim(axis);
      allKnown &= d.isKnown();
      sizes[i] = d.isKnown() ? d.value() : -1;
    }
    List<Value> parts;
    if (allKnown) {
      parts = b.split(g, axis, sizes);
    } else {
      Value[] runTimeSizes = new Value[n];
      for (int i = 0; i < n; i++) {
        runTimeSizes[i] =
            sizes[i] >= 0 ? b.ints(sizes[i]) : b.gather(b.shape(node.input(i)), b.ints(axis), 0);
      }
      parts = new ArrayList<>(b.split(g, axis, b.concat(0, runTimeSizes)));
      for (int i = 0; i < n; i++) {
        // Restore the input's symbolic shape so the walk sees no broadcast to undo.
        parts.set(i, b.reshapeLike(parts.get(i), node.input(i)));
      }
    }
    List<Value> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(ctx.needsGradient(node.input(i)) ? parts.get(i) : null);
    }
    return out;
  }
}
