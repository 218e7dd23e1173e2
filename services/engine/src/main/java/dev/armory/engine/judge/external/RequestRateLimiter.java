package dev.armory.engine.judge.external;

import java.util.concurrent.TimeUnit;

/**
 * Spaces request starts at least 1/rate seconds apart, across threads: each caller reserves the
 * next free start time and sleeps until it. No bursts, so a server's per-second limit is never hit
 * by this client alone.
 */
final class RequestRateLimiter {
  private final long intervalNanos;
  private long nextStart = Long.MIN_VALUE;

  /** {@code requestsPerSecond <= 0}: no limit. */
  RequestRateLimiter(double requestsPerSecond) {
    this.intervalNanos = requestsPerSecond > 0 ? (long) Math.ceil(1e9 / requestsPerSecond) : 0;
  }

  /** Blocks until this request may start. */
  void acquire() throws InterruptedException {
    long wait = reserve();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private long reserve() {
    return reserve(System.nanoTime());
  }

  /** Reserves the next start at or after {@code now} (nanoTime) and returns the wait in nanos. */
  synchronized long reserve(long now) {
    if (intervalNanos == 0) {
      return 0;
    }
    long start = nextStart == Long.MIN_VALUE || nextStart - now < 0 ? now : nextStart;
    nextStart = start + intervalNanos;
    return start - now;
  }
}
