package dev.armory.engine.graph.op;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/** Elementwise x ^ p. VJP (constant exponent): dx = g * p * x^(p-1). */
public final class Pow extends BinaryOp {
  public static final Pow OP = new Pow();

  private Pow() {
    super("Pow");
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, dev.armory.engine.graph.Attributes attributes) {
    Infer.requireCount(inputs, 2, 2, "Pow");
    Value x = Infer.input(inputs, 0, "Pow");
    Value p = Infer.input(inputs, 1, "Pow");
    return Infer.one(x.type(), Shape.broadcast(x.shape(), p.shape()));
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value x = node.input(0);
    Value p = node.input(1);
    if (ctx.needsGradient(p)) {
      throw new UnsupportedOperationException(
          "Pow: gradient with respect to the exponent is not supported; make the exponent a"
              + " constant");
    }
    if (!ctx.needsGradient(x)) {
      return Arrays.asList(null, null);
    }
    Value pf = p.type() == x.type() ? p : b.cast(p, x.type());
    Value dx = b.mul(dOut.get(0), b.mul(pf, b.pow(x, b.sub(pf, b.scalarLike(x, 1.0)))));
    return Arrays.asList(dx, null);
  }
}
