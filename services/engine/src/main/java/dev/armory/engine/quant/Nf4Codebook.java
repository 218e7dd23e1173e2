package dev.armory.engine.quant;

/**
 * The 4-bit NormalFloat (NF4) code table of the QLoRA paper (Dettmers et al., 2023): 16 values in
 * [-1, 1], quantiles of N(0, 1) normalised by the largest, with an exact zero. Code {@code i}
 * (0..15) means {@code value(i)}; codes are ordered by value, so code 7 is 0 and code 15 is 1.
 *
 * <p>Rounding goes to the nearest value; a value exactly halfway between two neighbours goes to the
 * lower (more negative) one, as the comparisons {@code x > midpoint} in bitsandbytes and ONNX
 * Runtime do.
 */
public final class Nf4Codebook {
  /** Number of codes. */
  public static final int SIZE = 16;

  /** The code of 0.0. */
  public static final int ZERO_CODE = 7;

  // The published float32 values (bitsandbytes' NF4 map, the paper's construction with offset
  // 0.9677083 evaluated in float32); Nf4CodebookTest re-derives them from the normal quantiles.
  private static final float[] VALUES = {
    -1.0f,
    -0.6961928009986877f,
    -0.5250730514526367f,
    -0.39491748809814453f,
    -0.28444138169288635f,
    -0.18477343022823334f,
    -0.09105003625154495f,
    0.0f,
    0.07958029955625534f,
    0.16093020141124725f,
    0.24611230194568634f,
    0.33791524171829224f,
    0.44070982933044434f,
    0.5626170039176941f,
    0.7229568362236023f,
    1.0f,
  };

  /** MIDPOINTS[i] lies halfway between VALUES[i] and VALUES[i + 1] (in double precision). */
  private static final double[] MIDPOINTS = new double[SIZE - 1];

  static {
    for (int i = 0; i < SIZE - 1; i++) {
      MIDPOINTS[i] = ((double) VALUES[i] + (double) VALUES[i + 1]) / 2;
    }
  }

  private Nf4Codebook() {}

  /** The value of code {@code code} (0..15). */
  public static float value(int code) {
    return VALUES[code];
  }

  /** A copy of the 16 values, in code order. */
  public static float[] values() {
    return VALUES.clone();
  }

  /**
   * The code nearest to {@code x} (a weight divided by its block's absmax, so normally in [-1, 1];
   * values outside clamp to the end codes). Ties go to the lower code.
   */
  public static int nearestCode(double x) {
    // Binary search for the number of midpoints strictly below x: that count is the code.
    int lo = 0;
    int hi = SIZE - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (x > MIDPOINTS[mid]) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The largest distance between adjacent values (between -1 and the next value up). */
  public static double largestGap() {
    double g = 0;
    for (int i = 0; i < SIZE - 1; i++) {
      g = Math.max(g, (double) VALUES[i + 1] - VALUES[i]);
    }
    return g;
  }
}
