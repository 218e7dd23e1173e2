package dev.armory.engine.nn;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;

/**
 * Inverted dropout whose mask is a pure function of (seed input, site, element index), computed
 * with integer ops in the graph. ONNX Runtime's own random ops keep hidden generator state per
 * session, so a resumed run could not replay them; this mask replays exactly from the seed.
 */
public final class Dropout {
  private static final long MODULUS = 1L << 31;

  private Dropout() {}

  /**
   * x scaled by 1/(1-p) where kept, 0 where dropped (probability p).
   *
   * @param seed scalar int64 graph input, a new value each step
   * @param site distinguishes dropout sites that see the same seed
   */
  public static Value apply(GraphBuilder b, Value x, double p, Value seed, int site) {
    if (p <= 0) {
      return x;
    }
    if (p >= 1) {
      throw new IllegalArgumentException("dropout probability must be < 1, got " + p);
    }
    try (var s = b.scope("dropout")) {
      Value uniform = uniformLike(b, x, seed, site);
      Value keep = b.greaterOrEqual(uniform, b.scalar(ElementType.DOUBLE, p));
      Value scaled = b.mul(x, b.scalarLike(x, 1.0 / (1.0 - p)));
      return b.where(keep, scaled, b.scalarLike(x, 0.0));
    }
  }

  /** Values in [0, 1) of x's shape from a small integer hash of (index, seed, site). */
  static Value uniformLike(GraphBuilder b, Value x, Value seed, int site) {
    Value size = b.reduceProd(b.shape(x), false);
    Value index = b.reshape(b.range(i64(b, 0), size, i64(b, 1)), b.shape(x));
    // Two multiply-xorshift rounds over 31-bit values; products stay below 2^63.
    Value h =
        b.mod(
            b.add(
                b.mul(b.mod(index, i64(b, MODULUS)), i64(b, 1103515245L)),
                b.add(
                    b.mul(b.mod(seed, i64(b, MODULUS)), i64(b, 69069L)),
                    i64(b, 12345L + 7919L * site))),
            i64(b, MODULUS));
    h = b.bitwiseXor(h, b.div(h, i64(b, 1L << 13)));
    h = b.mod(b.add(b.mul(h, i64(b, 1664525L)), i64(b, 1013904223L)), i64(b, MODULUS));
    h = b.bitwiseXor(h, b.div(h, i64(b, 1L << 16)));
    return b.div(b.cast(h, ElementType.DOUBLE), b.scalar(ElementType.DOUBLE, MODULUS));
  }

  private static Value i64(GraphBuilder b, long v) {
    return b.constant(TensorData.ofLongs(new long[0], v));
  }
}
