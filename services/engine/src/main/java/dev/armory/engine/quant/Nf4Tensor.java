package dev.armory.engine.quant;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A weight W [rows = N, columns = K] (out × in, the layout of {@code torch.nn.Linear}) quantised to
 * NF4 in ONNX Runtime's MatMulBnb4 layout: the row-major elements are cut into flat blocks of
 * {@code blockSize}; element i has code {@code codes[i / 2] >> 4} when i is even (the first element
 * of a pair sits in the high nibble) and {@code codes[i / 2] & 15} when odd; W[i] ≈
 * NF4[code]·absmax[i / blockSize].
 *
 * <p>The block absmax values are stored either as float32 ({@code absmax}) or double-quantised
 * ({@code quantizedAbsmax}); exactly one of the two is non-null.
 *
 * @param rows N, output features
 * @param columns K, input features
 * @param blockSize elements per absmax block (16, 32, 64, 128 or 256); divides rows·columns
 * @param codes packed 4-bit codes, rows·columns / 2 bytes
 * @param absmax float32 little-endian [rows·columns / blockSize], or null when double-quantised
 * @param quantizedAbsmax the absmax values in 8 bits, or null
 */
public record Nf4Tensor(
    int rows,
    int columns,
    int blockSize,
    ByteBuffer codes,
    ByteBuffer absmax,
    DoubleQuantizedAbsmax quantizedAbsmax) {

  public Nf4Tensor {
    Nf4Quantizer.checkLayout("NF4 tensor", rows, columns, blockSize);
    long n = (long) rows * columns;
    int blocks = (int) (n / blockSize);
    if (codes.remaining() != n / 2) {
      throw new QuantizationException(
          "NF4 tensor ["
              + rows
              + ", "
              + columns
              + "] needs "
              + n / 2
              + " bytes of packed codes, got "
              + codes.remaining());
    }
    if ((absmax == null) == (quantizedAbsmax == null)) {
      throw new QuantizationException(
          "NF4 tensor needs exactly one of float32 absmax and double-quantised absmax");
    }
    if (absmax != null && absmax.remaining() != 4L * blocks) {
      throw new QuantizationException(
          "NF4 tensor with "
              + blocks
              + " blocks needs "
              + 4L * blocks
              + " bytes of float32 absmax, got "
              + absmax.remaining());
    }
    if (quantizedAbsmax != null && quantizedAbsmax.count() != blocks) {
      throw new QuantizationException(
          "NF4 tensor with "
              + blocks
              + " blocks got "
              + quantizedAbsmax.count()
              + " double-quantised absmax values");
    }
    codes = codes.slice().asReadOnlyBuffer();
    absmax =
        absmax == null ? null : absmax.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** N·K, the number of weights. */
  public long parameterCount() {
    return (long) rows * columns;
  }

  /** Number of absmax blocks. */
  public int blockCount() {
    return (int) (parameterCount() / blockSize);
  }

  public boolean isDoubleQuantized() {
    return quantizedAbsmax != null;
  }

  /** The packed codes (a fresh read-only view at position 0). */
  @Override
  public ByteBuffer codes() {
    return codes.duplicate();
  }

  /** The float32 absmax values (a fresh read-only view), or null when double-quantised. */
  @Override
  public ByteBuffer absmax() {
    return absmax == null ? null : absmax.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The 4-bit code of row-major element {@code index}. */
  public int code(long index) {
    int b = codes.get((int) (index >>> 1)) & 0xff;
    return (index & 1) == 0 ? b >>> 4 : b & 0x0f;
  }

  /** The absmax of block {@code block} as the graph uses it (after double quantisation if any). */
  public float blockAbsmax(int block) {
    return absmax != null ? absmax.getFloat(4 * block) : quantizedAbsmax.value(block);
  }

  /** The dequantised weights [rows, columns] row-major in a new direct buffer. */
  public FloatBuffer dequantize() {
    FloatBuffer out =
        ByteBuffer.allocateDirect(Math.toIntExact(4 * parameterCount()))
            .order(ByteOrder.nativeOrder())
            .asFloatBuffer();
    dequantizeInto(out);
    out.flip();
    return out;
  }

  /**
   * Writes the dequantised weights (float32 NF4[code]·absmax, as ONNX Runtime computes them) into
   * {@code out} at its position, advancing it by rows·columns.
   */
  public void dequantizeInto(FloatBuffer out) {
    if (out.remaining() < parameterCount()) {
      throw new QuantizationException(
          "dequantising ["
              + rows
              + ", "
              + columns
              + "] needs room for "
              + parameterCount()
              + " floats, the buffer has "
              + out.remaining());
    }
    int blocks = blockCount();
    long i = 0;
    for (int block = 0; block < blocks; block++) {
      float scale = blockAbsmax(block);
      for (int j = 0; j < blockSize; j++, i++) {
        out.put(Nf4Codebook.value(code(i)) * scale);
      }
    }
  }

  /** Bytes of the absmax data (float32 values, or 8-bit codes + scales + offset). */
  public long absmaxByteSize() {
    return absmax != null ? absmax.remaining() : quantizedAbsmax.byteSize();
  }

  /** All bytes this tensor keeps: packed codes plus absmax data. */
  public long byteSize() {
    return codes.remaining() + absmaxByteSize();
  }

  /** Stored bits per weight: 4.5 for plain NF4 with block 64, about 4.127 with double quant. */
  public double bitsPerParameter() {
    return 8.0 * byteSize() / parameterCount();
  }

  /** The absmax share of {@link #bitsPerParameter()}: 0.5 at block 64, about 0.127 with DQ. */
  public double absmaxBitsPerParameter() {
    return 8.0 * absmaxByteSize() / parameterCount();
  }
}
