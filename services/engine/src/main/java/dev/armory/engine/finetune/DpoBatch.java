package dev.armory.engine.finetune;

import dev.armory.engine.data.Collator;
import dev.armory.engine.data.TokenBatch;
import dev.armory.engine.train.Batch;
import java.util.List;

/**
 * A DPO micro-batch: {@code 2P} token rows (chosen sequences of P pairs, then their rejected ones)
 * and the reference policy's sequence log-probs of each row, computed once before training.
 *
 * @param data the token rows; labels only on completion tokens
 * @param referenceLogProbs [2P] log π_ref of each row, in row order
 */
public record DpoBatch(TokenBatch data, float[] referenceLogProbs) implements Batch {
  public DpoBatch {
    if (data.rows() % 2 != 0 || referenceLogProbs.length != data.rows()) {
      throw new IllegalArgumentException(
          "a DPO batch needs an even number of rows and one reference log-prob per row, got "
              + data.rows()
              + " rows and "
              + referenceLogProbs.length
              + " log-probs");
    }
  }

  /** The batch of {@code pairs} in order, with their reference log-probs. */
  public static DpoBatch of(Collator collator, List<DpoExample> pairs) {
    int p = pairs.size();
    float[] ref = new float[2 * p];
    for (int k = 0; k < p; k++) {
      ref[k] = pairs.get(k).referenceChosen();
      ref[k + p] = pairs.get(k).referenceRejected();
    }
    return new DpoBatch(
        collator.collatePreferences(pairs.stream().map(DpoExample::pair).toList()), ref);
  }

  /** Preference pairs in the batch. */
  public int pairs() {
    return data.rows() / 2;
  }

  @Override
  public long tokens() {
    return data.paddedTokens();
  }

  /** DPO averages its loss over pairs, so pairs weigh a batch in the eval mean. */
  @Override
  public long lossTokens() {
    return pairs();
  }
}
