package dev.armory.engine.quant;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.numeric.HalfFloat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Quantises a weight W [N, K] (out × in) to NF4 with blockwise absmax, optionally double-quantising
 * the absmax values. Reads the source one block at a time from a buffer (float32, fp16 or bf16
 * little-endian bytes, e.g. a memory-mapped safetensors tensor), so the float32 matrix is never
 * materialised; the packed codes go to a direct buffer.
 *
 * <p>N·K must be a multiple of the block size (every block is full; the linear layers of the
 * supported model families always are). Block sizes are those ONNX Runtime's MatMulBnb4 kernels
 * implement: 16, 32, 64, 128, 256.
 */
public final class Nf4Quantizer {
  /** QLoRA's block size for the weights. */
  public static final int DEFAULT_BLOCK_SIZE = 64;

  /** QLoRA's block size for double-quantising the absmax values. */
  public static final int ABSMAX_BLOCK_SIZE = 256;

  private static final int[] SUPPORTED_BLOCK_SIZES = {16, 32, 64, 128, 256};

  private final int blockSize;
  private final boolean doubleQuantization;

  /**
   * @param blockSize weights per absmax block
   * @param doubleQuantization whether to store the absmax values in 8 bits (block 256)
   */
  public Nf4Quantizer(int blockSize, boolean doubleQuantization) {
    checkBlockSize("NF4 quantiser", blockSize);
    this.blockSize = blockSize;
    this.doubleQuantization = doubleQuantization;
  }

  /** Block 64 as in QLoRA, with or without double quantisation. */
  public static Nf4Quantizer qlora(boolean doubleQuantization) {
    return new Nf4Quantizer(DEFAULT_BLOCK_SIZE, doubleQuantization);
  }

  public int blockSize() {
    return blockSize;
  }

  public boolean doubleQuantization() {
    return doubleQuantization;
  }

  /**
   * Quantises the row-major [rows, columns] tensor whose little-endian elements of {@code
   * sourceType} (FLOAT, FLOAT16 or BFLOAT16) start at {@code source}'s position.
   *
   * @param tensorName names the tensor in errors
   */
  public Nf4Tensor quantize(
      String tensorName, ByteBuffer source, ElementType sourceType, int rows, int columns) {
    checkLayout(tensorName, rows, columns, blockSize);
    if (sourceType != ElementType.FLOAT
        && sourceType != ElementType.FLOAT16
        && sourceType != ElementType.BFLOAT16) {
      throw new QuantizationException(
          tensorName
              + ": cannot quantise elements of type "
              + sourceType
              + "; expected FLOAT, FLOAT16 or BFLOAT16");
    }
    long needed = (long) rows * columns * sourceType.byteSize();
    if (source.remaining() < needed) {
      throw new QuantizationException(
          tensorName
              + ": ["
              + rows
              + ", "
              + columns
              + "] of "
              + sourceType
              + " needs "
              + needed
              + " bytes but the source holds "
              + source.remaining()
              + "; the shape or element type does not match the data");
    }
    ByteBuffer le = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int base = source.position();
    ElementReader reader =
        switch (sourceType) {
          case FLOAT -> i -> le.getFloat(base + 4 * i);
          case FLOAT16 -> i -> HalfFloat.fp16ToFloat(le.getShort(base + 2 * i));
          default -> i -> HalfFloat.bf16ToFloat(le.getShort(base + 2 * i));
        };
    return quantize(tensorName, reader, rows, columns);
  }

  /** Quantises the row-major [rows, columns] floats starting at {@code source}'s position. */
  public Nf4Tensor quantize(String tensorName, FloatBuffer source, int rows, int columns) {
    checkLayout(tensorName, rows, columns, blockSize);
    long needed = (long) rows * columns;
    if (source.remaining() < needed) {
      throw new QuantizationException(
          tensorName
              + ": ["
              + rows
              + ", "
              + columns
              + "] needs "
              + needed
              + " floats but the source holds "
              + source.remaining());
    }
    int base = source.position();
    return quantize(tensorName, i -> source.get(base + i), rows, columns);
  }

  @FunctionalInterface
  private interface ElementReader {
    float get(int index);
  }

  private Nf4Tensor quantize(String tensorName, ElementReader src, int rows, int columns) {
    int n = rows * columns; // checkLayout bounds it by Integer.MAX_VALUE
    int blocks = n / blockSize;
    ByteBuffer codes = ByteBuffer.allocateDirect(n / 2);
    ByteBuffer absmax = ByteBuffer.allocateDirect(4 * blocks).order(ByteOrder.LITTLE_ENDIAN);
    float[] block = new float[blockSize];
    for (int bi = 0; bi < blocks; bi++) {
      int start = bi * blockSize;
      float max = 0;
      for (int j = 0; j < blockSize; j++) {
        float v = src.get(start + j);
        if (!Float.isFinite(v)) {
          int i = start + j;
          throw new QuantizationException(
              tensorName
                  + ": element ["
                  + i / columns
                  + ", "
                  + i % columns
                  + "] is "
                  + v
                  + "; NF4 can only hold finite weights (check the checkpoint)");
        }
        block[j] = v;
        max = Math.max(max, Math.abs(v));
      }
      absmax.putFloat(4 * bi, max);
      double inverse = max == 0 ? 0 : 1.0 / max;
      for (int j = 0; j < blockSize; j += 2) {
        int high = Nf4Codebook.nearestCode(block[j] * inverse);
        int low = Nf4Codebook.nearestCode(block[j + 1] * inverse);
        codes.put((start + j) >>> 1, (byte) ((high << 4) | low));
      }
    }
    if (!doubleQuantization) {
      return new Nf4Tensor(rows, columns, blockSize, codes, absmax, null);
    }
    DoubleQuantizedAbsmax dq =
        DoubleQuantizedAbsmax.quantize(absmax.asFloatBuffer(), ABSMAX_BLOCK_SIZE);
    return new Nf4Tensor(rows, columns, blockSize, codes, null, dq);
  }

  static void checkBlockSize(String what, int blockSize) {
    for (int s : SUPPORTED_BLOCK_SIZES) {
      if (s == blockSize) {
        return;
      }
    }
    throw new QuantizationException(
        what
            + ": block size "
            + blockSize
            + " is not supported; ONNX Runtime's MatMulBnb4 implements 16, 32, 64, 128 and 256");
  }

  /** Checks the shape and block size of an NF4 weight, naming it in the error. */
  static void checkLayout(String tensorName, int rows, int columns, int blockSize) {
    checkBlockSize(tensorName, blockSize);
    if (rows <= 0 || columns <= 0) {
      throw new QuantizationException(
          tensorName + ": shape [" + rows + ", " + columns + "] must have positive dimensions");
    }
    long n = (long) rows * columns;
    if (n > Integer.MAX_VALUE) {
      throw new QuantizationException(
          tensorName
              + ": ["
              + rows
              + ", "
              + columns
              + "] has "
              + n
              + " elements; ONNX Runtime's MatMulBnb4 indexes weights with 32-bit integers"
              + " (at most "
              + Integer.MAX_VALUE
              + "): split the layer or leave it unquantised");
    }
    if (n % blockSize != 0) {
      throw new QuantizationException(
          tensorName
              + ": ["
              + rows
              + ", "
              + columns
              + "] has "
              + n
              + " elements, not a multiple of the block size "
              + blockSize
              + "; choose a smaller block size that divides N·K, or leave this layer unquantised");
    }
  }
}
