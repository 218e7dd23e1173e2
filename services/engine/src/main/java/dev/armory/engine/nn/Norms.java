package dev.armory.engine.nn;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/** Normalisation layers written with standard ops, so autodiff runs through them. */
public final class Norms {
  private Norms() {}

  /** RMSNorm over the last axis: w · x / √(mean(x²) + eps). x [.., C], weight [C]. */
  public static Value rmsNorm(GraphBuilder b, Value x, Value weight, double eps) {
    Value meanSquare = b.reduceMean(b.mul(x, x), true, -1);
    Value inverseRms = b.reciprocal(b.sqrt(b.add(meanSquare, b.scalarLike(x, eps))));
    return b.mul(b.mul(x, inverseRms), weight);
  }

  /** LayerNorm over the last axis: (x - mean) / √(var + eps) · w + bias. x [.., C]. */
  public static Value layerNorm(GraphBuilder b, Value x, Value weight, Value bias, double eps) {
    Value centred = b.sub(x, b.reduceMean(x, true, -1));
    Value variance = b.reduceMean(b.mul(centred, centred), true, -1);
    Value normed = b.div(centred, b.sqrt(b.add(variance, b.scalarLike(x, eps))));
    return b.add(b.mul(normed, weight), bias);
  }
}
