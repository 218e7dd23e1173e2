package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Collections;
import java.util.List;

/** Permutes axes ({@code perm}, default reversed). VJP: transpose by the inverse permutation. */
public final class Transpose implements Op {
  public static final Transpose OP = new Transpose();

  private Transpose() {}

  @Override
  public String type() {
    return "Transpose";
  }

  static long[] perm(Attributes at, int rank) {
    long[] p = at.getInts("perm");
    if (p == null) {
      p = new long[rank];
      for (int i = 0; i < rank; i++) {
        p[i] = rank - 1 - i;
      }
    }
    if (p.length != rank) {
      throw new IllegalArgumentException("perm has " + p.length + " entries for rank " + rank);
    }
    boolean[] seen = new boolean[rank];
    for (long a : p) {
      if (a < 0 || a >= rank || seen[(int) a]) {
        throw new IllegalArgumentException("perm is not a permutation of 0.." + (rank - 1));
      }
      seen[(int) a] = true;
    }
    return p;
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 1, "Transpose");
    Value x = inputs.get(0);
    long[] p = perm(at, x.rank());
    Dim[] out = new Dim[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = x.shape().dim((int) p[i]);
    }
    return Infer.one(x.type(), Shape.of(out));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    long[] p = perm(node.attributes(), node.input(0).rank());
    long[] inv = new long[p.length];
    for (int i = 0; i < p.length; i++) {
      inv[(int) p[i]] = i;
    }
    return Collections.singletonList(ctx.builder().transpose(dOut.get(0), inv));
  }
}
