package dev.armory.engine.nn;

/**
 * Rotary position embedding tables in the rotate-half convention: for position p and channel i of a
 * head of size D, angle = p · invFreq[i mod D/2]. Frequencies may be rescaled (linear, llama3).
 */
public final class RotaryTables {
  /** How the base frequencies are rescaled for long contexts. */
  public sealed interface Scaling {
    /** Positions divided by {@code factor}. */
    record Linear(double factor) implements Scaling {}

    /** Llama 3's piecewise rescaling by wavelength. */
    record Llama3(
        double factor,
        double lowFreqFactor,
        double highFreqFactor,
        int originalMaxPositionEmbeddings)
        implements Scaling {}
  }

  private RotaryTables() {}

  /** The D/2 inverse frequencies θ^(-2i/D), rescaled when {@code scaling} is not null. */
  public static double[] inverseFrequencies(int headDim, double theta, Scaling scaling) {
    if (headDim % 2 != 0) {
      throw new IllegalArgumentException("rotary embedding needs an even head_dim, got " + headDim);
    }
    int half = headDim / 2;
    double[] inv = new double[half];
    for (int i = 0; i < half; i++) {
      inv[i] = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
    }
    if (scaling instanceof Scaling.Linear l) {
      for (int i = 0; i < half; i++) {
        inv[i] /= l.factor();
      }
    } else if (scaling instanceof Scaling.Llama3 s) {
      double lowFreqWavelen = s.originalMaxPositionEmbeddings() / s.lowFreqFactor();
      double highFreqWavelen = s.originalMaxPositionEmbeddings() / s.highFreqFactor();
      for (int i = 0; i < half; i++) {
        double wavelen = 2 * Math.PI / inv[i];
        if (wavelen > lowFreqWavelen) {
          inv[i] /= s.factor();
        } else if (wavelen >= highFreqWavelen) {
          double smooth =
              (s.originalMaxPositionEmbeddings() / wavelen - s.lowFreqFactor())
                  / (s.highFreqFactor() - s.lowFreqFactor());
          inv[i] = (1 - smooth) * inv[i] / s.factor() + smooth * inv[i];
        }
      }
    }
    return inv;
  }

  /** cos and sin tables [positions, headDim], row p holding cos/sin(p · invFreq[i mod D/2]). */
  public static float[][] cosSin(int positions, int headDim, double theta, Scaling scaling) {
    double[] inv = inverseFrequencies(headDim, theta, scaling);
    int half = headDim / 2;
    float[] cos = new float[positions * headDim];
    float[] sin = new float[positions * headDim];
    for (int p = 0; p < positions; p++) {
      for (int i = 0; i < headDim; i++) {
        // HF computes the angle in float32; do the same so long positions round alike.
        float angle = (float) p * (float) inv[i % half];
        cos[p * headDim + i] = (float) Math.cos(angle);
        sin[p * headDim + i] = (float) Math.sin(angle);
      }
    }
    return new float[][] {cos, sin};
  }
}
