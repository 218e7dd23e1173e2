package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.Normalization;
import java.util.List;

/**
 * Normalisations as single kernels: RMSNorm as SimplifiedLayerNormalization, LayerNorm as ONNX
 * LayerNormalization, and each residual add fused with the norm after it
 * (SkipSimplifiedLayerNormalization, SkipLayerNormalization).
 */
final class FusedNormalization implements Normalization {
  static final FusedNormalization INSTANCE = new FusedNormalization();

  private FusedNormalization() {}

  @Override
  public Value rms(GraphBuilder b, Value x, Value weight, double eps) {
    return b.apply(
        SimplifiedLayerNormalization.OP, SimplifiedLayerNormalization.attributes(eps), x, weight);
  }

  @Override
  public Value layer(GraphBuilder b, Value x, Value weight, Value bias, double eps) {
    return b.apply(LayerNormalization.OP, LayerNormalization.attributes(eps), x, weight, bias);
  }

  @Override
  public Value[] addThenRms(GraphBuilder b, Value h, Value delta, Value weight, double eps) {
    List<Value> out =
        b.applyMulti(SkipNormalization.RMS, SkipNormalization.attributes(eps), delta, h, weight);
    return new Value[] {out.get(SkipNormalization.SUM_OUTPUT), out.get(0)};
  }

  @Override
  public Value[] addThenLayer(
      GraphBuilder b, Value h, Value delta, Value weight, Value bias, double eps) {
    List<Value> out =
        b.applyMulti(
            SkipNormalization.LAYER, SkipNormalization.attributes(eps), delta, h, weight, bias);
    return new Value[] {out.get(SkipNormalization.SUM_OUTPUT), out.get(0)};
  }
}
