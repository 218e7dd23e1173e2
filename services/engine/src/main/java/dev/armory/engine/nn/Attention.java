package dev.armory.engine.nn;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import java.util.List;

/**
 * Causal self-attention in standard ops: masks, rotary embedding and scaled dot-product attention
 * with grouped key/value heads. Letters: B batch, T sequence, H query heads, G key/value heads, R =
 * H/G queries per group, D head size.
 */
public final class Attention {
  private Attention() {}

  /**
   * Bool mask [B, 1, 1, T, T]: query i sees key j when j ≤ i, j is not padding, and (with a sliding
   * window W) i − j < W.
   *
   * @param attentionMask [B, T] int64, 1 for real tokens and 0 for padding
   * @param slidingWindow window size, or 0 for none
   */
  public static Value causalMask(GraphBuilder b, Value attentionMask, long slidingWindow) {
    return causalMask(b, attentionMask, slidingWindow, null);
  }

  /**
   * As {@link #causalMask(GraphBuilder, Value, long)}, and with {@code segmentIds} [B, T] (packed
   * rows) a query also sees only keys of its own segment: attention is block-diagonal.
   */
  public static Value causalMask(
      GraphBuilder b, Value attentionMask, long slidingWindow, Value segmentIds) {
    try (var s = b.scope("mask")) {
      Value seqLen =
          b.gather(b.shape(attentionMask), b.constant(TensorData.ofLongs(new long[0], 1)), 0);
      Value zero = b.constant(TensorData.ofLongs(new long[0], 0));
      Value one = b.constant(TensorData.ofLongs(new long[0], 1));
      Value positions = b.range(zero, seqLen, one); // [T]
      Value query = b.unsqueeze(positions, 1); // [T, 1]
      Value key = b.unsqueeze(positions, 0); // [1, T]
      Value visible = b.lessOrEqual(key, query);
      if (slidingWindow > 0) {
        visible = b.and(visible, b.greater(key, b.sub(query, b.ints(slidingWindow))));
      }
      Value notPadding =
          b.unsqueeze(b.cast(attentionMask, ElementType.BOOL), 1, 2, 3); // [B,1,1,1,T]
      Value mask = b.and(visible, notPadding);
      if (segmentIds != null) {
        Value querySegment = b.unsqueeze(segmentIds, 1, 2, 4); // [B,1,1,T,1]
        Value keySegment = b.unsqueeze(segmentIds, 1, 2, 3); // [B,1,1,1,T]
        mask = b.and(mask, b.equal(querySegment, keySegment));
      }
      return mask;
    }
  }

  /** cos/sin rows for each position: tables [P, D] gathered by positionIds [B, T] → [B, T, D]. */
  public static List<Value> rotaryAt(
      GraphBuilder b, Value cosTable, Value sinTable, Value positionIds) {
    return List.of(b.gather(cosTable, positionIds, 0), b.gather(sinTable, positionIds, 0));
  }

  /** x·cos + rotate_half(x)·sin on the last axis, with cos/sin broadcastable to x. */
  public static Value applyRotary(GraphBuilder b, Value x, Value cos, Value sin) {
    long half = x.shape().dim(-1).value() / 2;
    List<Value> halves = b.split(x, -1, half, half);
    Value rotated = b.concat(-1, b.neg(halves.get(1)), halves.get(0));
    return b.add(b.mul(x, cos), b.mul(rotated, sin));
  }

  /**
   * Attention of q [B, T, H·D] over k, v [B, T, G·D] under {@code mask} [B, 1, 1, T, T]. When
   * {@code cos}/{@code sin} [B, T, D] are given, rotary embedding is applied to q and k first.
   * Returns [B, T, H·D].
   */
  public static Value groupedQuery(
      GraphBuilder b,
      Value q,
      Value k,
      Value v,
      Value mask,
      int heads,
      int kvHeads,
      int headDim,
      Value cos,
      Value sin) {
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException(
          "num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
    }
    long groups = kvHeads;
    long perGroup = heads / kvHeads;
    Value q5 = b.reshape(q, 0, 0, groups, perGroup, headDim); // [B,T,G,R,D]
    Value k5 = b.reshape(k, 0, 0, groups, 1, headDim); // [B,T,G,1,D]
    Value v5 = b.reshape(v, 0, 0, groups, 1, headDim); // [B,T,G,1,D]
    if (cos != null) {
      Value cos5 = b.unsqueeze(cos, 2, 3); // [B,T,1,1,D]
      Value sin5 = b.unsqueeze(sin, 2, 3);
      q5 = applyRotary(b, q5, cos5, sin5);
      k5 = applyRotary(b, k5, cos5, sin5);
    }
    Value qt = b.transpose(q5, 0, 2, 3, 1, 4); // [B,G,R,T,D]
    Value kt = b.transpose(k5, 0, 2, 3, 4, 1); // [B,G,1,D,T]
    Value vt = b.transpose(v5, 0, 2, 3, 1, 4); // [B,G,1,T,D]
    return attend(b, qt, kt, vt, mask, heads, headDim);
  }

  /**
   * softmax(q·k / √D, masked)·v per key/value group, back in token-major layout. q [B, G, R, T, D]
   * (rotary applied), kT [B, G, 1, D, S] (keys transposed), v [B, G, 1, S, D], mask [B, 1, 1, T, S]
   * bool. Returns [B, T, H·D].
   */
  public static Value attend(
      GraphBuilder b, Value q, Value kT, Value v, Value mask, int heads, int headDim) {
    Value scale = b.scalarLike(q, 1.0 / Math.sqrt(headDim));
    Value scores = b.matmul(b.mul(q, scale), kT); // [B,G,R,T,S]
    scores = b.where(mask, scores, b.scalarLike(scores, maskedScore(scores.type())));
    Value probs = b.softmax(scores, -1);
    Value out = b.matmul(probs, v); // [B,G,R,T,D]
    return b.reshape(b.transpose(out, 0, 3, 1, 2, 4), 0, 0, (long) heads * headDim);
  }

  /**
   * Bool mask [B, 1, 1, T, S] for queries at {@code queryPositions} [B, T] over keys at {@code
   * keyPositions} [B, S]: a query sees a key when the key is valid ({@code keyValid} [B, S] int64,
   * 1 = valid), not after it, and (with a sliding window W) fewer than W positions before it. Used
   * by graphs whose keys come from a cache, where index order and position order differ.
   */
  public static Value positionalMask(
      GraphBuilder b, Value keyValid, Value keyPositions, Value queryPositions, long window) {
    try (var s = b.scope("mask")) {
      Value query = b.unsqueeze(queryPositions, 1, 2, 4); // [B,1,1,T,1]
      Value key = b.unsqueeze(keyPositions, 1, 2, 3); // [B,1,1,1,S]
      Value visible = b.lessOrEqual(key, query);
      if (window > 0) {
        visible = b.and(visible, b.greater(key, b.sub(query, b.ints(window))));
      }
      return b.and(visible, b.unsqueeze(b.cast(keyValid, ElementType.BOOL), 1, 2, 3));
    }
  }

  /** A score that vanishes under softmax yet stays finite, so fully masked rows give no NaN. */
  static double maskedScore(ElementType t) {
    return t == ElementType.FLOAT16 ? -6.0e4 : -1.0e9;
  }
}
