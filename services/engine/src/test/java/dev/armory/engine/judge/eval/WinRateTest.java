package dev.armory.engine.judge.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Win rates and Wilson intervals against values computed by hand. */
class WinRateTest {
  static final double EPS = 5e-5;

  @Test
  void normalQuantileMatchesTables() {
    assertEquals(1.959964, WilsonInterval.normalQuantile(0.975), 1e-6);
    assertEquals(1.644854, WilsonInterval.normalQuantile(0.95), 1e-6);
    assertEquals(2.575829, WilsonInterval.normalQuantile(0.995), 1e-6);
    assertEquals(0.0, WilsonInterval.normalQuantile(0.5), 1e-12);
    assertEquals(-2.326348, WilsonInterval.normalQuantile(0.01), 1e-6);
  }

  @Test
  void wilsonIntervalForSevenOfTen() {
    // z = 1.959964, z² = 3.841459: centre = (0.7 + 0.192073) / 1.384146 = 0.644490,
    // half = 1.959964 / 1.384146 · √(0.021 + 0.009604) = 0.247723 → [0.3968, 0.8922].
    WilsonInterval ci = WilsonInterval.of(7, 10, 0.95);
    assertEquals(0.39677, ci.lower(), EPS);
    assertEquals(0.89222, ci.upper(), EPS);
  }

  @Test
  void wilsonIntervalAtTheEdges() {
    // 0 of 10: [0, z²/(n + z²)] = [0, 3.841459 / 13.841459] = [0, 0.27753].
    WilsonInterval none = WilsonInterval.of(0, 10, 0.95);
    assertEquals(0, none.lower(), 1e-12);
    assertEquals(0.27753, none.upper(), EPS);
    // 10 of 10 mirrors it.
    WilsonInterval all = WilsonInterval.of(10, 10, 0.95);
    assertEquals(0.72247, all.lower(), EPS);
    assertEquals(1, all.upper(), 1e-12);
    assertEquals(new WilsonInterval(0, 1), WilsonInterval.of(0, 0, 0.95));
  }

  @Test
  void tiesCountHalfOrAreExcluded() {
    // 6 wins, 2 losses, 2 ties, 1 excluded.
    WinRate half = new WinRate(6, 2, 2, 1, TieHandling.HALF, 0.95);
    assertEquals(10, half.n());
    assertEquals(7.0, half.successes());
    assertEquals(0.7, half.rate(), 1e-12);
    assertEquals(WilsonInterval.of(7, 10, 0.95), half.interval());

    WinRate excluded = new WinRate(6, 2, 2, 1, TieHandling.EXCLUDE, 0.95);
    assertEquals(8, excluded.n());
    assertEquals(0.75, excluded.rate(), 1e-12);
    // 6 of 8: z²/n = 0.480182, centre = (0.75 + 0.240091) / 1.480182 = 0.668899,
    // half = 1.959964 / 1.480182 · √(0.0234375 + 0.0150057) = 0.259620 → [0.4093, 0.9285].
    assertEquals(0.40928, excluded.interval().lower(), EPS);
    assertEquals(0.92852, excluded.interval().upper(), EPS);

    WinRate empty = new WinRate(0, 0, 3, 0, TieHandling.EXCLUDE, 0.9);
    assertTrue(Double.isNaN(empty.rate()));
    assertEquals(new WilsonInterval(0, 1), empty.interval());
  }

  @Test
  void aHigherConfidenceWidensTheInterval() {
    WilsonInterval ci90 = WilsonInterval.of(30, 50, 0.90);
    WilsonInterval ci99 = WilsonInterval.of(30, 50, 0.99);
    assertTrue(ci99.lower() < ci90.lower() && ci99.upper() > ci90.upper());
  }
}
