package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.nn.Norms;

/**
 * The normalisations of a decoder, each with the residual add that precedes it inside the stack.
 * {@link #STANDARD} writes them with standard ops (autodiff runs through them); inference graphs
 * may use fused kernels instead.
 */
public interface Normalization {
  /** Standard-op RMSNorm and LayerNorm ({@link Norms}), residual adds as plain Add. */
  Normalization STANDARD = new Normalization() {};

  /** RMSNorm over the last axis. */
  default Value rms(GraphBuilder b, Value x, Value weight, double eps) {
    return Norms.rmsNorm(b, x, weight, eps);
  }

  /** LayerNorm over the last axis. */
  default Value layer(GraphBuilder b, Value x, Value weight, Value bias, double eps) {
    return Norms.layerNorm(b, x, weight, bias, eps);
  }

  /** The residual stream h + delta and its RMSNorm, as {@code [sum, normed]}. */
  default Value[] addThenRms(GraphBuilder b, Value h, Value delta, Value weight, double eps) {
    Value sum = b.add(h, delta);
    return new Value[] {sum, rms(b, sum, weight, eps)};
  }

  /** The residual stream h + delta and its LayerNorm, as {@code [sum, normed]}. */
  default Value[] addThenLayer(
      GraphBuilder b, Value h, Value delta, Value weight, Value bias, double eps) {
    Value sum = b.add(h, delta);
    return new Value[] {sum, layer(b, sum, weight, bias, eps)};
  }
}
