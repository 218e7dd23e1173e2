package dev.armory.engine.quant;

import dev.armory.engine.graph.Dim;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.SessionConfig;
import java.util.List;

/**
 * A linear layer over a frozen NF4 weight: y [..., N] = x [..., K]·Wᵀ (+ bias). Float32 inputs go
 * through ONNX Runtime's MatMulBnb4 (its VJP gives dX); float64 inputs, used for exact gradient
 * checks, dequantise W with standard ops in float32, cast it and use MatMul. Sessions over such
 * graphs must keep ConstantFolding off: use {@link #SESSION_CONFIG} or {@link
 * QuantizedGraphs#sessionConfig}.
 */
public final class Nf4Linear {
  /** Default session settings for graphs holding NF4 weights (ConstantFolding disabled). */
  public static final SessionConfig SESSION_CONFIG =
      QuantizedGraphs.sessionConfig(SessionConfig.defaults());

  /**
   * The graph values of one NF4 weight attached as initializers.
   *
   * @param tensor the quantised weight
   * @param codes uint8 [N·K/2] initializer
   * @param absmax float32 [N·K/blockSize]: the initializer, or computed from the 8-bit codes
   */
  public record Attached(Nf4Tensor tensor, Value codes, Value absmax) {}

  private Nf4Linear() {}

  /** Attaches {@code w} (initializers named {@code name + ".weight.*"}) and returns y. */
  public static Value apply(GraphBuilder b, Value x, Nf4Tensor w, Value biasOrNull, String name) {
    try (var s = b.scope(name)) {
      return apply(b, x, attach(b, w, name), biasOrNull);
    }
  }

  /**
   * Adds the initializers of {@code w}: {@code name.weight.nf4} (packed codes) and either {@code
   * name.weight.absmax} (float32) or {@code name.weight.absmax.q8} (int8), {@code
   * name.weight.absmax.scale} and {@code name.weight.absmax.offset} with the nodes expanding them.
   */
  public static Attached attach(GraphBuilder b, Nf4Tensor w, String name) {
    Value codes =
        b.initializer(
            name + ".weight.nf4",
            TensorData.wrap(ElementType.UINT8, new long[] {w.parameterCount() / 2}, w.codes()));
    Value absmax;
    List<Value> held;
    if (!w.isDoubleQuantized()) {
      absmax =
          b.initializer(
              name + ".weight.absmax",
              TensorData.wrap(ElementType.FLOAT, new long[] {w.blockCount()}, w.absmax()));
      held = List.of(codes, absmax);
    } else {
      DoubleQuantizedAbsmax dq = w.quantizedAbsmax();
      Value q8 =
          b.initializer(
              name + ".weight.absmax.q8",
              TensorData.wrap(ElementType.INT8, new long[] {dq.count()}, dq.codes()));
      Value scales =
          b.initializer(
              name + ".weight.absmax.scale",
              TensorData.wrap(ElementType.FLOAT, new long[] {dq.scaleCount()}, dq.scales()));
      Value offset =
          b.initializer(
              name + ".weight.absmax.offset", TensorData.scalar(ElementType.FLOAT, dq.offset()));
      absmax = Nf4Dequantization.absmax(b, q8, scales, offset, dq.count(), dq.blockSize());
      held = List.of(codes, q8, scales, offset);
    }
    QuantizedGraphs.record(b.graph(), w.parameterCount(), held);
    return new Attached(w, codes, absmax);
  }

  /** y = x·Wᵀ (+ bias) over an attached weight (attach once, use many times). */
  public static Value apply(GraphBuilder b, Value x, Attached w, Value biasOrNull) {
    Nf4Tensor t = w.tensor();
    long n = t.rows();
    long k = t.columns();
    if (x.type() != ElementType.FLOAT && x.type() != ElementType.DOUBLE) {
      throw new QuantizationException(
          "NF4 linear over "
              + w.codes().name()
              + ": input "
              + x
              + " must be float32 (or float64 for gradient checks)");
    }
    Dim last = x.rank() == 0 ? null : x.shape().dim(-1);
    if (last == null || (last.isKnown() && last.value() != k)) {
      throw new QuantizationException(
          "NF4 linear over "
              + w.codes().name()
              + ": input "
              + x
              + " must end in K = "
              + k
              + " (in features) for the weight [N = "
              + n
              + ", K = "
              + k
              + "] (out × in)");
    }
    if (biasOrNull != null
        && (biasOrNull.type() != x.type()
            || biasOrNull.rank() != 1
            || !biasOrNull.shape().dim(0).is(n))) {
      throw new QuantizationException(
          "NF4 linear over "
              + w.codes().name()
              + ": bias "
              + biasOrNull
              + " must be "
              + x.type().name().toLowerCase()
              + "["
              + n
              + "]");
    }
    Value y;
    if (x.type() == ElementType.FLOAT) {
      y =
          b.apply(
              MatMulBnb4.OP,
              MatMulBnb4.attributes(n, k, t.blockSize()),
              x,
              w.codes(),
              w.absmax()); // [..., N]
    } else {
      Value weight =
          Nf4Dequantization.weight(b, w.codes(), w.absmax(), n, k, t.blockSize()); // [N, K]
      y = b.matmul(x, b.transpose(b.cast(weight, ElementType.DOUBLE), 1, 0)); // [..., N]
    }
    return biasOrNull == null ? y : b.add(y, biasOrNull);
  }
}
