package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.op.Concat;
import dev.armory.engine.models.SelfAttention;
import dev.armory.engine.nn.Attention;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Attention over a KV cache in standard ops. Per layer: past_key_values.L.key/value [B, G, P, D]
 * inputs, present.L.key/value = Concat(past, new) [B, G, P + T, D] outputs. Cache entry j of a row
 * holds position j (rows are right-padded: the attention_mask [B, P + T] marks which past entries
 * are real), and the new tokens sit at their position_ids; the mask is built from those positions,
 * so sliding windows count positions, not indices.
 */
final class StandardKvAttention implements SelfAttention {
  private final KvLayout layout;
  private final Value attentionMask;
  private final Value positionIds;
  private final KvRotary rotary;
  private final Map<Integer, Value> masks = new HashMap<>(); // by window
  private Value keyPositions; // [B, P + T]

  StandardKvAttention(KvLayout layout, Value attentionMask, Value positionIds, KvRotary rotary) {
    this.layout = layout;
    this.attentionMask = attentionMask;
    this.positionIds = positionIds;
    this.rotary = rotary;
  }

  @Override
  public Value apply(GraphBuilder b, int layer, Value q, Value k, Value v) {
    int g = layout.kvHeads();
    int d = layout.headSize();
    int h = layout.heads();
    Value pastKey =
        b.input(KvNames.pastKey(layer), ElementType.FLOAT, "batch", (long) g, "past", (long) d);
    Value pastValue =
        b.input(KvNames.pastValue(layer), ElementType.FLOAT, "batch", (long) g, "past", (long) d);
    if (rotary != null) {
      q = rotary.rotate(q, h);
      k = rotary.rotate(k, g);
    }
    Value newKey = b.transpose(b.reshape(k, 0, 0, g, d), 0, 2, 1, 3); // [B,G,T,D]
    Value newValue = b.transpose(b.reshape(v, 0, 0, g, d), 0, 2, 1, 3);
    Value presentKey = present(b, pastKey, newKey, KvNames.presentKey(layer)); // [B,G,S,D]
    Value presentValue = present(b, pastValue, newValue, KvNames.presentValue(layer));
    Value q5 = b.transpose(b.reshape(q, 0, 0, g, h / g, d), 0, 2, 3, 1, 4); // [B,G,R,T,D]
    Value keysT = b.unsqueeze(b.transpose(presentKey, 0, 1, 3, 2), 2); // [B,G,1,D,S]
    Value values = b.unsqueeze(presentValue, 2); // [B,G,1,S,D]
    Value mask = mask(b, pastKey, layout.windows()[layer]);
    return Attention.attend(b, q5, keysT, values, mask, h, d);
  }

  /** Concat(past, new) on the sequence axis, named as the graph output (no Identity copy). */
  private static Value present(GraphBuilder b, Value past, Value added, String name) {
    Value v =
        b.graph()
            .addNode(
                Concat.OP,
                name + "/Concat",
                List.of(past, added),
                Attributes.of("axis", 2L),
                List.of(name))
            .output(0);
    b.graph().addOutput(v);
    return v;
  }

  private Value mask(GraphBuilder b, Value pastKey, int window) {
    if (keyPositions == null) {
      try (var s = b.scope("key_positions")) {
        Value past = b.gather(b.shape(pastKey), b.constant(TensorData.ofLongs(new long[0], 2)), 0);
        Value zero = b.constant(TensorData.ofLongs(new long[0], 0));
        Value one = b.constant(TensorData.ofLongs(new long[0], 1));
        Value range = b.unsqueeze(b.range(zero, past, one), 0); // [1, P]
        Value rows = b.slice(b.shape(positionIds), new long[] {0}, new long[] {1}, new long[] {0});
        Value pastPositions = b.expand(range, b.concat(0, rows, b.unsqueeze(past, 0))); // [B, P]
        keyPositions = b.concat(1, pastPositions, positionIds); // [B, P + T]
      }
    }
    return masks.computeIfAbsent(
        window, w -> Attention.positionalMask(b, attentionMask, keyPositions, positionIds, w));
  }
}
