package dev.armory.engine.train;

import java.nio.FloatBuffer;
import java.util.HashSet;
import java.util.Map;
import java.util.TreeSet;

/**
 * Sums micro-step gradients into one buffer per parameter: with accumulation k, each micro-step's
 * gradients are added scaled by 1/k, so k micro-batches of n equal one batch of k·n when each
 * micro-batch counts the same number of tokens.
 */
public final class GradientAccumulator {
  private final Parameters sum;

  public GradientAccumulator(Parameters params) {
    this.sum = params.zerosLike();
  }

  /** The accumulated gradients, by parameter name. */
  public Parameters gradients() {
    return sum;
  }

  /** Starts a new step. */
  public void zero() {
    sum.zero();
  }

  /** Adds {@code scale × g} for every parameter; {@code g} must hold exactly the parameters. */
  public void add(Map<String, FloatBuffer> g, float scale) {
    if (g.size() != sum.count() || !g.keySet().equals(new HashSet<>(sum.names()))) {
      throw new IllegalStateException(
          "the step function returned gradients for "
              + new TreeSet<>(g.keySet())
              + " but the trainable parameters are "
              + sum.names());
    }
    for (Parameter p : sum.all()) {
      FloatBuffer src = g.get(p.name());
      int n = p.size();
      if (src.limit() != n) {
        throw new IllegalStateException(
            "the gradient of '"
                + p.name()
                + "' has "
                + src.limit()
                + " values but the parameter has "
                + n);
      }
      FloatBuffer dst = p.data();
      for (int i = 0; i < n; i++) {
        dst.put(i, dst.get(i) + scale * src.get(i));
      }
    }
  }
}
