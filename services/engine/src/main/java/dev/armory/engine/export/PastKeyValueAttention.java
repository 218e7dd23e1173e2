package dev.armory.engine.export;

import dev.armory.engine.generate.kv.KvLayout;
import dev.armory.engine.generate.kv.KvNames;
import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.op.Concat;
import dev.armory.engine.models.SelfAttention;
import dev.armory.engine.nn.Attention;
import java.util.List;

/**
 * Attention over a KV cache with Hugging Face's (and Optimum's) conventions, for standalone
 * exported models: per layer past_key_values.L.key/value [B, G, P, D] in, present.L.key/value =
 * Concat(past, new) [B, G, P + T, D] out; attention_mask [B, P + T] marks real entries (left
 * padding allowed); causality and sliding windows count cache indices, so feeding each present back
 * as the next past just works; position_ids only place the rotary embedding.
 *
 * <p>The serving engine's own graph (generate.kv) keeps cache entry j at position j instead, which
 * suits its slot cache but not a consumer that appends presents to ragged rows.
 */
final class PastKeyValueAttention implements SelfAttention {
  private final KvLayout layout;
  private final Value attentionMask;
  private final Value inputIds;
  private final Value positionIds;
  private final float[][] rotaryTables; // cos, sin [positions · D], or null (GPT-2)
  private final int rotaryPositions;
  private Value cos; // [B, T, 1, D]
  private Value sin;
  private Value keyIndex; // [1, P + T]
  private Value queryIndex; // [1, T]

  PastKeyValueAttention(
      KvLayout layout,
      Value inputIds,
      Value attentionMask,
      Value positionIds,
      float[][] rotaryTables,
      int rotaryPositions) {
    this.layout = layout;
    this.inputIds = inputIds;
    this.attentionMask = attentionMask;
    this.positionIds = positionIds;
    this.rotaryTables = rotaryTables;
    this.rotaryPositions = rotaryPositions;
  }

  @Override
  public Value apply(GraphBuilder b, int layer, Value q, Value k, Value v) {
    int g = layout.kvHeads();
    int h = layout.heads();
    int d = layout.headSize();
    Value pastKey =
        b.input(
            KvNames.pastKey(layer),
            ElementType.FLOAT,
            "batch",
            (long) g,
            "past_sequence",
            (long) d);
    Value pastValue =
        b.input(
            KvNames.pastValue(layer),
            ElementType.FLOAT,
            "batch",
            (long) g,
            "past_sequence",
            (long) d);
    if (rotaryTables != null) {
      q = rotate(b, q, h);
      k = rotate(b, k, g);
    }
    Value newKey = b.transpose(b.reshape(k, 0, 0, g, d), 0, 2, 1, 3); // [B,G,T,D]
    Value newValue = b.transpose(b.reshape(v, 0, 0, g, d), 0, 2, 1, 3);
    Value presentKey = present(b, pastKey, newKey, KvNames.presentKey(layer)); // [B,G,S,D]
    Value presentValue = present(b, pastValue, newValue, KvNames.presentValue(layer));
    Value q5 = b.transpose(b.reshape(q, 0, 0, g, h / g, d), 0, 2, 3, 1, 4); // [B,G,R,T,D]
    Value keysT = b.unsqueeze(b.transpose(presentKey, 0, 1, 3, 2), 2); // [B,G,1,D,S]
    Value values = b.unsqueeze(presentValue, 2); // [B,G,1,S,D]
    indices(b, pastKey);
    Value mask =
        Attention.positionalMask(b, attentionMask, keyIndex, queryIndex, layout.windows()[layer]);
    return Attention.attend(b, q5, keysT, values, mask, h, d);
  }

  /** Cache indices of the keys (0 … P+T−1) and of the new queries (P … P+T−1), once per graph. */
  private void indices(GraphBuilder b, Value pastKey) {
    if (keyIndex != null) {
      return;
    }
    try (var s = b.scope("cache_index")) {
      Value past = b.gather(b.shape(pastKey), b.constant(TensorData.ofLongs(new long[0], 2)), 0);
      Value seq = b.gather(b.shape(inputIds), b.constant(TensorData.ofLongs(new long[0], 1)), 0);
      Value zero = b.constant(TensorData.ofLongs(new long[0], 0));
      Value one = b.constant(TensorData.ofLongs(new long[0], 1));
      Value total = b.add(past, seq);
      keyIndex = b.unsqueeze(b.range(zero, total, one), 0); // [1, S]
      queryIndex = b.unsqueeze(b.range(past, total, one), 0); // [1, T]
    }
  }

  /** x [B, T, N·D] with rotary embedding applied at the position ids. */
  private Value rotate(GraphBuilder b, Value x, int heads) {
    int d = layout.headSize();
    if (cos == null) {
      long[] shape = {rotaryPositions, d};
      Value cosTable =
          b.initializer(
              "rope.cos", TensorData.ofFloatsAs(ElementType.FLOAT, shape, rotaryTables[0]));
      Value sinTable =
          b.initializer(
              "rope.sin", TensorData.ofFloatsAs(ElementType.FLOAT, shape, rotaryTables[1]));
      List<Value> cs = Attention.rotaryAt(b, cosTable, sinTable, positionIds); // [B,T,D]
      cos = b.unsqueeze(cs.get(0), 2);
      sin = b.unsqueeze(cs.get(1), 2);
    }
    Value x4 = b.reshape(x, 0, 0, heads, d);
    return b.reshape(Attention.applyRotary(b, x4, cos, sin), 0, 0, (long) heads * d);
  }

  /** Concat(past, new) on the sequence axis, named and marked as the graph output. */
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
}
