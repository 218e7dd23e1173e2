package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps the upper or lower triangle of the last two axes. VJP: the same triangle of the gradient.
 */
public final class Trilu implements Op {
  public static final Trilu OP = new Trilu();

  private Trilu() {}

  @Override
  public String type() {
    return "Trilu";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 1, 2, "Trilu");
    if (inputs.get(0).rank() < 2) {
      throw new IllegalArgumentException("Trilu needs rank >= 2, got " + inputs.get(0));
    }
    return Infer.sameAs(inputs.get(0));
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
    List<Value> in = new ArrayList<>();
    in.add(dOut.get(0));
    if (node.input(1) != null) {
      in.add(node.input(1));
    }
    Value d = ctx.builder().apply(this, node.attributes(), in.toArray(new Value[0]));
    List<Value> out = new ArrayList<>();
    out.add(d);
    if (node.inputs().size() > 1) {
      out.add(null);
    }
    return out;
  }
}
