package dev.armory.engine.merge;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.peft.LoraAdapter;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Several LoRA adapters applied at run time with weights: y = base(x) + Σᵢ wᵢ·scaleᵢ·(x·Aᵢᵀ)·Bᵢᵀ.
 * This is what a linear merge bakes into the weights, computed the unmerged way, so merged models
 * can be checked against it. Factors are constants (inference only).
 */
public final class WeightedLoraLinears implements LinearLayers {
  /** An adapter and its weight. */
  public record Weighted(LoraAdapter adapter, double weight) {}

  private final LinearLayers base;
  private final List<Weighted> adapters;

  public WeightedLoraLinears(LinearLayers base, List<Weighted> adapters) {
    this.base = base;
    this.adapters = List.copyOf(adapters);
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Value y = base.apply(b, module, x);
    for (int i = 0; i < adapters.size(); i++) {
      LoraAdapter.Module m = adapters.get(i).adapter().module(module.name());
      if (m == null) {
        continue;
      }
      try (var s = b.scope("lora" + i)) {
        Value a = b.initializer(m.aKey() + "#" + i, floats(m.aShape(), m.a()));
        Value bf = b.initializer(m.bKey() + "#" + i, floats(m.bShape(), m.b()));
        Value down = b.matmul(x, b.transpose(a, 1, 0)); // [.., r]
        Value up = b.matmul(down, b.transpose(bf, 1, 0)); // [.., out]
        y = b.add(y, b.mul(up, b.scalarLike(up, adapters.get(i).weight() * m.scale())));
      }
    }
    return y;
  }

  private static TensorData floats(long[] shape, FloatBuffer data) {
    float[] values = new float[data.capacity()];
    data.duplicate().rewind().get(values);
    return TensorData.ofFloatsAs(ElementType.FLOAT, shape, values);
  }
}
