package dev.armory.engine.generate;

import java.util.Arrays;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * One request's sampler: its {@link SamplingParams}, its own seeded generator (so requests batched
 * together do not disturb each other's draws) and the set of tokens seen (repetition penalty).
 */
final class TokenSampler {
  private final SamplingParams params;
  private final SplittableRandom random;
  private final BitSet seen = new BitSet();
  private float[] scratch = new float[0];
  private int[] order = new int[0];

  TokenSampler(SamplingParams params, long seed, int[] prompt) {
    this.params = params;
    this.random = new SplittableRandom(seed);
    if (params.repetitionPenalty() != 1) {
      for (int t : prompt) {
        seen.set(t);
      }
    }
  }

  /** Records a generated token (for the repetition penalty). */
  void accept(int token) {
    if (params.repetitionPenalty() != 1) {
      seen.set(token);
    }
  }

  /**
   * The next token from {@code vocabulary} logits starting at {@code logits[offset]} (the source is
   * not modified).
   */
  int choose(java.nio.FloatBuffer logits, int offset, int vocabulary) {
    if (scratch.length != vocabulary) {
      scratch = new float[vocabulary];
    }
    logits.duplicate().position(offset).get(scratch, 0, vocabulary);
    float[] l = scratch;
    double penalty = params.repetitionPenalty();
    if (penalty != 1) {
      for (int t = seen.nextSetBit(0); t >= 0 && t < vocabulary; t = seen.nextSetBit(t + 1)) {
        l[t] = (float) (l[t] > 0 ? l[t] / penalty : l[t] * penalty);
      }
    }
    if (params.isGreedy()) {
      return argmax(l);
    }
    return sample(l);
  }

  /** The first index of the largest value (as torch.argmax). */
  static int argmax(float[] l) {
    int best = 0;
    for (int i = 1; i < l.length; i++) {
      if (l[i] > l[best]) {
        best = i;
      }
    }
    return best;
  }

  private int sample(float[] l) {
    int v = l.length;
    double temperature = params.temperature();
    int k = params.topK() > 0 ? Math.min(params.topK(), v) : v;
    // Candidates: every token in index order when nothing is cut, else the top k (or all, for
    // top-p) in descending logit order.
    int[] candidates;
    if (k == v && params.topP() >= 1) {
      if (order.length != v) {
        order = new int[v];
      }
      for (int i = 0; i < v; i++) {
        order[i] = i;
      }
      candidates = order;
    } else {
      candidates = topIndices(l, k);
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int c : candidates) {
      max = Math.max(max, l[c]);
    }
    double[] weights = new double[candidates.length];
    double sum = 0;
    for (int i = 0; i < candidates.length; i++) {
      weights[i] = Math.exp((l[candidates[i]] - max) / temperature);
      sum += weights[i];
    }
    int keep = candidates.length;
    if (params.topP() < 1) {
      double cumulative = 0;
      for (int i = 0; i < candidates.length; i++) {
        cumulative += weights[i] / sum;
        if (cumulative >= params.topP()) {
          keep = i + 1;
          break;
        }
      }
      sum = 0;
      for (int i = 0; i < keep; i++) {
        sum += weights[i];
      }
    }
    double u = random.nextDouble() * sum;
    for (int i = 0; i < keep; i++) {
      u -= weights[i];
      if (u < 0) {
        return candidates[i];
      }
    }
    return candidates[keep - 1]; // rounding left u a hair above zero
  }

  /** The indices of the k largest values, largest first (ties: lower index first). */
  private int[] topIndices(float[] l, int k) {
    int v = l.length;
    if (k == v) {
      Integer[] boxed = new Integer[v];
      for (int i = 0; i < v; i++) {
        boxed[i] = i;
      }
      Arrays.sort(
          boxed, (x, y) -> l[x] != l[y] ? Float.compare(l[y], l[x]) : Integer.compare(x, y));
      int[] out = new int[v];
      for (int i = 0; i < v; i++) {
        out[i] = boxed[i];
      }
      return out;
    }
    // A min-heap of the k best seen so far.
    int[] heap = new int[k];
    int size = 0;
    for (int i = 0; i < v; i++) {
      if (size < k) {
        heap[size++] = i;
        siftUp(heap, size - 1, l);
      } else if (better(i, heap[0], l)) {
        heap[0] = i;
        siftDown(heap, size, l);
      }
    }
    int[] out = new int[k];
    for (int i = k - 1; i >= 0; i--) {
      out[i] = heap[0];
      heap[0] = heap[--size];
      siftDown(heap, size, l);
    }
    return out;
  }

  private static boolean better(int a, int b, float[] l) {
    return l[a] > l[b] || (l[a] == l[b] && a < b);
  }

  private static void siftUp(int[] h, int i, float[] l) {
    while (i > 0) {
      int p = (i - 1) / 2;
      if (!better(h[p], h[i], l)) {
        break;
      }
      int t = h[p];
      h[p] = h[i];
      h[i] = t;
      i = p;
    }
  }

  private static void siftDown(int[] h, int size, float[] l) {
    int i = 0;
    while (true) {
      int c = 2 * i + 1;
      if (c >= size) {
        return;
      }
      if (c + 1 < size && better(h[c], h[c + 1], l)) {
        c++;
      }
      if (!better(h[i], h[c], l)) {
        return;
      }
      int t = h[c];
      h[c] = h[i];
      h[i] = t;
      i = c;
    }
  }
}
