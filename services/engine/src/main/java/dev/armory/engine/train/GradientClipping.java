package dev.armory.engine.train;

import java.nio.FloatBuffer;

/** Clipping by global L2 norm over all gradient tensors, as one vector. */
public final class GradientClipping {
  private GradientClipping() {}

  /** The L2 norm of all gradients together, accumulated in double. NaN if any value is NaN. */
  public static double globalNorm(Parameters grads) {
    double sum = 0;
    for (Parameter g : grads.all()) {
      FloatBuffer b = g.data();
      for (int i = 0, n = g.size(); i < n; i++) {
        double x = b.get(i);
        sum += x * x;
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales all gradients by {@code maxNorm / norm} when their global norm exceeds {@code maxNorm}
   * ({@code maxNorm <= 0} disables clipping) and returns the norm before clipping. A non-finite
   * norm leaves the gradients untouched; the caller decides what to do with it.
   */
  public static double clip(Parameters grads, double maxNorm) {
    double norm = globalNorm(grads);
    if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (Parameter g : grads.all()) {
        FloatBuffer b = g.data();
        for (int i = 0, n = g.size(); i < n; i++) {
          b.put(i, b.get(i) * scale);
        }
      }
    }
    return norm;
  }
}
