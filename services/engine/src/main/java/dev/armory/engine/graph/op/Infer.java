package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/** Shared checks and shape arithmetic for ops' type inference. */
final class Infer {
  private Infer() {}

  static List<ValueType> one(ElementType t, Shape s) {
    return List.of(ValueType.of(t, s));
  }

  static List<ValueType> sameAs(Value v) {
    return one(v.type(), v.shape());
  }

  static Value input(List<Value> inputs, int i, String op) {
    if (i >= inputs.size() || inputs.get(i) == null) {
      throw new IllegalArgumentException(op + " needs input " + i);
    }
    return inputs.get(i);
  }

  static void requireCount(List<Value> inputs, int min, int max, String op) {
    if (inputs.size() < min || inputs.size() > max) {
      throw new IllegalArgumentException(
          op + " takes " + (min == max ? min : min + ".." + max) + " inputs, got " + inputs.size());
    }
  }

  static void requireFloating(Value v, String op) {
    if (!v.type().isFloating()) {
      throw new IllegalArgumentException(op + " needs a floating-point input, got " + v);
    }
  }

  static void requireSameType(Value a, Value b, String op) {
    if (a.type() != b.type()) {
      throw new IllegalArgumentException(op + " needs inputs of one type, got " + a + " and " + b);
    }
  }

  static void requireInteger(Value v, String op) {
    if (v.type() != ElementType.INT64 && v.type() != ElementType.INT32) {
      throw new IllegalArgumentException(op + " needs int64 or int32 indices, got " + v);
    }
  }

  /** The values of a constant integer input, or null when it is computed at run time. */
  static long[] constantInts(Value v) {
    if (v == null) {
      return null;
    }
    TensorData c = v.constant();
    return c == null ? null : c.toLongs();
  }

  /** Like {@link #constantInts} but fails, naming the op, when the input is not a constant. */
  static long[] requireConstantInts(Value v, String op, String what) {
    long[] c = constantInts(v);
    if (c == null) {
      throw new IllegalArgumentException(
          op + " needs constant " + what + " (got computed value " + v + ")");
    }
    return c;
  }

  /** Normalised, sorted reduction axes; all axes when {@code axes} is null or empty. */
  static int[] axes(long[] axes, int rank) {
    if (axes == null || axes.length == 0) {
      int[] all = new int[rank];
      for (int i = 0; i < rank; i++) {
        all[i] = i;
      }
      return all;
    }
    int[] out = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      long a = axes[i] < 0 ? axes[i] + rank : axes[i];
      if (a < 0 || a >= rank) {
        throw new IllegalArgumentException("axis " + axes[i] + " out of range for rank " + rank);
      }
      out[i] = (int) a;
    }
    Arrays.sort(out);
    return out;
  }

  /** The shape after reducing {@code axes} with or without keeping them as size 1. */
  static Shape reduced(Shape s, int[] axes, boolean keepDims) {
    Dim[] out = new Dim[keepDims ? s.rank() : s.rank() - axes.length];
    int j = 0;
    for (int i = 0; i < s.rank(); i++) {
      boolean reducedAxis = Arrays.binarySearch(axes, i) >= 0;
      if (reducedAxis && keepDims) {
        out[j++] = Dim.of(1);
      } else if (!reducedAxis) {
        out[j++] = s.dim(i);
      }
    }
    return Shape.of(out);
  }

  /**
   * The dimensions a 1-D int64 shape input describes: its values when constant, the shape of x when
   * it is {@code Shape(x)}, otherwise fresh unknowns (its length must be static).
   */
  static Dim[] shapeValue(Value shapeInput, String op) {
    long[] c = constantInts(shapeInput);
    if (c != null) {
      Dim[] d = new Dim[c.length];
      for (int i = 0; i < c.length; i++) {
        d[i] = c[i] >= 0 ? Dim.of(c[i]) : Dim.unknown();
      }
      return d;
    }
    dev.armory.engine.graph.Node p = shapeInput.producer();
    if (p != null && p.op() == ShapeOf.OP) {
      // Shape(x)[start:end] keeps x's symbolic dims.
      Shape of = p.input(0).shape();
      int r = of.rank();
      long start = p.attributes().getInt("start", 0);
      long end = p.attributes().getInt("end", r);
      int from = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
      int to = (int) Math.max(from, Math.min(r, end < 0 ? end + r : end));
      return of.sub(from, to).dims().toArray(new Dim[0]);
    }
    if (p != null && p.op() == Concat.OP && shapeInput.rank() == 1) {
      // A shape assembled from pieces, e.g. Concat(Shape(x)[:-1], [N]).
      java.util.List<Dim> dims = new java.util.ArrayList<>();
      for (Value part : p.inputs()) {
        dims.addAll(java.util.Arrays.asList(shapeValue(part, op)));
      }
      return dims.toArray(new Dim[0]);
    }
    if (shapeInput.rank() != 1 || !shapeInput.shape().dim(0).isKnown()) {
      throw new IllegalArgumentException(
          op + " needs a 1-D shape input of static length, got " + shapeInput);
    }
    return Shape.unknown((int) shapeInput.shape().dim(0).value()).dims().toArray(new Dim[0]);
  }

  static int axisAttr(Attributes a, String name, long dflt, int rank) {
    long axis = a.getInt(name, dflt);
    long n = axis < 0 ? axis + rank : axis;
    if (n < 0 || n >= rank) {
      throw new IllegalArgumentException(name + " " + axis + " out of range for rank " + rank);
    }
    return (int) n;
  }
}
