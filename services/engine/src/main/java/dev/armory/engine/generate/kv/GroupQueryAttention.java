package dev.armory.engine.generate.kv;

import dev.armory.engine.graph.Attributes;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Value;
import dev.armory.engine.graph.ValueType;
import java.util.List;

/**
 * ONNX Runtime's {@code com.microsoft.GroupQueryAttention} (CPU kernel, float32): causal attention
 * of query [B, S, H·D] over a KV cache, with grouped key/value heads.
 *
 * <p>Inputs: query, key, value [B, S, G·D] (the new tokens), past_key, past_value [B, G, P, D]
 * (BNSH), seqlens_k int32 [B] (each row's total length − 1), total_sequence_length int32 scalar
 * (the longest row's total), optionally cos_cache, sin_cache [positions, D/2] for in-kernel rotary
 * (do_rotary=1; needs D a multiple of 16). Outputs: output [B, S, H·D], present_key, present_value.
 * When present and past are the same memory (the caller hands ONNX Runtime one buffer as both) the
 * kernel writes the new keys in place at each row's length: rows are right-padded, row b's entry j
 * holds position j. A prompt (S &gt; 1) must be the whole sequence or have batch 1. D must be a
 * multiple of 8. local_window_size W keeps the W latest keys, the query's own included (ONNX
 * Runtime 1.29; KvCacheGraphTest checks it against the training forward on Mistral's window).
 */
final class GroupQueryAttention extends ContribOp {
  static final GroupQueryAttention OP = new GroupQueryAttention();

  private GroupQueryAttention() {}

  @Override
  public String type() {
    return "GroupQueryAttention";
  }

  /** Attributes for H query heads over G key/value heads. */
  static Attributes attributes(int heads, int kvHeads, int localWindow, boolean rotary) {
    return Attributes.of(
        "num_heads",
        (long) heads,
        "kv_num_heads",
        (long) kvHeads,
        "local_window_size",
        (long) localWindow,
        "do_rotary",
        rotary ? 1L : 0L);
  }

  @Override
  public List<ValueType> infer(List<Value> inputs, Attributes at) {
    String op = type();
    Value q = input(inputs, 0, op, "query");
    input(inputs, 1, op, "key");
    input(inputs, 2, op, "value");
    Value pastKey = input(inputs, 3, op, "past_key");
    Value pastValue = input(inputs, 4, op, "past_value");
    Value seqlens = input(inputs, 5, op, "seqlens_k");
    Value total = input(inputs, 6, op, "total_sequence_length");
    requireRank(q, 3, op, "query");
    requireRank(pastKey, 4, op, "past_key");
    if (q.type() != ElementType.FLOAT) {
      throw new IllegalArgumentException(op + " runs on float32 here, got " + q);
    }
    if (seqlens.type() != ElementType.INT32 || total.type() != ElementType.INT32) {
      throw new IllegalArgumentException(
          op + " needs int32 seqlens_k and total_sequence_length, got " + seqlens + ", " + total);
    }
    long heads = at.getInt("num_heads", 0);
    long kvHeads = at.getInt("kv_num_heads", 0);
    if (heads <= 0 || kvHeads <= 0 || heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          op
              + " needs num_heads a positive multiple of kv_num_heads, got "
              + heads
              + "/"
              + kvHeads);
    }
    // Shared past/present buffers: present has the past's shape.
    return List.of(
        ValueType.of(q.type(), q.shape()),
        ValueType.of(pastKey.type(), pastKey.shape()),
        ValueType.of(pastValue.type(), pastValue.shape()));
  }
}
