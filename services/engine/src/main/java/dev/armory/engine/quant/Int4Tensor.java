package dev.armory.engine.quant;

import java.nio.ByteBuffer;

/**
 * A weight W [N, K] in MatMulNBits' 4-bit layout: K split into blocks of {@code blockSize}; per row
 * and block a float32 scale and a 4-bit zero point; W[n, k] ≈ (q − zero point) · scale.
 *
 * @param codes uint8 [N, blocks, blockSize/2]: two codes per byte along K, the first in the low
 *     nibble (the last block zero-padded when blockSize does not divide K)
 * @param scales float32 [N · blocks] (native order)
 * @param zeroPoints uint8 [N · ⌈blocks/2⌉]: per row, two zero points per byte, low nibble first
 */
public record Int4Tensor(
    int rows,
    int columns,
    int blockSize,
    ByteBuffer codes,
    ByteBuffer scales,
    ByteBuffer zeroPoints) {
  /** Blocks per row: ⌈K / blockSize⌉. */
  public int blocksPerRow() {
    return (columns + blockSize - 1) / blockSize;
  }

  /** Bytes held (codes, scales and zero points). */
  public long bytes() {
    return (long) codes.capacity() + scales.capacity() + zeroPoints.capacity();
  }

  /** W[n, k] as the kernel reconstructs it. */
  public float dequantized(int n, int k) {
    int blocks = blocksPerRow();
    int block = k / blockSize;
    int code = codes.get(n * blocks * (blockSize / 2) + k / 2) & 0xFF;
    int q = (k % 2 == 0) ? code & 0x0F : code >>> 4;
    int zpByte = zeroPoints.get(n * ((blocks + 1) / 2) + block / 2) & 0xFF;
    int zp = (block % 2 == 0) ? zpByte & 0x0F : zpByte >>> 4;
    float scale = scales.asFloatBuffer().get(n * blocks + block);
    return (q - zp) * scale;
  }
}
