package dev.armory.engine.graph;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable tensor shape of known rank whose dimensions may be symbolic. */
public final class Shape {
  private final Dim[] dims;

  private Shape(Dim[] dims) {
    this.dims = dims;
  }

  /** A shape of known sizes. */
  public static Shape of(long... sizes) {
    Dim[] d = new Dim[sizes.length];
    for (int i = 0; i < sizes.length; i++) {
      d[i] = Dim.of(sizes[i]);
    }
    return new Shape(d);
  }

  /** A shape from dimensions. */
  public static Shape of(Dim... dims) {
    for (Dim d : dims) {
      if (d == null) {
        throw new IllegalArgumentException("null dimension in " + Arrays.toString(dims));
      }
    }
    return new Shape(dims.clone());
  }

  /** A shape from a list of dimensions. */
  public static Shape of(List<Dim> dims) {
    return of(dims.toArray(new Dim[0]));
  }

  /** The shape of a scalar. */
  public static Shape scalar() {
    return new Shape(new Dim[0]);
  }

  /** A shape of the given rank whose every dimension is a fresh unknown. */
  public static Shape unknown(int rank) {
    Dim[] d = new Dim[rank];
    for (int i = 0; i < rank; i++) {
      d[i] = Dim.unknown();
    }
    return new Shape(d);
  }

  public int rank() {
    return dims.length;
  }

  /** Dimension {@code i}; negative indices count from the end. */
  public Dim dim(int i) {
    return dims[normalizeAxis(i)];
  }

  public List<Dim> dims() {
    return List.of(dims);
  }

  /** Axis {@code axis} as a non-negative index, accepting negative axes as ONNX does. */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException("axis " + axis + " out of range for shape " + this);
    }
    return a;
  }

  /** True when every dimension has a known size. */
  public boolean isStatic() {
    for (Dim d : dims) {
      if (!d.isKnown()) {
        return false;
      }
    }
    return true;
  }

  /** The sizes; fails unless static. */
  public long[] sizes() {
    long[] s = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      s[i] = dims[i].value();
    }
    return s;
  }

  /** Element count; fails unless static. */
  public long elementCount() {
    long n = 1;
    for (Dim d : dims) {
      n = Math.multiplyExact(n, d.value());
    }
    return n;
  }

  /** A copy with dimension {@code i} replaced. */
  public Shape with(int i, Dim d) {
    Dim[] c = dims.clone();
    c[normalizeAxis(i)] = d;
    return new Shape(c);
  }

  /** A copy with dimensions {@code from..to-1} (Python slice semantics for negatives). */
  public Shape sub(int from, int to) {
    int f = from < 0 ? from + dims.length : from;
    int t = to < 0 ? to + dims.length : to;
    return new Shape(Arrays.copyOfRange(dims, f, t));
  }

  /** This shape followed by {@code other}. */
  public Shape concat(Shape other) {
    Dim[] c = Arrays.copyOf(dims, dims.length + other.dims.length);
    System.arraycopy(other.dims, 0, c, dims.length, other.dims.length);
    return new Shape(c);
  }

  /**
   * The numpy-style broadcast of two shapes. Where one side is symbolic and the other 1, the
   * symbolic side wins; two different symbols give a fresh unknown (the runtime checks them).
   */
  public static Shape broadcast(Shape a, Shape b) {
    int rank = Math.max(a.rank(), b.rank());
    List<Dim> out = new ArrayList<>(rank);
    for (int i = 0; i < rank; i++) {
      int ia = i - (rank - a.rank());
      int ib = i - (rank - b.rank());
      Dim da = ia >= 0 ? a.dims[ia] : Dim.of(1);
      Dim db = ib >= 0 ? b.dims[ib] : Dim.of(1);
      out.add(broadcastDim(da, db, a, b));
    }
    return of(out);
  }

  private static Dim broadcastDim(Dim da, Dim db, Shape a, Shape b) {
    if (da.equals(db) || db.is(1)) {
      return da;
    }
    if (da.is(1)) {
      return db;
    }
    if (da.isKnown() && db.isKnown()) {
      throw new IllegalArgumentException("shapes " + a + " and " + b + " do not broadcast");
    }
    // One side symbolic: if the other side is a known size > 1 the symbol must equal it.
    if (da.isKnown()) {
      return da;
    }
    if (db.isKnown()) {
      return db;
    }
    return Dim.unknown();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
