package dev.armory.engine.generate;

import java.util.SplittableRandom;

/** Picks the next token from the logits of the last position. */
@FunctionalInterface
public interface TokenChooser {
  /**
   * The chosen token id.
   *
   * @param logits [V] scores of the last position
   */
  int choose(float[] logits);

  /** The highest-scoring token; the first one on ties (as torch.argmax and ONNX ArgMax). */
  static TokenChooser greedy() {
    return logits -> {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    };
  }

  /**
   * Samples from softmax(logits / temperature) with a seeded generator, so a seed reproduces the
   * same text.
   */
  static TokenChooser sampling(double temperature, long seed) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be a positive number, was " + temperature + " (use greedy for 0)");
    }
    SplittableRandom random = new SplittableRandom(seed);
    return logits -> {
      double max = Double.NEGATIVE_INFINITY;
      for (float l : logits) {
        max = Math.max(max, l);
      }
      double[] weights = new double[logits.length];
      double sum = 0;
      for (int i = 0; i < logits.length; i++) {
        weights[i] = Math.exp((logits[i] - max) / temperature);
        sum += weights[i];
      }
      double u = random.nextDouble() * sum;
      for (int i = 0; i < weights.length; i++) {
        u -= weights[i];
        if (u < 0) {
          return i;
        }
      }
      return weights.length - 1; // rounding left u a hair above zero
    };
  }
}
