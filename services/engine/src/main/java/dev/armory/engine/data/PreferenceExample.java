package dev.armory.engine.data;

import java.util.Objects;

/**
 * A tokenised preference pair: the shared prompt and the two completions that follow it. The chosen
 * sequence is {@code prompt + chosen}, the rejected one {@code prompt + rejected}; only completion
 * tokens are scored.
 *
 * @param line the dataset line the pair came from
 * @param promptIds prompt tokens, BOS (if any) first; may be empty (then the first completion token
 *     is not scored, as nothing predicts it)
 * @param chosenIds chosen completion tokens (with EOS or the template's end of turn)
 * @param rejectedIds rejected completion tokens
 * @param truncated true when a completion was cut to the maximum sequence length
 */
public record PreferenceExample(
    int line, int[] promptIds, int[] chosenIds, int[] rejectedIds, boolean truncated) {
  public PreferenceExample {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(chosenIds, "chosenIds");
    Objects.requireNonNull(rejectedIds, "rejectedIds");
    if (chosenIds.length == 0 || rejectedIds.length == 0) {
      throw new IllegalArgumentException(
          "line " + line + ": chosen and rejected each need at least one token");
    }
  }

  /** The chosen sequence as an example: prompt masked, completion trainable. */
  public TokenizedExample chosen() {
    return sequence(chosenIds);
  }

  /** The rejected sequence as an example: prompt masked, completion trainable. */
  public TokenizedExample rejected() {
    return sequence(rejectedIds);
  }

  private TokenizedExample sequence(int[] completion) {
    int[] ids = new int[promptIds.length + completion.length];
    boolean[] trainable = new boolean[ids.length];
    System.arraycopy(promptIds, 0, ids, 0, promptIds.length);
    System.arraycopy(completion, 0, ids, promptIds.length, completion.length);
    for (int t = promptIds.length; t < ids.length; t++) {
      trainable[t] = true;
    }
    return new TokenizedExample(line, ids, trainable, truncated);
  }
}
