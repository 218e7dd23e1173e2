package dev.armory.engine.graph.op;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.Arrays;
import java.util.List;

/**
 * Batched matrix product with numpy broadcasting of the leading dims: [..., M, K] x [..., K, N].
 * VJP: dA = g Bᵀ, dB = Aᵀ g, each reduced over broadcast batch dims.
 */
public final class MatMul implements Op {
  public static final MatMul OP = new MatMul();

  private MatMul() {}

  @Override
  public String type() {
    return "MatMul";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes attributes) {
    Infer.requireCount(inputs, 2, 2, "MatMul");
    Value a = inputs.get(0);
    Value b = inputs.get(1);
    Infer.requireSameType(a, b, "MatMul");
    if (a.rank() < 2 || b.rank() < 2) {
      throw new IllegalArgumentException(
          "MatMul operands must have rank >= 2 (unsqueeze vectors first), got " + a + " and " + b);
    }
    Dim ka = a.shape().dim(-1);
    Dim kb = b.shape().dim(-2);
    if (ka.isKnown() && kb.isKnown() && ka.value() != kb.value()) {
      throw new IllegalArgumentException("MatMul inner dimensions differ: " + a + " x " + b);
    }
    Shape batch = Shape.broadcast(a.shape().sub(0, -2), b.shape().sub(0, -2));
    return Infer.one(a.type(), batch.concat(Shape.of(a.shape().dim(-2), b.shape().dim(-1))));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Value g = dOut.get(0);
    Value x = node.input(0);
    Value w = node.input(1);
    Value dx = ctx.needsGradient(x) ? b.matmul(g, b.transposeLastTwo(w)) : null;
    Value dw = null;
    if (ctx.needsGradient(w)) {
      Dim k = x.shape().dim(-1);
      Dim n = g.shape().dim(-1);
      if (w.rank() == 2 && x.rank() > 2 && k.isKnown() && n.isKnown()) {
        // Weight shared across the batch: fold the batch into rows so one GEMM computes the sum
        // over the batch directly instead of materialising a per-sample [.., K, N] tensor.
        Value x2 = b.reshape(x, -1, k.value());
        Value g2 = b.reshape(g, -1, n.value());
        dw = b.matmul(b.transpose(x2, 1, 0), g2);
      } else {
        dw = b.matmul(b.transposeLastTwo(x), g);
      }
    }
    return Arrays.asList(dx, dw);
  }
}
