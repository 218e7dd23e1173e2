package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * Base of reductions taking axes as an optional constant second input (opset 18 form), with {@code
 * keepdims} (default 1) and {@code noop_with_empty_axes} (default 0) attributes.
 */
abstract class ReduceOp implements Op {
  private final String type;

  ReduceOp(String type) {
    this.type = type;
  }

  @Override
  public String type() {
    return type;
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 2, type);
    Value x = Infer.input(inputs, 0, type);
    boolean keepDims = at.getInt("keepdims", 1) != 0;
    if (inputs.size() > 1 && inputs.get(1) != null && inputs.get(1).constant() == null) {
      // Axes computed at run time: only the rank is known (every dim may become 1).
      if (!keepDims) {
        throw new IllegalArgumentException(type + " with computed axes needs keepdims=1");
      }
      Dim[] d = new Dim[x.rank()];
      for (int i = 0; i < d.length; i++) {
        d[i] = x.shape().dim(i).is(1) ? Dim.of(1) : Dim.unknown();
      }
      return Infer.one(x.type(), Shape.of(d));
    }
    long[] axes = inputs.size() > 1 ? Infer.constantInts(inputs.get(1)) : null;
    if ((axes == null || axes.length == 0) && at.getInt("noop_with_empty_axes", 0) != 0) {
      return Infer.sameAs(x);
    }
    int[] ax = Infer.axes(axes, x.rank());
    return Infer.one(x.type(), Infer.reduced(x.shape(), ax, keepDims));
  }

  /** True when the node's axes are computed at run time (not a constant). */
  static boolean hasComputedAxes(Node node) {
    Value axes = node.input(1);
    return axes != null && axes.constant() == null;
  }

  /**
   * The reduced axes of a node, normalised and sorted; fails, naming the node, when they are
   * computed at run time (a rule needing them must handle that case itself).
   */
  static int[] reducedAxes(Node node) {
    Value x = node.input(0);
    if (hasComputedAxes(node)) {
      throw new UnsupportedOperationException(
          node.opType()
              + " node "
              + node.name()
              + " reduces over axes computed at run time ("
              + node.input(1)
              + "); its gradient needs constant axes");
    }
    long[] axes = node.input(1) == null ? null : Infer.constantInts(node.input(1));
    return Infer.axes(axes, x.rank());
  }

  /** The output gradient (or output) with the reduced axes restored as size 1. */
  static Value keepDims(GraphBuilder b, Node node, Value v) {
    if (node.attributes().getInt("keepdims", 1) != 0) {
      return v;
    }
    int[] ax = reducedAxes(node);
    long[] axes = new long[ax.length];
    for (int i = 0; i < ax.length; i++) {
      axes[i] = ax[i];
    }
    return b.unsqueeze(v, axes);
  }

  /** One gradient per input: {@code dx} for the data, none for the axes. */
  static List<Value> grads(Node node, Value dx) {
    return node.inputs().size() > 1
        ? java.util.Arrays.asList(dx, null)
        : java.util.Arrays.asList(dx);
  }

  /** True when the node provably reduces nothing (no or empty constant axes, noop flag set). */
  static boolean isNoop(Node node) {
    if (hasComputedAxes(node)) {
      return false; // the axes may turn out empty only at run time
    }
    long[] axes = node.input(1) == null ? null : Infer.constantInts(node.input(1));
    return (axes == null || axes.length == 0)
        && node.attributes().getInt("noop_with_empty_axes", 0) != 0;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return index == 0 && node.input(0).type().isFloating();
  }
}
