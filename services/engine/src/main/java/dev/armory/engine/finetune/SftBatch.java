package dev.armory.engine.finetune;

import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.train.Batch;

/** A tokenised micro-batch as the trainer counts it. */
public record SftBatch(TokenBatch data) implements Batch {
  @Override
  public long tokens() {
    return data.paddedTokens();
  }

  @Override
  public long lossTokens() {
    return data.trainedTokens();
  }
}
