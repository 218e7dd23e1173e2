package dev.armory.engine.models;

/**
 * Layer kernels shared by the plain-Java references, written as straightforward loops in double
 * precision. Letters: T sequence length, C channels in, O channels out, H query heads, KV key/value
 * heads, D head size. Activations are row-major flat arrays, one row per token.
 */
final class ReferenceLayers {
  private ReferenceLayers() {}

  /**
   * out[t][o] = sum_c x[t][c] * w[o][c] + bias[o]: PyTorch's Linear, weight stored [O, C].
   *
   * @param x [T, C]
   * @param w [O, C]
   * @param bias [O] or null
   * @return [T, O]
   */
  static double[] linear(double[] x, int T, int C, double[] w, double[] bias, int O) {
    double[] out = new double[T * O];
    for (int t = 0; t < T; t++) {
      for (int o = 0; o < O; o++) {
        double s = bias == null ? 0 : bias[o];
        for (int c = 0; c < C; c++) {
          s += x[t * C + c] * w[o * C + c];
        }
        out[t * O + o] = s;
      }
    }
    return out;
  }

  /**
   * out[t][o] = sum_c x[t][c] * w[c][o] + bias[o]: GPT-2's Conv1D, weight stored [C, O] (the
   * transpose of a Linear's).
   *
   * @param x [T, C]
   * @param w [C, O]
   * @param bias [O]
   * @return [T, O]
   */
  static double[] conv1d(double[] x, int T, int C, double[] w, double[] bias, int O) {
    double[] out = new double[T * O];
    for (int t = 0; t < T; t++) {
      for (int o = 0; o < O; o++) {
        double s = bias[o];
        for (int c = 0; c < C; c++) {
          s += x[t * C + c] * w[c * O + o];
        }
        out[t * O + o] = s;
      }
    }
    return out;
  }

  /** x += y elementwise (the residual stream). */
  static void addInPlace(double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      x[i] += y[i];
    }
  }

  /**
   * Scaled dot-product attention with grouped-query heads for one sequence. Query i sees key j iff
   * j &lt;= i (causal, by index), mask[j] is 1 (not padding) and, with a window W &gt; 0, i - j
   * &lt; W (Hugging Face's sliding-window convention: the window counts the query itself). Query
   * head h reads key/value head h / (H / KV), as repeat_kv does. A query that sees no key (a
   * padding query whose row is empty) gets zeros; its output is never compared.
   *
   * @param q [T, H*D]
   * @param k [T, KV*D]
   * @param v [T, KV*D]
   * @param mask [T] 1 for tokens, 0 for padding
   * @param window sliding window in tokens, or 0 for none
   * @return [T, H*D]
   */
  static double[] attention(
      double[] q, double[] k, double[] v, long[] mask, int T, int H, int KV, int D, int window) {
    double[] out = new double[T * H * D];
    double scale = 1.0 / Math.sqrt(D);
    int groups = H / KV;
    double[] scores = new double[T];
    for (int h = 0; h < H; h++) {
      int kvh = h / groups;
      for (int i = 0; i < T; i++) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < T; j++) {
          boolean visible = j <= i && mask[j] != 0 && (window <= 0 || i - j < window);
          if (!visible) {
            scores[j] = Double.NEGATIVE_INFINITY;
            continue;
          }
          double s = 0;
          for (int d = 0; d < D; d++) {
            s += q[(i * H + h) * D + d] * k[(j * KV + kvh) * D + d];
          }
          scores[j] = s * scale;
          max = Math.max(max, scores[j]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
          continue; // nothing visible: a padding query
        }
        double sum = 0;
        for (int j = 0; j < T; j++) {
          scores[j] = scores[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (int j = 0; j < T; j++) {
          double p = scores[j] / sum;
          if (p == 0) {
            continue;
          }
          for (int d = 0; d < D; d++) {
            out[(i * H + h) * D + d] += p * v[(j * KV + kvh) * D + d];
          }
        }
      }
    }
    return out;
  }

  /** The first index of the largest value (ONNX ArgMax's and torch.argmax's tie rule). */
  static int argmax(double[] row) {
    int best = 0;
    for (int i = 1; i < row.length; i++) {
      if (row[i] > row[best]) {
        best = i;
      }
    }
    return best;
  }
}
