package dev.armory.engine.data;

/**
 * A micro-batch as the training graph takes it: {@code rows × seqLen} int64 arrays, row-major,
 * right-padded to the longest row.
 *
 * <ul>
 *   <li>{@code input_ids}: tokens; padding is the pad id.
 *   <li>{@code attention_mask}: 1 on real tokens, 0 on padding.
 *   <li>{@code position_ids}: Hugging Face convention, counting real tokens from 0 and restarting
 *       at 0 in each packed segment; 0 on padding.
 *   <li>{@code labels}: aligned with the logits, so the loss graph does no shifting: {@code
 *       labels[t] = input_ids[t+1]} when token {@code t+1} is trainable and in the same segment as
 *       token {@code t}, else {@value #IGNORE_INDEX}; the last real position and all padding are
 *       {@value #IGNORE_INDEX}.
 *   <li>{@code segment_ids}: 1, 2, ... per example within a row (all 1 without packing), 0 on
 *       padding. Attention contract: query {@code i} may attend key {@code j} iff {@code j <= i}
 *       and {@code segment_ids[i] == segment_ids[j]}. Padding then forms its own block, so no row
 *       of the attention softmax is empty; without packing this equals causal attention with the
 *       padding mask.
 * </ul>
 *
 * <p>For DPO batches the first {@code rows/2} rows are the chosen sequences and the last {@code
 * rows/2} the rejected ones, pair {@code k} in rows {@code k} and {@code k + rows/2}; a sequence
 * log-prob is the sum of the log-probs of {@code labels[t]} over positions where it is not {@value
 * #IGNORE_INDEX}. The arrays are owned by the batch; do not modify them. For the trainer's {@code
 * train.Batch}: tokens are {@link #paddedTokens()}, loss tokens are {@link #trainedTokens()}.
 *
 * @param realTokens the number of real (non-padding) tokens
 * @param trainedTokens the number of positions with a label
 */
public record TokenBatch(
    int rows,
    int seqLen,
    long[] inputIds,
    long[] attentionMask,
    long[] positionIds,
    long[] labels,
    long[] segmentIds,
    long realTokens,
    long trainedTokens) {

  /** The label of positions without a target (PyTorch's cross-entropy ignore index). */
  public static final long IGNORE_INDEX = -100;

  /** The shape of every array: {@code [rows, seqLen]}. */
  public long[] shape() {
    return new long[] {rows, seqLen};
  }

  /** Every position fed through the model, padding included ({@code rows × seqLen}). */
  public long paddedTokens() {
    return (long) rows * seqLen;
  }

  /** Index of row {@code r}, position {@code t} in the flat arrays. */
  public int index(int r, int t) {
    return r * seqLen + t;
  }
}
