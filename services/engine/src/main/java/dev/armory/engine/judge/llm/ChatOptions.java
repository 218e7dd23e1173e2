package dev.armory.engine.judge.llm;

/**
 * How a judge model answers.
 *
 * @param maxTokens most tokens in the reply
 * @param temperature 0 for greedy (the default for judging: the same question gets the same answer)
 * @param seed for sampling when {@code temperature > 0}; null lets the model choose
 */
public record ChatOptions(int maxTokens, double temperature, Long seed) {
  public ChatOptions {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("a judge reply needs max tokens >= 1, got " + maxTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "judge temperature must be a finite number >= 0, got " + temperature);
    }
  }

  /** Greedy replies of at most {@code maxTokens} tokens. */
  public static ChatOptions greedy(int maxTokens) {
    return new ChatOptions(maxTokens, 0, null);
  }
}
