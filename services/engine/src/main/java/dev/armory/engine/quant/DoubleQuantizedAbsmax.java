package dev.armory.engine.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Block absmax values stored in 8 bits (QLoRA's double quantisation): the mean of all absmax values
 * is subtracted first ({@code offset}, as bitsandbytes does), then each block of {@code blockSize}
 * consecutive absmax values gets its own float32 scale and signed 8-bit codes, so {@code absmax[i]
 * ≈ codes[i]·scales[i / blockSize] + offset} (evaluated in float32: product, then sum).
 *
 * <p>Codes are linear int8 in [-127, 127] with scale = max|absmax − offset| / 127 per block,
 * rounded half to even. (bitsandbytes uses its non-linear "dynamic" 8-bit map here; linear codes
 * keep the in-graph expansion to a Cast, a Mul and an Add, and their error, half a step, is far
 * below the NF4 error they feed into.)
 *
 * @param count number of absmax values
 * @param blockSize absmax values per scale (256 in QLoRA)
 * @param codes int8 [count]
 * @param scales float32 little-endian [ceil(count / blockSize)]
 * @param offset the mean of the original absmax values
 */
public record DoubleQuantizedAbsmax(
    int count, int blockSize, ByteBuffer codes, ByteBuffer scales, float offset) {

  public DoubleQuantizedAbsmax {
    if (count <= 0 || blockSize <= 0) {
      throw new QuantizationException(
          "double-quantised absmax needs count > 0 and block size > 0, got count "
              + count
              + " and block size "
              + blockSize);
    }
    if (codes.remaining() != count) {
      throw new QuantizationException(
          "double-quantised absmax: " + count + " codes expected, got " + codes.remaining());
    }
    long scaleBytes = 4L * scaleCount(count, blockSize);
    if (scales.remaining() != scaleBytes) {
      throw new QuantizationException(
          "double-quantised absmax: "
              + scaleCount(count, blockSize)
              + " float32 scales ("
              + scaleBytes
              + " bytes) expected, got "
              + scales.remaining()
              + " bytes");
    }
    codes = codes.slice().asReadOnlyBuffer();
    scales = scales.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Quantises {@code absmax} (non-negative, finite) into 8-bit codes with one scale per {@code
   * blockSize} values.
   */
  public static DoubleQuantizedAbsmax quantize(FloatBuffer absmax, int blockSize) {
    int n = absmax.remaining();
    int base = absmax.position();
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += absmax.get(base + i);
    }
    float offset = (float) (sum / n);
    int nScales = scaleCount(n, blockSize);
    ByteBuffer codes = ByteBuffer.allocateDirect(n);
    ByteBuffer scales = ByteBuffer.allocateDirect(4 * nScales).order(ByteOrder.LITTLE_ENDIAN);
    for (int s = 0; s < nScales; s++) {
      int from = s * blockSize;
      int to = Math.min(n, from + blockSize);
      double largest = 0;
      for (int i = from; i < to; i++) {
        largest = Math.max(largest, Math.abs((double) absmax.get(base + i) - offset));
      }
      float scale = (float) (largest / 127);
      scales.putFloat(4 * s, scale);
      for (int i = from; i < to; i++) {
        double q = scale == 0 ? 0 : Math.rint(((double) absmax.get(base + i) - offset) / scale);
        codes.put(i, (byte) Math.max(-127, Math.min(127, q)));
      }
    }
    return new DoubleQuantizedAbsmax(n, blockSize, codes, scales, offset);
  }

  static int scaleCount(int count, int blockSize) {
    return (count + blockSize - 1) / blockSize;
  }

  /** Number of float32 scales. */
  public int scaleCount() {
    return scaleCount(count, blockSize);
  }

  /** The int8 codes (a fresh read-only view at position 0). */
  @Override
  public ByteBuffer codes() {
    return codes.duplicate();
  }

  /** The little-endian float32 scales (a fresh read-only view at position 0). */
  @Override
  public ByteBuffer scales() {
    return scales.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Absmax value {@code i} as the graph computes it: float32 code·scale, then + offset. */
  public float value(int i) {
    float product = codes.get(i) * scales.getFloat(4 * (i / blockSize));
    return product + offset;
  }

  /** All absmax values as the graph computes them. */
  public float[] values() {
    float[] v = new float[count];
    for (int i = 0; i < count; i++) {
      v[i] = value(i);
    }
    return v;
  }

  /** Bytes stored: the codes, the scales and the offset. */
  public long byteSize() {
    return count + 4L * scaleCount() + 4;
  }
}
