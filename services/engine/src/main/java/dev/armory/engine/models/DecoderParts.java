package dev.armory.engine.models;

import dev.armory.engine.graph.Value;
import java.util.function.UnaryOperator;

/**
 * The parts of a decoder forward an inference graph brings itself, around the model's own structure
 * (embeddings, layers, MLPs, head), which {@link CausalLmGraph#logits} builds unchanged.
 *
 * @param linears how linear modules compute (null: the checkpoint's dense weights)
 * @param attention each layer's self-attention (required)
 * @param norms normalisations and the residual adds before them (null: {@link
 *     Normalization#STANDARD})
 * @param beforeHead applied to the final normalised hidden states [B, T, C] before the output head,
 *     e.g. to keep only the last position (null: all positions)
 */
public record DecoderParts(
    LinearLayers linears,
    SelfAttention attention,
    Normalization norms,
    UnaryOperator<Value> beforeHead) {
  public DecoderParts {
    if (attention == null) {
      throw new IllegalArgumentException("DecoderParts needs a self-attention");
    }
  }
}
