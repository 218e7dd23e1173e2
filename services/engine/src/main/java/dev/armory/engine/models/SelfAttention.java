package dev.armory.engine.models;

import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;

/**
 * How a decoder layer's self-attention turns its projections into its output: q [B, T, H·D] and k,
 * v [B, T, G·D] (before rotary embedding) into [B, T, H·D]. The training forward attends within the
 * sequence under its mask; inference graphs attend over a KV cache (see the generate package).
 */
@FunctionalInterface
public interface SelfAttention {
  /** The attention output of decoder layer {@code layer}. */
  Value apply(GraphBuilder b, int layer, Value q, Value k, Value v);
}
