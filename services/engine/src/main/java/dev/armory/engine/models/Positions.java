package dev.armory.engine.models;

/** Position ids from an attention mask, as Hugging Face generation computes them. */
public final class Positions {
  private Positions() {}

  /**
   * Each token's position counts the real tokens before it (cumsum(mask) − 1), so left padding does
   * not shift positions; padding positions get 0 (any value would do, they are masked).
   *
   * @param mask [batch][seq] 1 for tokens, 0 for padding
   */
  public static long[] fromMask(long[] mask, int batch, int seq) {
    long[] pos = new long[batch * seq];
    for (int bi = 0; bi < batch; bi++) {
      long count = 0;
      for (int t = 0; t < seq; t++) {
        int i = bi * seq + t;
        if (mask[i] != 0) {
          pos[i] = count++;
        }
      }
    }
    return pos;
  }
}
