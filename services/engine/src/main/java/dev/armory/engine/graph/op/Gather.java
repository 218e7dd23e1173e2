package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Gathers slices of {@code data} along {@code axis} by integer indices (an embedding lookup when
 * axis is 0). VJP: ScatterND with add reduction into zeros, so repeated indices sum (another axis
 * is moved to the front for the scatter and back after).
 */
public final class Gather implements Op {
  public static final Gather OP = new Gather();

  private Gather() {}

  @Override
  public String type() {
    return "Gather";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Gather");
    Value data = inputs.get(0);
    Value idx = inputs.get(1);
    Infer.requireInteger(idx, "Gather");
    int axis = Infer.axisAttr(at, "axis", 0, data.rank());
    return Infer.one(
        data.type(),
        data.shape()
            .sub(0, axis)
            .concat(idx.shape())
            .concat(data.shape().sub(axis + 1, data.rank())));
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
    Value data = node.input(0);
    int r = data.rank();
    int axis = Infer.axisAttr(node.attributes(), "axis", 0, r);
    Value idx = node.input(1);
    if (idx.type() != ElementType.INT64) {
      idx = b.cast(idx, ElementType.INT64);
    }
    Value scatterIdx = b.unsqueeze(idx, -1); // [..indices, 1]
    Value g = dOut.get(0); // data[:axis] + indices + data[axis+1:]
    if (axis == 0) {
      return Arrays.asList(b.scatterNDAdd(b.zerosLike(data), scatterIdx, g), null);
    }
    // Another axis: scatter into data with that axis moved to the front, the gradient with the
    // index dims moved to the front, then move the axis back.
    int q = idx.rank();
    long[] dataPerm = new long[r]; // [axis, 0..axis-1, axis+1..r-1]
    dataPerm[0] = axis;
    for (int i = 0, j = 1; i < r; i++) {
      if (i != axis) {
        dataPerm[j++] = i;
      }
    }
    long[] gradPerm = new long[g.rank()]; // [axis..axis+q-1, 0..axis-1, axis+q..]
    int j = 0;
    for (int i = axis; i < axis + q; i++) {
      gradPerm[j++] = i;
    }
    for (int i = 0; i < g.rank(); i++) {
      if (i < axis || i >= axis + q) {
        gradPerm[j++] = i;
      }
    }
    Value movedShape =
        data.shape().isStatic()
            ? b.ints(permute(data.shape().sizes(), dataPerm))
            : b.gather(b.shape(data), b.ints(dataPerm), 0);
    Value zeros = b.constantOfShape(movedShape, data.type(), 0.0);
    Value moved = b.scatterNDAdd(zeros, scatterIdx, b.transpose(g, gradPerm));
    return Arrays.asList(b.transpose(moved, inverse(dataPerm)), null);
  }

  private static long[] permute(long[] sizes, long[] perm) {
    long[] out = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      out[i] = sizes[(int) perm[i]];
    }
    return out;
  }

  private static long[] inverse(long[] perm) {
    long[] inv = new long[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inv[(int) perm[i]] = i;
    }
    return inv;
  }
}
