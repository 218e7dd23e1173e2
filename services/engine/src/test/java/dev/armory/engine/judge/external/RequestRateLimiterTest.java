package dev.armory.engine.judge.external;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The limiter's schedule with explicit times, so the spacing is exact rather than measured. */
class RequestRateLimiterTest {
  static final long MS = 1_000_000L;

  @Test
  void callersArrivingTogetherAreSpacedOneIntervalApart() {
    RequestRateLimiter limiter = new RequestRateLimiter(5);
    assertEquals(0, limiter.reserve(1_000 * MS));
    assertEquals(200 * MS, limiter.reserve(1_000 * MS));
    assertEquals(400 * MS, limiter.reserve(1_000 * MS));
    assertEquals(550 * MS, limiter.reserve(1_050 * MS));
  }

  @Test
  void anIdleGapIsNotBankedAsABurst() {
    RequestRateLimiter limiter = new RequestRateLimiter(5);
    assertEquals(0, limiter.reserve(0));
    assertEquals(0, limiter.reserve(5_000 * MS));
    assertEquals(200 * MS, limiter.reserve(5_000 * MS));
  }

  @Test
  void aRateOfZeroMeansNoLimit() {
    RequestRateLimiter limiter = new RequestRateLimiter(0);
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.reserve(7 * MS));
    }
  }
}
