package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Splits along {@code axis} into parts of the sizes given by the second input (constant, or a 1-D
 * int64 value of static length computed at run time, in which case the parts' extents along the
 * axis are unknown). VJP: concatenate the parts' gradients, zeros for parts no gradient reached.
 */
public final class Split implements Op {
  public static final Split OP = new Split();

  private Split() {}

  @Override
  public String type() {
    return "Split";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 2, "Split");
    Value x = inputs.get(0);
    int axis = Infer.axisAttr(at, "axis", 0, x.rank());
    Value split = Infer.input(inputs, 1, "Split");
    if (split.constant() == null) {
      if (split.rank() != 1 || !split.shape().dim(0).isKnown()) {
        throw new IllegalArgumentException(
            "Split needs constant sizes or a 1-D sizes value of static length, got " + split);
      }
      List<ValueType> out = new ArrayList<>();
      for (long i = 0; i < split.shape().dim(0).value(); i++) {
        out.add(ValueType.of(x.type(), x.shape().with(axis, Dim.unknown())));
      }
      return out;
    }
    long[] sizes = split.constant().toLongs();
    Dim d = x.shape().dim(axis);
    long sum = Arrays.stream(sizes).sum();
    if (d.isKnown() && d.value() != sum) {
      throw new IllegalArgumentException(
          "Split sizes " + Arrays.toString(sizes) + " do not add up to " + d + " in " + x);
    }
    List<ValueType> out = new ArrayList<>();
    for (long s : sizes) {
      out.add(ValueType.of(x.type(), x.shape().with(axis, Dim.of(s))));
    }
    return out;
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
    int axis = Infer.axisAttr(node.attributes(), "axis", 0, node.input(0).rank());
    Value[] parts = new Value[dOut.size()];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = dOut.get(i) != null ? dOut.get(i) : b.zerosLike(node.output(i));
    }
    return Arrays.asList(b.concat(axis, parts), null);
  }
}
