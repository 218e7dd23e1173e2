package dev.armory.engine.models;

import dev.armory.engine.graph.Value;
import java.util.Map;

/**
 * The values of a built causal-LM forward graph.
 *
 * @param inputIds [B, T] int64 token ids, or null when the graph takes embeddings
 * @param inputsEmbeds [B, T, C] float embeddings, or null when the graph takes token ids
 * @param attentionMask [B, T] int64, 1 for tokens and 0 for padding
 * @param positionIds [B, T] int64 positions (see {@link Positions})
 * @param labels [B, T] int64 next-token targets aligned with the logits (-100 = ignored), or null
 * @param logits [B, T, V]
 * @param loss scalar mean cross-entropy over counted labels, or null without labels
 * @param trainableParameters graph inputs of parameters marked trainable (full fine-tuning)
 */
public record ForwardGraph(
    Value inputIds,
    Value inputsEmbeds,
    Value attentionMask,
    Value positionIds,
    Value labels,
    Value logits,
    Value loss,
    Map<String, Value> trainableParameters) {

  /** Label value excluded from the loss (the Hugging Face convention). */
  public static final long IGNORE_INDEX = -100;

  /** Graph input names. */
  public static final String INPUT_IDS = "input_ids";

  public static final String INPUTS_EMBEDS = "inputs_embeds";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String POSITION_IDS = "position_ids";
  public static final String LABELS = "labels";
  public static final String SEGMENT_IDS = "segment_ids";
  public static final String LOGITS = "logits";
  public static final String LOSS = "loss";
}
