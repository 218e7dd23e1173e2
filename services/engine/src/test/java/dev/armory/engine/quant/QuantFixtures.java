package dev.armory.engine.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;

/** Deterministic weights for quantisation tests. */
final class QuantFixtures {
  private QuantFixtures() {}

  /** n values from N(0, std²). */
  static float[] gaussian(long seed, int n, double std) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * std);
    }
    return v;
  }

  /** The values as little-endian float32 bytes in a direct buffer. */
  static ByteBuffer f32Bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocateDirect(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b;
  }

  static FloatBuffer floats(float[] v) {
    return FloatBuffer.wrap(v);
  }

  static float[] toArray(FloatBuffer b) {
    float[] out = new float[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** y [m, n] = x [m, k] · wᵀ with w [n, k], accumulated in double. */
  static double[] linear(float[] x, float[] w, int m, int k, int n) {
    double[] y = new double[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int t = 0; t < k; t++) {
          s += (double) x[i * k + t] * w[j * k + t];
        }
        y[i * n + j] = s;
      }
    }
    return y;
  }
}
