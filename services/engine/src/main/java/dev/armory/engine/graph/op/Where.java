package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Elementwise choice cond ? a : b with broadcasting. VJP: the gradient routed to the chosen side.
 */
public final class Where implements Op {
  public static final Where OP = new Where();

  private Where() {}

  @Override
  public String type() {
    return "Where";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 3, 3, "Where");
    Value c = inputs.get(0);
    Value a = inputs.get(1);
    Value b = inputs.get(2);
    if (c.type() != ElementType.BOOL) {
      throw new IllegalArgumentException("Where needs a bool condition, got " + c);
    }
    Infer.requireSameType(a, b, "Where");
    return Infer.one(a.type(), Shape.broadcast(c.shape(), Shape.broadcast(a.shape(), b.shape())));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return index > 0 && node.input(index).type().isFloating();
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    Value c = node.input(0);
    Value zero = b.scalarLike(g, 0.0);
    Value da = ctx.needsGradient(node.input(1)) ? b.where(c, g, zero) : null;
    Value db = ctx.needsGradient(node.input(2)) ? b.where(c, zero, g) : null;
    return Arrays.asList(null, da, db);
  }
}
