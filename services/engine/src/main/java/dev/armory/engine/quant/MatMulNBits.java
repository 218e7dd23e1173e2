package dev.armory.engine.quant;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import dev.armory.engine.graph.op.Op;
import java.util.List;

/**
 * ONNX Runtime's contrib op {@code com.microsoft.MatMulNBits}: Y [..., N] = A [..., K] · Wᵀ with W
 * [N, K] in 4-bit blocks ({@link Int4Tensor}): inputs A, B uint8 [N, blocks, blockSize/2], scales
 * float32 [N · blocks], zero_points uint8 [N · ⌈blocks/2⌉]; attributes K, N, bits = 4, block_size,
 * accuracy_level (4: A is quantised to int8 per block and products accumulate in int32, ONNX
 * Runtime's fastest CPU path; 0: float32). Inference only: no VJP rule.
 */
public final class MatMulNBits implements Op {
  public static final MatMulNBits OP = new MatMulNBits();

  /** int8 activations, int32 accumulation. */
  public static final int ACCURACY_INT8 = 4;

  private MatMulNBits() {}

  @Override
  public String type() {
    return "MatMulNBits";
  }

  @Override
  public String domain() {
    return Graph.MICROSOFT_DOMAIN;
  }

  /** The attributes of a product with {@code w}. */
  public static Attributes attributes(Int4Tensor w, int accuracyLevel) {
    return Attributes.of(
        "K",
        (long) w.columns(),
        "N",
        (long) w.rows(),
        "bits",
        4L,
        "block_size",
        (long) w.blockSize(),
        "accuracy_level",
        (long) accuracyLevel);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    if (inputs.size() < 3
        || inputs.get(0) == null
        || inputs.get(1) == null
        || inputs.get(2) == null) {
      throw new IllegalArgumentException("MatMulNBits takes A, B, scales (and zero_points)");
    }
    Value a = inputs.get(0);
    long k = at.getInt("K", 0);
    long n = at.getInt("N", 0);
    if (a.type() != ElementType.FLOAT) {
      throw new IllegalArgumentException("MatMulNBits needs float32 A here, got " + a);
    }
    Dim last = a.shape().dim(-1);
    if (last.isKnown() && last.value() != k) {
      throw new IllegalArgumentException("MatMulNBits A " + a + " must end in K = " + k);
    }
    return List.of(ValueType.of(a.type(), a.shape().sub(0, -1).concat(Shape.of(Dim.of(n)))));
  }
}
