package dev.armory.engine.train;

/**
 * A small deterministic random stream (Steele, Lea &amp; Flood's SplitMix64) whose whole state is
 * one long, so a checkpoint can save it and a resumed run draws exactly the numbers the
 * uninterrupted run would have drawn. Not for cryptography.
 */
public final class SplitMix64 {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private long state;

  public SplitMix64(long seed) {
    this.state = seed;
  }

  /** The state to save; {@code new SplitMix64(state())} continues the same stream. */
  public long state() {
    return state;
  }

  /** Mixes two values into a seed, e.g. (run seed, epoch) for a per-epoch shuffle. */
  public static long mix(long a, long b) {
    return finish(finish(a + GOLDEN_GAMMA) ^ (b * GOLDEN_GAMMA));
  }

  public long nextLong() {
    state += GOLDEN_GAMMA;
    return finish(state);
  }

  private static long finish(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, bound), without modulo bias. */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be > 0, got " + bound);
    }
    // Lemire's multiply-shift with rejection of the short first interval.
    long r = nextLong() >>> 32;
    long product = r * bound;
    long low = product & 0xFFFFFFFFL;
    if (low < bound) {
      long threshold = (0x100000000L - bound) % bound;
      while (low < threshold) {
        r = nextLong() >>> 32;
        product = r * bound;
        low = product & 0xFFFFFFFFL;
      }
    }
    return (int) (product >>> 32);
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, 1) with 24 random bits. */
  public float nextFloat() {
    return (nextLong() >>> 40) * 0x1.0p-24f;
  }

  /**
   * Standard normal by Box–Muller; draws two uniforms and keeps no spare, so state stays a long.
   */
  public double nextGaussian() {
    double u1 = 1.0 - nextDouble(); // (0, 1], safe for log
    double u2 = nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Shuffles {@code a} in place (Fisher–Yates). */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
