package dev.armory.engine.quant;

import dev.armory.engine.runtime.Tensors;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Asymmetric blockwise 4-bit quantisation into MatMulNBits' layout ({@link Int4Tensor}): each block
 * of {@code blockSize} weights along K maps [min(block, 0), max(block, 0)] onto the codes 0..15
 * (scale = range / 15, zero point = round(−min / scale)), so 0 stays exact.
 */
public final class Int4Quantizer {
  private final int blockSize;

  /**
   * @param blockSize a power of two ≥ 16 (MatMulNBits' requirement), e.g. 32
   */
  public Int4Quantizer(int blockSize) {
    if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
      throw new QuantizationException(
          "int4 block size must be a power of two >= 16 (MatMulNBits), got " + blockSize);
    }
    this.blockSize = blockSize;
  }

  public int blockSize() {
    return blockSize;
  }

  /** Quantises the row-major [rows, columns] floats from {@code source}'s position. */
  public Int4Tensor quantize(String tensorName, FloatBuffer source, int rows, int columns) {
    if ((long) rows * columns > source.remaining()) {
      throw new QuantizationException(
          tensorName
              + ": ["
              + rows
              + ", "
              + columns
              + "] needs "
              + (long) rows * columns
              + " floats but the source holds "
              + source.remaining());
    }
    int blocks = (columns + blockSize - 1) / blockSize;
    int zpPerRow = (blocks + 1) / 2;
    ByteBuffer codes = Tensors.direct((long) rows * blocks * (blockSize / 2));
    ByteBuffer scales = Tensors.direct((long) rows * blocks * 4).order(ByteOrder.nativeOrder());
    ByteBuffer zeroPoints = Tensors.direct((long) rows * zpPerRow);
    FloatBuffer scaleOut = scales.asFloatBuffer();
    int base = source.position();
    for (int n = 0; n < rows; n++) {
      for (int blk = 0; blk < blocks; blk++) {
        int from = blk * blockSize;
        int to = Math.min(columns, from + blockSize);
        float min = 0;
        float max = 0;
        for (int k = from; k < to; k++) {
          float w = source.get(base + n * columns + k);
          min = Math.min(min, w);
          max = Math.max(max, w);
        }
        float scale = (max - min) / 15f;
        int zp = scale == 0 ? 8 : (int) Math.max(0, Math.min(15, Math.rint(-min / scale)));
        scaleOut.put(n * blocks + blk, scale);
        int zpIndex = n * zpPerRow + blk / 2;
        int zpOld = zeroPoints.get(zpIndex) & 0xFF;
        zeroPoints.put(
            zpIndex, (byte) (blk % 2 == 0 ? (zpOld & 0xF0) | zp : (zpOld & 0x0F) | (zp << 4)));
        int codeBase = (n * blocks + blk) * (blockSize / 2);
        for (int j = 0; j < blockSize; j += 2) {
          int lo = code(source, base + n * columns, from + j, to, scale, zp);
          int hi = code(source, base + n * columns, from + j + 1, to, scale, zp);
          codes.put(codeBase + j / 2, (byte) (lo | (hi << 4)));
        }
      }
    }
    return new Int4Tensor(rows, columns, blockSize, codes, scales, zeroPoints);
  }

  private static int code(FloatBuffer src, int rowBase, int k, int end, float scale, int zp) {
    if (k >= end || scale == 0) {
      return zp; // padding and all-zero blocks dequantise to 0
    }
    double q = Math.rint(src.get(rowBase + k) / scale) + zp;
    return (int) Math.max(0, Math.min(15, q));
  }
}
