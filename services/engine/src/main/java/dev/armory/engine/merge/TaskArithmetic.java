package dev.armory.engine.merge;

import java.util.Arrays;
import java.util.List;

/**
 * Combinations of task deltas (one adapter's ΔW = scale·B·A per linear module), as the merge
 * methods define them on full deltas. PEFT's add_weighted_adapter combines the A and B factors
 * separately for these methods, which is not Σ wᵢ·ΔWᵢ (cross terms appear); Armory merges into full
 * weights, so it applies the intended math to the full ΔWᵢ.
 */
public final class TaskArithmetic {
  private TaskArithmetic() {}

  /** Σ wᵢ·deltasᵢ, elementwise (accumulated in double). */
  public static float[] linear(List<float[]> deltas, double[] weights) {
    checkSizes(deltas, weights);
    int n = deltas.get(0).length;
    float[] out = new float[n];
    for (int e = 0; e < n; e++) {
      double s = 0;
      for (int t = 0; t < deltas.size(); t++) {
        s += weights[t] * deltas.get(t)[e];
      }
      out[e] = (float) s;
    }
    return out;
  }

  /**
   * Keeps the k = ⌊density·n⌋ entries of largest magnitude and zeroes the rest (magnitude pruning);
   * among entries tied at the threshold the earlier ones are kept. density ≥ 1 keeps everything.
   */
  public static float[] trim(float[] delta, double density) {
    checkDensity(density);
    int n = delta.length;
    if (density >= 1.0) {
      return delta.clone();
    }
    int k = (int) Math.floor(density * n);
    float[] out = new float[n];
    if (k == 0) {
      return out;
    }
    float[] magnitudes = new float[n];
    for (int i = 0; i < n; i++) {
      magnitudes[i] = Math.abs(delta[i]);
    }
    Arrays.sort(magnitudes);
    float threshold = magnitudes[n - k];
    int above = 0;
    for (int i = 0; i < n; i++) {
      if (Math.abs(delta[i]) > threshold) {
        above++;
      }
    }
    int tiedAllowed = k - above;
    for (int i = 0; i < n; i++) {
      float m = Math.abs(delta[i]);
      if (m > threshold) {
        out[i] = delta[i];
      } else if (m == threshold && tiedAllowed > 0) {
        out[i] = delta[i];
        tiedAllowed--;
      }
    }
    return out;
  }

  /**
   * TIES-merging (Yadav et al. 2023) of task deltas with weights wᵢ: (1) trim each delta to {@code
   * density} by magnitude; (2) elect a sign per entry from the trimmed, unweighted values: the sign
   * of their sum ({@link SignElection#TOTAL}) or of the sum of their signs ({@link
   * SignElection#FREQUENCY}), a zero sum electing +; (3) disjoint mean: Σ wᵢ·τᵢ over the trimmed
   * entries whose sign equals the elected one, divided by how many there are (at least 1).
   */
  public static float[] ties(
      List<float[]> deltas, double[] weights, double density, SignElection election) {
    checkSizes(deltas, weights);
    checkDensity(density);
    int tasks = deltas.size();
    float[][] trimmed = new float[tasks][];
    for (int t = 0; t < tasks; t++) {
      trimmed[t] = trim(deltas.get(t), density);
    }
    int n = deltas.get(0).length;
    float[] out = new float[n];
    for (int e = 0; e < n; e++) {
      double vote = 0;
      for (int t = 0; t < tasks; t++) {
        float v = trimmed[t][e];
        vote += election == SignElection.TOTAL ? v : Math.signum(v);
      }
      float elected = vote >= 0 ? 1f : -1f;
      double sum = 0;
      int agreeing = 0;
      for (int t = 0; t < tasks; t++) {
        float v = trimmed[t][e];
        if (Math.signum(v) == elected) {
          sum += weights[t] * v;
          agreeing++;
        }
      }
      out[e] = (float) (sum / Math.max(agreeing, 1));
    }
    return out;
  }

  private static void checkSizes(List<float[]> deltas, double[] weights) {
    if (deltas.isEmpty()) {
      throw new IllegalArgumentException("no deltas to combine");
    }
    if (deltas.size() != weights.length) {
      throw new IllegalArgumentException(
          deltas.size() + " deltas but " + weights.length + " weights");
    }
    int n = deltas.get(0).length;
    for (float[] d : deltas) {
      if (d.length != n) {
        throw new IllegalArgumentException(
            "deltas differ in size: " + n + " and " + d.length + " entries");
      }
    }
  }

  static void checkDensity(double density) {
    if (!(density > 0) || density > 1) {
      throw new IllegalArgumentException(
          "density must be in (0, 1] (the fraction of each delta's entries kept), was " + density);
    }
  }
}
