package dev.armory.engine.train;

/**
 * One micro-batch as the trainer sees it: opaque except for its token counts. Models define the
 * tensors inside (token ids, masks, labels).
 */
public interface Batch {
  /** Tokens fed through the model (prompt and padding included): the tokens/s throughput. */
  long tokens();

  /** Tokens the loss is averaged over (targets that count); at most {@link #tokens()}. */
  long lossTokens();
}
