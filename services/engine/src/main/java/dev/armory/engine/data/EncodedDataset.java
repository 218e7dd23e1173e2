package dev.armory.engine.data;

import java.util.List;

/**
 * Tokenised supervised examples and what happened on the way.
 *
 * @param examples the examples, in dataset order
 * @param truncated how many kept examples were cut to the maximum sequence length
 * @param dropped lines dropped because no trainable token was left after truncation
 * @param skipped lines the chat template rejected (only when skipping bad lines)
 */
public record EncodedDataset(
    List<TokenizedExample> examples, int truncated, List<Integer> dropped, List<BadLine> skipped) {
  public EncodedDataset {
    examples = List.copyOf(examples);
    dropped = List.copyOf(dropped);
    skipped = List.copyOf(skipped);
  }

  /** All tokens of the kept examples. */
  public long tokens() {
    long sum = 0;
    for (TokenizedExample example : examples) {
      sum += example.length();
    }
    return sum;
  }

  /** Tokens the loss applies to. */
  public long trainableTokens() {
    long sum = 0;
    for (TokenizedExample example : examples) {
      sum += example.trainableCount();
    }
    return sum;
  }

  /** The longest kept example, in tokens. */
  public int maxLength() {
    int max = 0;
    for (TokenizedExample example : examples) {
      max = Math.max(max, example.length());
    }
    return max;
  }
}
