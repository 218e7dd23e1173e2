package dev.armory.engine.quant;

import static dev.armory.engine.quant.QuantFixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.numeric.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class Nf4QuantizerTest {
  static final int N = 96; // out features
  static final int K = 256; // in features

  /**
   * Rounding to the nearest of 16 codes scaled by a block's absmax a errs by at most half the gap
   * between the two codes around the value, so |w − ŵ| ≤ a·g/2 with g the largest gap (1 − 0.6962 ≈
   * 0.304, between −1 and the next code): 0.152·a. The float32 product code·a adds at most one
   * rounding (a·2⁻²⁴).
   */
  @Test
  void gaussianWeightsDequantiseWithinHalfTheLargestGapTimesAbsmax() {
    float[] w = gaussian(7, N * K, 0.02);
    Nf4Tensor q = Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(w), N, K);
    float[] back = QuantFixtures.toArray(q.dequantize());
    double halfGap = Nf4Codebook.largestGap() / 2;
    double worstRatio = 0;
    double squared = 0;
    double signal = 0;
    for (int i = 0; i < w.length; i++) {
      double a = q.blockAbsmax(i / q.blockSize());
      double err = Math.abs(w[i] - back[i]);
      assertTrue(
          err <= a * halfGap + a * 0x1p-24, "element " + i + ": error " + err + " absmax " + a);
      worstRatio = Math.max(worstRatio, err / a);
      squared += err * err;
      signal += (double) w[i] * w[i];
    }
    double rms = Math.sqrt(squared / w.length);
    System.out.printf(
        "NF4 block 64 on N(0, 0.02²) [%d, %d]: max |err|/absmax %.4f (bound %.4f), RMS error %.3e"
            + " (%.2f%% of RMS weight)%n",
        N, K, worstRatio, halfGap, rms, 100 * rms / Math.sqrt(signal / w.length));
    // NF4 is information-theoretically tuned to Gaussians: the RMS error is about a tenth of the
    // weights' RMS (measured 0.092 here); a wrong table or a wrong scale makes it several times
    // worse.
    assertTrue(rms / Math.sqrt(signal / w.length) < 0.11, "relative RMS " + rms);
  }

  @Test
  void firstElementOfEachPairSitsInTheHighNibble() {
    float[] w = new float[16];
    w[0] = 1f; // code 15
    w[1] = -1f; // code 0
    w[2] = 0f; // code 7
    w[3] = 0.5626170039176941f; // code 13
    Nf4Tensor q = new Nf4Quantizer(16, false).quantize("w", FloatBuffer.wrap(w), 1, 16);
    ByteBuffer codes = q.codes();
    assertEquals(0xF0, codes.get(0) & 0xff);
    assertEquals(0x7D, codes.get(1) & 0xff);
    assertEquals(0x77, codes.get(2) & 0xff);
    assertEquals(1f, q.blockAbsmax(0));
    assertEquals(15, q.code(0));
    assertEquals(0, q.code(1));
  }

  @Test
  void blocksAreFlatOverRowMajorElements() {
    // K = 32 with block 64: one block spans two rows, so row 1 shares row 0's absmax.
    float[] w = new float[4 * 32];
    w[0] = 8f;
    w[32 + 5] = 1f;
    w[64] = 2f;
    Nf4Tensor q = Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(w), 4, 32);
    assertEquals(2, q.blockCount());
    assertEquals(8f, q.blockAbsmax(0));
    assertEquals(2f, q.blockAbsmax(1));
    assertEquals(Nf4Codebook.nearestCode(1.0 / 8), q.code(32 + 5));
  }

  @Test
  void halfPrecisionSourcesQuantiseLikeTheirFloatValues() {
    float[] w = gaussian(3, N * K, 0.05);
    ByteBuffer bf16 = ByteBuffer.allocateDirect(8 + 2 * w.length).order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer fp16 = ByteBuffer.allocateDirect(8 + 2 * w.length).order(ByteOrder.LITTLE_ENDIAN);
    float[] bf16Values = new float[w.length];
    float[] fp16Values = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      short b = HalfFloat.floatToBf16(w[i]);
      short h = HalfFloat.floatToFp16(w[i]);
      bf16.putShort(8 + 2 * i, b);
      fp16.putShort(8 + 2 * i, h);
      bf16Values[i] = HalfFloat.bf16ToFloat(b);
      fp16Values[i] = HalfFloat.fp16ToFloat(h);
    }
    // The tensor starts 8 bytes into the buffer, as tensors do inside a safetensors file.
    bf16.position(8);
    fp16.position(8);
    Nf4Quantizer quantizer = Nf4Quantizer.qlora(true);
    assertSame(
        quantizer.quantize("f32", QuantFixtures.f32Bytes(bf16Values), ElementType.FLOAT, N, K),
        quantizer.quantize("bf16", bf16, ElementType.BFLOAT16, N, K));
    assertSame(
        quantizer.quantize("f32", FloatBuffer.wrap(fp16Values), N, K),
        quantizer.quantize("fp16", fp16, ElementType.FLOAT16, N, K));
    assertEquals(8, bf16.position(), "the source buffer's position is left alone");
  }

  static void assertSame(Nf4Tensor expected, Nf4Tensor actual) {
    assertEquals(expected.codes(), actual.codes(), "packed codes");
    assertArrayEquals(
        expected.quantizedAbsmax().values(), actual.quantizedAbsmax().values(), "absmax");
  }

  @Test
  void plainNf4StoresFourAndAHalfBitsPerWeight() {
    Nf4Tensor q =
        Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(gaussian(1, N * K, 1)), N, K);
    assertEquals(N * K / 2, q.codes().remaining());
    assertEquals(4L * N * K / 64, q.absmaxByteSize());
    assertEquals(4.5, q.bitsPerParameter(), 1e-12);
    assertEquals(0.5, q.absmaxBitsPerParameter(), 1e-12);
  }

  @Test
  void allZeroBlockGetsZeroAbsmaxAndTheZeroCode() {
    Nf4Tensor q = new Nf4Quantizer(16, false).quantize("w", FloatBuffer.wrap(new float[32]), 2, 16);
    assertEquals(0f, q.blockAbsmax(0));
    assertEquals(Nf4Codebook.ZERO_CODE, q.code(5));
    assertEquals(0f, q.dequantize().get(5));
  }

  @Test
  void badInputsAreRejectedNamingTheTensor() {
    Nf4Quantizer q = Nf4Quantizer.qlora(false);
    QuantizationException notDivisible =
        assertThrows(
            QuantizationException.class,
            () -> q.quantize("layers.0.q_proj", FloatBuffer.wrap(new float[3 * 30]), 3, 30));
    assertTrue(notDivisible.getMessage().contains("layers.0.q_proj"), notDivisible.getMessage());
    assertTrue(
        notDivisible.getMessage().contains("not a multiple of the block size 64"),
        notDivisible.getMessage());

    QuantizationException blockSize =
        assertThrows(QuantizationException.class, () -> new Nf4Quantizer(48, false));
    assertTrue(blockSize.getMessage().contains("16, 32, 64, 128 and 256"), blockSize.getMessage());

    QuantizationException dtype =
        assertThrows(
            QuantizationException.class,
            () -> q.quantize("w", ByteBuffer.allocate(8 * 64), ElementType.INT64, 1, 64));
    assertTrue(dtype.getMessage().contains("INT64"), dtype.getMessage());
    assertTrue(dtype.getMessage().contains("FLOAT, FLOAT16 or BFLOAT16"), dtype.getMessage());

    QuantizationException shape =
        assertThrows(
            QuantizationException.class,
            () -> q.quantize("w", ByteBuffer.allocate(2 * 64), ElementType.FLOAT, 2, 64));
    assertTrue(shape.getMessage().contains("needs 512 bytes"), shape.getMessage());

    float[] w = new float[128];
    w[64 + 3] = Float.NaN;
    QuantizationException nan =
        assertThrows(
            QuantizationException.class, () -> q.quantize("w", FloatBuffer.wrap(w), 2, 64));
    assertTrue(nan.getMessage().contains("element [1, 3] is NaN"), nan.getMessage());
  }
}
