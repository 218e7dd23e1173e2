package dev.armory.engine.data;

import java.util.SplittableRandom;

/**
 * The order examples are visited in: a permutation fixed by seed and epoch, so a resumed run that
 * knows (epoch, index) sees exactly the examples the uninterrupted run saw.
 */
public final class Shuffle {
  private Shuffle() {}

  /** A permutation of {@code 0..n-1} for {@code epoch} (Fisher–Yates over a seeded generator). */
  public static int[] permutation(int n, long seed, int epoch) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
