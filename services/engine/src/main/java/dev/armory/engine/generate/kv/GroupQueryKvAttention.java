package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.models.SelfAttention;
import java.util.List;

/**
 * Attention over a KV cache through ONNX Runtime's GroupQueryAttention: per layer
 * past_key_values.L.key/value [B, G, capacity, D] are updated in place when the caller passes one
 * buffer as both past and present (see {@link GroupQueryAttention}). Rotary embedding runs inside
 * the kernel when D is a multiple of 16 (its requirement), else before it at the position ids.
 */
final class GroupQueryKvAttention implements SelfAttention {
  private final KvLayout layout;
  private final Value seqlens;
  private final Value total;
  private final KvRotary rotary;
  private final boolean rotaryInKernel;

  GroupQueryKvAttention(KvLayout layout, Value seqlens, Value total, KvRotary rotary) {
    this.layout = layout;
    this.seqlens = seqlens;
    this.total = total;
    this.rotary = rotary;
    this.rotaryInKernel = rotary != null && layout.headSize() % 16 == 0;
  }

  /** True when the kernel applies rotary itself (it then derives positions from seqlens_k). */
  boolean rotaryInKernel() {
    return rotaryInKernel;
  }

  @Override
  public Value apply(GraphBuilder b, int layer, Value q, Value k, Value v) {
    int g = layout.kvHeads();
    int d = layout.headSize();
    Value pastKey =
        b.input(KvNames.pastKey(layer), ElementType.FLOAT, "batch", (long) g, "capacity", (long) d);
    Value pastValue =
        b.input(
            KvNames.pastValue(layer), ElementType.FLOAT, "batch", (long) g, "capacity", (long) d);
    if (rotary != null && !rotaryInKernel) {
      q = rotary.rotate(q, layout.heads());
      k = rotary.rotate(k, g);
    }
    int window = layout.windows()[layer];
    List<Value> inputs =
        new java.util.ArrayList<>(List.of(q, k, v, pastKey, pastValue, seqlens, total));
    if (rotaryInKernel) {
      inputs.addAll(rotary.caches());
    }
    // Outputs named as graph outputs directly: an Identity in between would copy the cache.
    List<Value> out =
        b.graph()
            .addNode(
                GroupQueryAttention.OP,
                "model.layers." + layer + "/GroupQueryAttention",
                inputs,
                GroupQueryAttention.attributes(
                    layout.heads(), g, window > 0 ? window : -1, rotaryInKernel),
                List.of(
                    "model.layers." + layer + "/attention",
                    KvNames.presentKey(layer),
                    KvNames.presentValue(layer)))
            .outputs();
    b.graph().addOutput(out.get(1));
    b.graph().addOutput(out.get(2));
    return out.get(0);
  }
}
