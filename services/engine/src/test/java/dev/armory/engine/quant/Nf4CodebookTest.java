package dev.armory.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The NF4 table is the QLoRA paper's, re-derived from normal quantiles. */
class Nf4CodebookTest {
  /** The paper's offset: (1 − 1/(2·15) + 1 − 1/(2·16)) / 2, rounded as published. */
  static final double OFFSET = 0.9677083;

  /** numpy/torch linspace(start, stop, num). */
  static double[] linspace(double start, double stop, int num) {
    double[] v = new double[num];
    double step = (stop - start) / (num - 1);
    for (int i = 0; i < num; i++) {
      v[i] = start + i * step;
    }
    v[num - 1] = stop;
    return v;
  }

  /**
   * The paper's construction: 8 positive quantiles at linspace(offset, 0.5, 9)[:-1], 7 negative
   * ones at −Φ⁻¹(linspace(offset, 0.5, 8)[:-1]), and 0; sorted and divided by the largest.
   */
  static double[] derive() {
    double[] out = new double[16];
    int n = 0;
    double[] positive = linspace(OFFSET, 0.5, 9);
    for (int i = 0; i < 8; i++) {
      out[n++] = NormalDistribution.inverseCdf(positive[i]);
    }
    out[n++] = 0;
    double[] negative = linspace(OFFSET, 0.5, 8);
    for (int i = 0; i < 7; i++) {
      out[n++] = -NormalDistribution.inverseCdf(negative[i]);
    }
    Arrays.sort(out);
    double max = out[15];
    for (int i = 0; i < 16; i++) {
      out[i] /= max;
    }
    return out;
  }

  @Test
  void tableEqualsThePapersConstruction() {
    double[] derived = derive();
    double worst = 0;
    for (int i = 0; i < 16; i++) {
      worst = Math.max(worst, Math.abs(derived[i] - Nf4Codebook.value(i)));
      assertEquals(derived[i], Nf4Codebook.value(i), 1e-6, "NF4 code " + i);
    }
    System.out.printf("NF4 table vs re-derived quantiles: largest difference %.2e%n", worst);
    assertEquals(0f, Nf4Codebook.value(Nf4Codebook.ZERO_CODE));
    assertEquals(-1f, Nf4Codebook.value(0));
    assertEquals(1f, Nf4Codebook.value(15));
  }

  @Test
  void nearestCodeRoundsToNearestWithTiesDown() {
    for (int c = 0; c < 16; c++) {
      assertEquals(c, Nf4Codebook.nearestCode(Nf4Codebook.value(c)), "exact value of code " + c);
    }
    for (int c = 0; c < 15; c++) {
      double mid = ((double) Nf4Codebook.value(c) + Nf4Codebook.value(c + 1)) / 2;
      assertEquals(c, Nf4Codebook.nearestCode(mid), "tie between " + c + " and " + (c + 1));
      assertEquals(c + 1, Nf4Codebook.nearestCode(Math.nextUp(mid)));
      assertEquals(c, Nf4Codebook.nearestCode(Math.nextDown(mid)));
    }
    assertEquals(0, Nf4Codebook.nearestCode(-7));
    assertEquals(15, Nf4Codebook.nearestCode(7));
    // Brute force over a grid: the chosen code is never farther than any other code.
    for (double x = -1; x <= 1; x += 1e-4) {
      int c = Nf4Codebook.nearestCode(x);
      for (int o = 0; o < 16; o++) {
        assertTrue(Math.abs(x - Nf4Codebook.value(c)) <= Math.abs(x - Nf4Codebook.value(o)));
      }
    }
  }

  @Test
  void largestGapIsBetweenMinusOneAndTheNextCode() {
    assertEquals(1 - 0.6961928009986877, Nf4Codebook.largestGap(), 1e-7);
  }
}
