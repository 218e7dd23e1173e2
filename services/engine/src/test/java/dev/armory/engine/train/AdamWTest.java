package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AdamWTest {
  static final double LR = 0.01;
  static final double WD = 0.1;

  @Test
  void firstStepMovesEachWeightByLrAgainstTheGradientSignAfterDecay() {
    // At t=1 bias correction makes m̂ = g and v̂ = g², so the step is lr·g/(|g|+ε) ≈ lr·sign(g).
    Parameters p = new Parameters();
    p.add("w", new long[] {3}, new float[] {1.0f, -2.0f, 0.5f});
    Parameters g = p.zerosLike();
    g.get("w").set(new float[] {0.3f, -4.0f, 1e-3f});
    AdamW adam = new AdamW(p, 0.9, 0.999, 1e-8, WD);
    adam.step(p, g, LR);
    float[] w = p.get("w").toArray();
    assertEquals(1.0 * (1 - LR * WD) - LR, w[0], 1e-6);
    assertEquals(-2.0 * (1 - LR * WD) + LR, w[1], 1e-6);
    assertEquals(0.5 * (1 - LR * WD) - LR * 1e-3 / (1e-3 + 1e-8), w[2], 1e-6);
    assertEquals(1, adam.stepCount());
  }

  @Test
  void threeStepsMatchAHandComputedDoubleReference() {
    float[] init = {0.5f, -1.5f, 2.0f, 0.0f};
    float[][] gradients = {
      {0.1f, -0.2f, 0.3f, -0.4f}, {-0.5f, 0.25f, 0.0f, 1.0f}, {0.05f, 0.05f, -2.0f, 0.5f}
    };
    double[] lrs = {0.01, 0.02, 0.005};
    Parameters p = new Parameters();
    p.add("w", new long[] {2, 2}, init);
    Parameters g = p.zerosLike();
    AdamW adam = new AdamW(p, 0.9, 0.999, 1e-8, WD);

    double[] ref = new double[4];
    double[] m = new double[4];
    double[] v = new double[4];
    for (int i = 0; i < 4; i++) {
      ref[i] = init[i];
    }
    for (int t = 1; t <= 3; t++) {
      g.get("w").set(gradients[t - 1]);
      adam.step(p, g, lrs[t - 1]);
      double lr = lrs[t - 1];
      for (int i = 0; i < 4; i++) {
        double gi = gradients[t - 1][i];
        ref[i] -= lr * WD * ref[i]; // decoupled decay
        m[i] = 0.9 * m[i] + 0.1 * gi;
        v[i] = 0.999 * v[i] + 0.001 * gi * gi;
        double mHat = m[i] / (1 - Math.pow(0.9, t));
        double vHat = v[i] / (1 - Math.pow(0.999, t));
        ref[i] -= lr * mHat / (Math.sqrt(vHat) + 1e-8);
      }
      float[] got = p.get("w").toArray();
      for (int i = 0; i < 4; i++) {
        assertEquals(ref[i], got[i], 1e-6, "step " + t + " element " + i);
        assertEquals(m[i], adam.firstMoments().get("w").data().get(i), 1e-7);
        assertEquals(v[i], adam.secondMoments().get("w").data().get(i), 1e-9);
      }
    }
    assertEquals(3, adam.stepCount());
  }

  @Test
  void zeroGradientWithoutDecayLeavesWeightsAlone() {
    Parameters p = new Parameters();
    p.add("w", new long[] {2}, new float[] {1f, 2f});
    AdamW adam = new AdamW(p, 0.9, 0.999, 1e-8, 0.0);
    adam.step(p, p.zerosLike(), 0.1);
    assertEquals(1f, p.get("w").data().get(0));
    assertEquals(2f, p.get("w").data().get(1));
  }
}
