package dev.armory.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The hand-written Φ and Φ⁻¹ against tabulated values. */
class NormalDistributionTest {
  @Test
  void cdfMatchesTabulatedValues() {
    assertEquals(0.5, NormalDistribution.cdf(0), 1e-16);
    assertEquals(0.8413447460685429, NormalDistribution.cdf(1), 1e-15);
    assertEquals(0.9772498680518208, NormalDistribution.cdf(2), 1e-15);
    assertEquals(1.3498980316300946e-3, NormalDistribution.cdf(-3), 1e-16);
    assertEquals(2.866515718791939e-7, NormalDistribution.cdf(-5), 1e-20);
  }

  @Test
  void inverseCdfMatchesTabulatedQuantilesTo1e9() {
    double[][] pairs = {
      {0.5, 0},
      {0.9, 1.2815515655446004},
      {0.975, 1.959963984540054},
      {0.99, 2.3263478740408408},
      {0.01, -2.3263478740408408},
      {1e-10, -6.361340902404056},
    };
    double worst = 0;
    for (double[] pq : pairs) {
      double x = NormalDistribution.inverseCdf(pq[0]);
      worst = Math.max(worst, Math.abs(x - pq[1]));
      assertEquals(pq[1], x, 1e-9, "quantile of " + pq[0]);
    }
    System.out.printf("inverse normal CDF: largest error vs tabulated quantiles %.2e%n", worst);
  }

  @Test
  void inverseCdfInvertsCdf() {
    for (double p = 0.001; p < 1; p += 0.0137) {
      assertEquals(p, NormalDistribution.cdf(NormalDistribution.inverseCdf(p)), 1e-14, "p " + p);
    }
  }
}
