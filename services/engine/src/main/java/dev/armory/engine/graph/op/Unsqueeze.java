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

/** Inserts size-1 axes (constant axes input, relative to the output rank). VJP: squeeze them. */
public final class Unsqueeze implements Op {
  public static final Unsqueeze OP = new Unsqueeze();

  private Unsqueeze() {}

  @Override
  public String type() {
    return "Unsqueeze";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Unsqueeze");
    Value x = inputs.get(0);
    long[] axes = Infer.requireConstantInts(inputs.get(1), "Unsqueeze", "axes");
    int outRank = x.rank() + axes.length;
    int[] ax = Infer.axes(axes, outRank);
    List<Dim> out = new ArrayList<>();
    int j = 0;
    for (int i = 0; i < outRank; i++) {
      if (Arrays.binarySearch(ax, i) >= 0) {
        out.add(Dim.of(1));
      } else {
        out.add(x.shape().dim(j++));
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
    long[] axes = Infer.constantInts(node.input(1));
    return Arrays.asList(ctx.builder().squeeze(dOut.get(0), axes), null);
  }
}
