package dev.armory.engine.quant;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Node;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import dev.armory.engine.graph.op.Op;
import dev.armory.engine.graph.op.VjpContext;
import java.util.Arrays;
import java.util.List;

/**
 * ONNX Runtime's contrib op {@code com.microsoft.MatMulBnb4}: Y [..., N] = A [..., K] · Wᵀ with W
 * [N, K] stored as 4-bit codes (B uint8 [N·K/2], first element in the high nibble) and float32
 * block absmax [N·K/block_size]; attributes K, N, block_size, quant_type (1 = NF4) and transB.
 *
 * <p>VJP: dA = dY·W, with W dequantised by standard ops ({@link Nf4Dequantization#weight}).
 * MatMulBnb4's own {@code transB=0} mode would avoid that, but ONNX Runtime's CPU kernel ignores it
 * in the product and reads W with the wrong stride (MatMulBnb4Test keeps the evidence). B and
 * absmax are frozen: no gradient flows to them.
 */
public final class MatMulBnb4 implements Op {
  public static final MatMulBnb4 OP = new MatMulBnb4();

  /** quant_type of NF4 (0 is FP4, which Armory does not use). */
  public static final long NF4 = 1;

  private MatMulBnb4() {}

  @Override
  public String type() {
    return "MatMulBnb4";
  }

  @Override
  public String domain() {
    return Graph.MICROSOFT_DOMAIN;
  }

  /** The attributes of an NF4 product with W [n, k]. */
  public static Attributes attributes(long n, long k, long blockSize) {
    return Attributes.of("K", k, "N", n, "block_size", blockSize, "quant_type", NF4);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    if (inputs.size() != 3 || inputs.contains(null)) {
      throw new IllegalArgumentException(
          "MatMulBnb4 takes 3 inputs (A, B, absmax), got " + inputs.size());
    }
    for (String required : List.of("K", "N", "block_size", "quant_type")) {
      if (!at.has(required)) {
        throw new IllegalArgumentException("MatMulBnb4 needs attribute " + required);
      }
    }
    long k = at.getInt("K", 0);
    long n = at.getInt("N", 0);
    long blockSize = at.getInt("block_size", 0);
    if (at.getInt("quant_type", -1) != NF4) {
      throw new IllegalArgumentException(
          "MatMulBnb4 quant_type "
              + at.getInt("quant_type", -1)
              + " is not supported; use 1 (NF4)");
    }
    if (n <= 0 || k <= 0 || n > Integer.MAX_VALUE || k > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("MatMulBnb4 has invalid N " + n + " or K " + k);
    }
    Nf4Quantizer.checkLayout("MatMulBnb4 weight", (int) n, (int) k, (int) blockSize);
    boolean transB = at.getInt("transB", 1) != 0;
    Value a = inputs.get(0);
    Value codes = inputs.get(1);
    Value absmax = inputs.get(2);
    if (a.type() != ElementType.FLOAT) {
      throw new IllegalArgumentException(
          "MatMulBnb4 needs float32 A (ONNX Runtime's CPU kernel), got " + a);
    }
    if (a.rank() < 1) {
      throw new IllegalArgumentException("MatMulBnb4 needs A of rank >= 1, got " + a);
    }
    requireVector(codes, ElementType.UINT8, n * k / 2, "B (packed codes)");
    requireVector(absmax, ElementType.FLOAT, n * k / blockSize, "absmax");
    // transB=1: A [..., K] -> [..., N]. transB=0 is accepted only so tests can show it is wrong;
    // ONNX Runtime then sizes the product as A [..., N] -> [..., K].
    long inner = transB ? k : n;
    long outer = transB ? n : k;
    Dim last = a.shape().dim(-1);
    if (last.isKnown() && last.value() != inner) {
      throw new IllegalArgumentException(
          "MatMulBnb4 A "
              + a
              + " must end in "
              + (transB ? "K = " : "N = ")
              + inner
              + " for W [N = "
              + n
              + ", K = "
              + k
              + "]");
    }
    return List.of(ValueType.of(a.type(), a.shape().sub(0, -1).concat(Shape.of(Dim.of(outer)))));
  }

  private static void requireVector(Value v, ElementType type, long length, String what) {
    if (v.type() != type
        || v.rank() != 1
        || (v.shape().dim(0).isKnown() && v.shape().dim(0).value() != length)) {
      throw new IllegalArgumentException(
          "MatMulBnb4 "
              + what
              + " must be "
              + type.name().toLowerCase()
              + "["
              + length
              + "], got "
              + v);
    }
  }

  @Override
  public boolean differentiable() {
    return true;
  }

  @Override
  public boolean gradientFlowsTo(Node node, int index) {
    return index == 0;
  }

  @Override
  public List<Value> vjp(VjpContext ctx, Node node, List<Value> dOut) {
    Attributes at = node.attributes();
    if (at.getInt("transB", 1) == 0) {
      throw new UnsupportedOperationException(
          "MatMulBnb4 with transB=0 has no VJP rule: ONNX Runtime computes it wrongly");
    }
    Value a = node.input(0);
    if (!ctx.needsGradient(a)) {
      return Arrays.asList(null, null, null);
    }
    GraphBuilder b = ctx.builder();
    Value w =
        Nf4Dequantization.weight(
            b,
            node.input(1),
            node.input(2),
            at.getInt("N", 0),
            at.getInt("K", 0),
            at.getInt("block_size", 0)); // [N, K]
    return Arrays.asList(b.matmul(dOut.get(0), w), null, null); // [..., N]·[N, K] = [..., K]
  }
}
