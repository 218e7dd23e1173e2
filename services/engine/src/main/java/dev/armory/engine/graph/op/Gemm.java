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
 * General matrix multiply Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A (2-D only). VJP: dA' =
 * alpha·g·B'ᵀ, dB' = alpha·A'ᵀ·g (transposed back when the input was), dC = beta·g reduced to C.
 */
public final class Gemm implements Op {
  public static final Gemm OP = new Gemm();

  private Gemm() {}

  @Override
  public String type() {
    return "Gemm";
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    Infer.requireCount(inputs, 2, 3, "Gemm");
    Value a = inputs.get(0);
    Value b = inputs.get(1);
    if (a.rank() != 2 || b.rank() != 2) {
      throw new IllegalArgumentException("Gemm needs 2-D A and B, got " + a + " and " + b);
    }
    Infer.requireSameType(a, b, "Gemm");
    Dim m = at.getInt("transA", 0) != 0 ? a.shape().dim(1) : a.shape().dim(0);
    Dim n = at.getInt("transB", 0) != 0 ? b.shape().dim(0) : b.shape().dim(1);
    return Infer.one(a.type(), Shape.of(m, n));
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    GraphBuilder b = ctx.builder();
    Attributes at = node.attributes();
    boolean transA = at.getInt("transA", 0) != 0;
    boolean transB = at.getInt("transB", 0) != 0;
    double alpha = at.getFloat("alpha", 1f);
    double beta = at.getFloat("beta", 1f);
    Value g = dOut.get(0);
    Value a = node.input(0);
    Value w = node.input(1);
    Value c = node.input(2);
    Value ga = alpha == 1.0 ? g : b.mul(g, b.scalarLike(g, alpha));
    Value da = null;
    if (ctx.needsGradient(a)) {
      // d(A') = g·B'ᵀ; when A' = Aᵀ, dA = (g·B'ᵀ)ᵀ = B'·gᵀ.
      Value bPrime = transB ? b.transpose(w, 1, 0) : w;
      da =
          transA
              ? b.matmul(bPrime, b.transpose(ga, 1, 0))
              : b.matmul(ga, b.transpose(bPrime, 1, 0));
    }
    Value dw = null;
    if (ctx.needsGradient(w)) {
      Value aPrime = transA ? b.transpose(a, 1, 0) : a;
      dw =
          transB
              ? b.matmul(b.transpose(ga, 1, 0), aPrime)
              : b.matmul(b.transpose(aPrime, 1, 0), ga);
    }
    Value dc = null;
    if (c != null && ctx.needsGradient(c)) {
      dc = beta == 1.0 ? g : b.mul(g, b.scalarLike(g, beta));
    }
    return c == null ? Arrays.asList(da, dw) : Arrays.asList(da, dw, dc);
  }
}
