package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Slice with constant starts, ends, axes and steps (inputs 1–4). VJP (steps of 1): the gradient
 * zero-padded back to the input's extent.
 */
public final class Slice implements Op {
  public static final Slice OP = new Slice();

  private Slice() {}

  @Override
  public String type() {
    return "Slice";
  }

  /** Constant starts, ends, axes (normalised) and steps of a Slice. */
  record Spec(long[] starts, long[] ends, int[] axes, long[] steps) {}

  static Spec spec(List<Value> inputs, int rank) {
    long[] starts = Infer.requireConstantInts(inputs.get(1), "Slice", "starts");
    long[] ends = Infer.requireConstantInts(inputs.get(2), "Slice", "ends");
    long[] axes =
        inputs.size() > 3 && inputs.get(3) != null
            ? Infer.requireConstantInts(inputs.get(3), "Slice", "axes")
            : null;
    long[] steps =
        inputs.size() > 4 && inputs.get(4) != null
            ? Infer.requireConstantInts(inputs.get(4), "Slice", "steps")
            : null;
    if (starts.length != ends.length) {
      throw new IllegalArgumentException("Slice starts and ends differ in length");
    }
    int[] ax = new int[starts.length];
    for (int i = 0; i < ax.length; i++) {
      long a = axes == null ? i : axes[i];
      a = a < 0 ? a + rank : a;
      if (a < 0 || a >= rank) {
        throw new IllegalArgumentException("Slice axis " + a + " out of range for rank " + rank);
      }
      ax[i] = (int) a;
    }
    if (steps == null) {
      steps = new long[starts.length];
      Arrays.fill(steps, 1);
    }
    return new Spec(starts, ends, ax, steps);
  }

  /** Clamps a start or end index into [0, dim] per the ONNX rules for positive steps. */
  static long clamp(long index, long dim) {
    long i = index < 0 ? index + dim : index;
    return Math.max(0, Math.min(dim, i));
  }

  /** {@link #clamp} for an extent known only at run time (a 1-D int64 value). */
  private static Value clampAtRunTime(GraphBuilder b, long index, Value dim) {
    if (index < 0) {
      return b.max(b.add(dim, b.ints(index)), b.ints(0));
    }
    return b.min(b.ints(index), dim);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 3, 5, "Slice");
    Value x = inputs.get(0);
    Spec s = spec(inputs, x.rank());
    Dim[] out = x.shape().dims().toArray(new Dim[0]);
    for (int i = 0; i < s.axes.length; i++) {
      if (s.steps[i] != 1) {
        throw new IllegalArgumentException("Slice supports steps of 1 only, got " + s.steps[i]);
      }
      Dim d = out[s.axes[i]];
      if (d.isKnown()) {
        long len = clamp(s.ends[i], d.value()) - clamp(s.starts[i], d.value());
        out[s.axes[i]] = Dim.of(Math.max(0, len));
      } else if (s.starts[i] >= 0 && s.ends[i] >= 0 && s.ends[i] < Integer.MAX_VALUE) {
        // A symbolic extent is unknown unless the slice is clearly inside it.
        out[s.axes[i]] = Dim.unknown();
      } else if (s.starts[i] == 0 && s.ends[i] >= Integer.MAX_VALUE) {
        out[s.axes[i]] = d; // whole axis
      } else {
        out[s.axes[i]] = Dim.unknown();
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
    GraphBuilder b = ctx.builder();
    Value x = node.input(0);
    Spec s = spec(node.inputs(), x.rank());
    int r = x.rank();
    // pads = [before_0..before_{r-1}, after_0..after_{r-1}], built from constants where the
    // input's extent is static and from Shape(x) at run time where it is not.
    List<Value> before = new ArrayList<>();
    List<Value> after = new ArrayList<>();
    boolean allStatic = true;
    long[] cb = new long[r];
    long[] ca = new long[r];
    Value[] vb = new Value[r];
    Value[] va = new Value[r];
    for (int i = 0; i < s.axes.length; i++) {
      int a = s.axes[i];
      Dim d = x.shape().dim(a);
      if (d.isKnown()) {
        long st = clamp(s.starts[i], d.value());
        long en = Math.max(st, clamp(s.ends[i], d.value()));
        cb[a] = st;
        ca[a] = d.value() - en;
      } else {
        allStatic = false;
        Value dim = b.gather(b.shape(x), b.ints(a), 0);
        Value st = clampAtRunTime(b, s.starts[i], dim);
        Value en = b.max(st, clampAtRunTime(b, s.ends[i], dim));
        vb[a] = st;
        va[a] = b.sub(dim, en);
      }
    }
    Value pads;
    if (allStatic) {
      long[] p = new long[2 * r];
      System.arraycopy(cb, 0, p, 0, r);
      System.arraycopy(ca, 0, p, r, r);
      pads = b.ints(p);
    } else {
      for (int a = 0; a < r; a++) {
        before.add(vb[a] != null ? vb[a] : b.ints(cb[a]));
        after.add(va[a] != null ? va[a] : b.ints(ca[a]));
      }
      before.addAll(after);
      pads = b.concat(0, before.toArray(new Value[0]));
    }
    Value padded = b.pad(dOut.get(0), pads);
    if (!allStatic) {
      // Pads computed at run time leave the extents unknown to inference; restore x's symbolic
      // shape so the walk does not add a run-time broadcast check for a gradient of x's shape.
      padded = b.reshapeLike(padded, x);
    }
    List<Value> grads = new ArrayList<>();
    grads.add(padded);
    for (int i = 1; i < node.inputs().size(); i++) {
      grads.add(null);
    }
    return grads;
  }
}
