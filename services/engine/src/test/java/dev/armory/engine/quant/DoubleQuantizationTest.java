package dev.armory.engine.quant;

import static dev.armory.engine.quant.QuantFixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class DoubleQuantizationTest {
  static final int N = 1024;
  static final int K = 1024;

  @Test
  void doubleQuantisationCutsTheAbsmaxOverheadFromHalfABitToAbout0127() {
    float[] w = gaussian(11, N * K, 0.02);
    Nf4Tensor plain = Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(w), N, K);
    Nf4Tensor dq = Nf4Quantizer.qlora(true).quantize("w", FloatBuffer.wrap(w), N, K);
    System.out.printf(
        "[%d, %d] bits/param: NF4 %.4f (absmax %.4f), NF4+DQ %.4f (absmax %.4f)%n",
        N,
        K,
        plain.bitsPerParameter(),
        plain.absmaxBitsPerParameter(),
        dq.bitsPerParameter(),
        dq.absmaxBitsPerParameter());
    assertEquals(0.5, plain.absmaxBitsPerParameter(), 1e-12);
    // 8/64 for the codes + 32/(64·256) for the scales + one 32-bit offset for the tensor.
    assertEquals(8.0 / 64 + 32.0 / (64 * 256) + 32.0 / (N * K), dq.absmaxBitsPerParameter(), 1e-12);
    assertTrue(dq.absmaxBitsPerParameter() < 0.13, "DQ absmax overhead");
    assertEquals(plain.codes(), dq.codes(), "codes are chosen with the exact absmax either way");
  }

  @Test
  void doubleQuantisedAbsmaxStaysWithinHalfAStepAndWeightsStayClose() {
    // 96·256/64 = 384 absmax values: one full block of 256 and a partial one of 128.
    int n = 96;
    int k = 256;
    float[] w = gaussian(5, n * k, 0.02);
    Nf4Tensor plain = Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(w), n, k);
    Nf4Tensor dq = Nf4Quantizer.qlora(true).quantize("w", FloatBuffer.wrap(w), n, k);
    DoubleQuantizedAbsmax parts = dq.quantizedAbsmax();
    assertEquals(384, parts.count());
    assertEquals(2, parts.scaleCount());
    double worstAbsmax = 0;
    for (int i = 0; i < parts.count(); i++) {
      float scale = parts.scales().getFloat(4 * (i / 256));
      double err = Math.abs(parts.value(i) - plain.blockAbsmax(i));
      assertTrue(err <= scale / 2 + 1e-7 * plain.blockAbsmax(i), "absmax " + i + " error " + err);
      worstAbsmax = Math.max(worstAbsmax, err / plain.blockAbsmax(i));
    }
    float[] a = QuantFixtures.toArray(plain.dequantize());
    float[] b = QuantFixtures.toArray(dq.dequantize());
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      diff += (double) (a[i] - b[i]) * (a[i] - b[i]);
      norm += (double) a[i] * a[i];
      // |code·a − code·a'| ≤ |a − a'| since |code| ≤ 1.
      assertTrue(
          Math.abs(a[i] - b[i])
              <= Math.abs(plain.blockAbsmax(i / 64) - dq.blockAbsmax(i / 64)) + 1e-9);
    }
    double relative = Math.sqrt(diff / norm);
    System.out.printf(
        "DQ: largest relative absmax error %.2e; dequantised weights differ from plain NF4 by %.2e"
            + " (relative RMS)%n",
        worstAbsmax, relative);
    assertTrue(relative < 5e-3, "DQ weights relative RMS difference " + relative);
  }
}
