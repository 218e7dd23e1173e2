package dev.armory.engine.data;

import java.util.Objects;

/**
 * One example as tokens. {@code trainable[t]} says whether token {@code t} is a training target,
 * i.e. whether the model is scored on predicting it from the tokens before it; token 0 never is.
 *
 * @param line the dataset line the example came from
 * @param ids token ids, BOS (if any) first
 * @param trainable per token: true where the loss applies (assistant or completion tokens, or all)
 * @param truncated true when the example was cut to the maximum sequence length
 */
public record TokenizedExample(int line, int[] ids, boolean[] trainable, boolean truncated) {
  public TokenizedExample {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(trainable, "trainable");
    if (ids.length != trainable.length) {
      throw new IllegalArgumentException(
          "line " + line + ": " + ids.length + " ids but " + trainable.length + " trainable flags");
    }
  }

  public int length() {
    return ids.length;
  }

  /** Tokens the loss applies to (token 0 excluded: nothing predicts it). */
  public int trainableCount() {
    int count = 0;
    for (int t = 1; t < trainable.length; t++) {
      if (trainable[t]) {
        count++;
      }
    }
    return count;
  }
}
