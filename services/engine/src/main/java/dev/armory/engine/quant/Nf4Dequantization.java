package dev.armory.engine.quant;

import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;

/**
 * Dequantisation of NF4 weights written with standard ONNX ops, for the backward pass dX = dY·W
 * (MatMulBnb4 cannot multiply by W untransposed) and for float64 graphs (MatMulBnb4 is float32
 * only); and the in-graph expansion of double-quantised absmax values.
 */
public final class Nf4Dequantization {
  private Nf4Dequantization() {}

  /** The 16 NF4 values as a float32 constant [16], shared by every use in the graph. */
  public static Value codeTable(GraphBuilder b) {
    return b.constant(TensorData.ofFloats(new long[] {Nf4Codebook.SIZE}, Nf4Codebook.values()));
  }

  /**
   * W [n, k] float32 from packed codes (uint8 [n·k/2], first element in the high nibble) and block
   * absmax (float32 [n·k/blockSize]): BitShift right by 4 and BitwiseAnd 15 split each byte,
   * interleaving (high first) restores element order, Gather on the code table gives NF4 values,
   * and a Mul by the absmax of each [blockSize] row scales them.
   */
  public static Value weight(
      GraphBuilder b, Value codes, Value absmax, long n, long k, long blockSize) {
    long elements = n * k;
    long blocks = elements / blockSize;
    try (var s = b.scope("nf4_dequant")) {
      Value high = b.bitShift(codes, b.scalar(ElementType.UINT8, 4), true); // [n·k/2]
      Value low = b.bitwiseAnd(codes, b.scalar(ElementType.UINT8, 15)); // [n·k/2]
      Value pairs = b.concat(1, b.unsqueeze(high, 1), b.unsqueeze(low, 1)); // [n·k/2, 2]
      // int32 indices are enough for 16 codes and half the size of int64 ones.
      Value indices = b.cast(b.reshape(pairs, elements), ElementType.INT32); // [n·k]
      Value values = b.gather(codeTable(b), indices, 0); // [n·k]
      Value scaled =
          b.mul(b.reshape(values, blocks, blockSize), b.reshape(absmax, blocks, 1)); // [blocks, bs]
      return b.reshape(scaled, n, k);
    }
  }

  /**
   * The absmax values float32 [count] from their double quantisation: Cast(codes int8 [count])·
   * scales[i / blockSize] + offset, in float32 as {@link DoubleQuantizedAbsmax#value} computes it.
   */
  public static Value absmax(
      GraphBuilder b, Value codes, Value scales, Value offset, int count, int blockSize) {
    try (var s = b.scope("absmax_dequant")) {
      int nScales = DoubleQuantizedAbsmax.scaleCount(count, blockSize);
      long padded = (long) nScales * blockSize;
      Value q = b.cast(codes, ElementType.FLOAT); // [count]
      if (padded != count) {
        // The last block is partial: pad to whole blocks, scale, then cut the padding off again.
        q = b.pad(q, b.ints(0, padded - count));
      }
      Value scaled = b.mul(b.reshape(q, nScales, blockSize), b.reshape(scales, nScales, 1));
      Value flat = b.reshape(scaled, padded);
      if (padded != count) {
        flat = b.slice(flat, new long[] {0}, new long[] {count}, new long[] {0});
      }
      return b.add(flat, offset);
    }
  }
}
