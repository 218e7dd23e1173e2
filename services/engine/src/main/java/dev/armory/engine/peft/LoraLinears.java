package dev.armory.engine.peft;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Shape;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.LinearLayers;
import dev.armory.engine.models.LinearModule;
import dev.armory.engine.nn.Dropout;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linear layers with LoRA: y = base(x) + scale · (dropout(x) · Aᵀ) · Bᵀ on every module the adapter
 * wraps. Trainable, A and B are graph inputs (named by their PEFT keys) fed from the adapter's
 * buffers each step; frozen, they are initializers over those buffers.
 */
public final class LoraLinears implements LinearLayers {
  private final LinearLayers base;
  private final LoraAdapter adapter;
  private final boolean trainable;
  private final Value dropoutSeed;
  private final Map<String, Value> parameterInputs = new LinkedHashMap<>();
  private int dropoutSites;

  private LoraLinears(
      LinearLayers base, LoraAdapter adapter, boolean trainable, Value dropoutSeed) {
    this.base = base;
    this.adapter = adapter;
    this.trainable = trainable;
    this.dropoutSeed = dropoutSeed;
  }

  /**
   * Adapter factors as graph inputs. With lora_dropout > 0, {@code dropoutSeed} (a scalar int64
   * graph input) seeds the dropout masks so a step is reproducible; it may be null otherwise.
   */
  public static LoraLinears trainable(LinearLayers base, LoraAdapter adapter, Value dropoutSeed) {
    if (adapter.config().dropout() > 0 && dropoutSeed == null) {
      throw new IllegalArgumentException("lora_dropout > 0 needs a dropout seed input");
    }
    return new LoraLinears(base, adapter, true, dropoutSeed);
  }

  /** Adapter factors baked in as constants (inference, export, checks); no dropout. */
  public static LoraLinears frozen(LinearLayers base, LoraAdapter adapter) {
    return new LoraLinears(base, adapter, false, null);
  }

  /** Graph inputs of the trainable factors by PEFT key, in model order. */
  public Map<String, Value> parameterInputs() {
    return parameterInputs;
  }

  @Override
  public Value apply(GraphBuilder b, LinearModule module, Value x) {
    Value y = base.apply(b, module, x);
    LoraAdapter.Module m = adapter.module(module.name());
    if (m == null) {
      return y;
    }
    try (var s = b.scope("lora")) {
      Value a = factor(b, m.aKey(), m.aShape(), m.a(), x.type());
      Value bf = factor(b, m.bKey(), m.bShape(), m.b(), x.type());
      Value in = x;
      if (trainable && adapter.config().dropout() > 0) {
        in = Dropout.apply(b, x, adapter.config().dropout(), dropoutSeed, ++dropoutSites);
      }
      Value down = b.matmul(in, b.transpose(a, 1, 0)); // [.., r]
      Value up = b.matmul(down, b.transpose(bf, 1, 0)); // [.., out]
      return b.add(y, b.mul(up, b.scalarLike(up, m.scale())));
    }
  }

  private Value factor(
      GraphBuilder b, String key, long[] shape, java.nio.FloatBuffer data, ElementType type) {
    if (trainable) {
      Value v = b.input(key, type, Shape.of(shape));
      parameterInputs.put(key, v);
      return v;
    }
    float[] values = new float[data.capacity()];
    data.duplicate().rewind().get(values);
    return b.initializer(key, TensorData.ofFloatsAs(type, shape, values));
  }
}
