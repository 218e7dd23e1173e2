package dev.armory.engine.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GradientClippingTest {
  static Parameters grads(float[] a, float[] b) {
    Parameters g = new Parameters();
    g.add("a", new long[] {a.length}, a);
    g.add("b", new long[] {b.length}, b);
    return g;
  }

  @Test
  void globalNormSpansAllTensorsAndClipScalesThemTogether() {
    Parameters g = grads(new float[] {3f}, new float[] {0f, 4f});
    assertEquals(5.0, GradientClipping.globalNorm(g), 1e-12);
    double before = GradientClipping.clip(g, 1.0);
    assertEquals(5.0, before, 1e-12);
    assertArrayEquals(new float[] {0.6f}, g.get("a").toArray(), 1e-6f);
    assertArrayEquals(new float[] {0f, 0.8f}, g.get("b").toArray(), 1e-6f);
    assertEquals(1.0, GradientClipping.globalNorm(g), 1e-6);
  }

  @Test
  void smallNormsAndDisabledClippingLeaveGradientsAlone() {
    Parameters g = grads(new float[] {0.3f}, new float[] {0.4f});
    assertEquals(0.5, GradientClipping.clip(g, 1.0), 1e-7);
    assertArrayEquals(new float[] {0.3f}, g.get("a").toArray());
    Parameters big = grads(new float[] {30f}, new float[] {40f});
    assertEquals(50.0, GradientClipping.clip(big, 0.0), 1e-9);
    assertArrayEquals(new float[] {40f}, big.get("b").toArray());
  }

  @Test
  void nonFiniteNormIsReturnedAndNothingIsScaled() {
    Parameters g = grads(new float[] {Float.NaN}, new float[] {40f});
    assertTrue(Double.isNaN(GradientClipping.clip(g, 1.0)));
    assertArrayEquals(new float[] {40f}, g.get("b").toArray());
  }
}
