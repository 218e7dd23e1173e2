package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SplitMix64Test {
  @Test
  void matchesTheReferenceSequenceForSeedZero() {
    SplitMix64 r = new SplitMix64(0);
    assertEquals(0xE220A8397B1DCDAFL, r.nextLong());
    assertEquals(0x6E789E6AA1B965F4L, r.nextLong());
  }

  @Test
  void savedStateContinuesTheSameStream() {
    SplitMix64 a = new SplitMix64(99);
    for (int i = 0; i < 17; i++) {
      a.nextGaussian();
    }
    SplitMix64 b = new SplitMix64(a.state());
    for (int i = 0; i < 100; i++) {
      assertEquals(a.nextLong(), b.nextLong());
    }
  }

  @Test
  void boundedAndUnitDrawsStayInRange() {
    SplitMix64 r = new SplitMix64(5);
    int[] counts = new int[3];
    for (int i = 0; i < 3000; i++) {
      counts[r.nextInt(3)]++;
      double d = r.nextDouble();
      float f = r.nextFloat();
      assertTrue(d >= 0 && d < 1 && f >= 0 && f < 1);
    }
    for (int c : counts) {
      assertTrue(c > 850 && c < 1150, "roughly uniform: " + java.util.Arrays.toString(counts));
    }
    assertNotEquals(SplitMix64.mix(1, 0), SplitMix64.mix(1, 1));
  }
}
