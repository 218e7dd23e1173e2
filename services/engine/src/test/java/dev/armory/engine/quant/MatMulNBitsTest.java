package dev.armory.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The int4 quantiser writes MatMulNBits' layout: with float32 compute (accuracy level 0) ONNX
 * Runtime's product equals x·Ŵᵀ for the weights {@link Int4Tensor#dequantized} reconstructs; with
 * int8 activations (level 4) it stays close; and Ŵ is within half a step of W.
 */
class MatMulNBitsTest {
  static final int N = 48;
  static final int K = 80; // not a multiple of the block: the last block is padded
  static final int M = 5;

  @Test
  void layoutMatchesTheKernelAndQuantisationErrorIsHalfAStep() {
    SplittableRandom r = new SplittableRandom(3);
    float[] w = new float[N * K];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextGaussian() * 0.05 + (i % 7 == 0 ? 0.02 : 0));
    }
    Int4Tensor q = new Int4Quantizer(32).quantize("w", FloatBuffer.wrap(w), N, K);
    float worstStep = 0;
    for (int n = 0; n < N; n++) {
      for (int k = 0; k < K; k++) {
        float scale = q.scales().asFloatBuffer().get(n * q.blocksPerRow() + k / 32);
        float err = Math.abs(q.dequantized(n, k) - w[n * K + k]);
        worstStep = Math.max(worstStep, err / scale);
      }
    }
    assertTrue(worstStep <= 0.5001f, "dequantised weights are " + worstStep + " steps off");
    float[] x = new float[M * K];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    float[] expected = new float[M * N];
    for (int m = 0; m < M; m++) {
      for (int n = 0; n < N; n++) {
        double s = 0;
        for (int k = 0; k < K; k++) {
          s += x[m * K + k] * q.dequantized(n, k);
        }
        expected[m * N + n] = (float) s;
      }
    }
    double exact = maxDiff(expected, run(q, x, 0));
    double int8 = maxDiff(expected, run(q, x, MatMulNBits.ACCURACY_INT8));
    System.out.printf("MatMulNBits vs reference: level 0 %.2e, level 4 %.2e%n", exact, int8);
    assertTrue(exact < 1e-5, "accuracy level 0 differs by " + exact);
    assertTrue(int8 < 2e-2, "accuracy level 4 differs by " + int8);
    assertEquals(2, q.blocksPerRow() - 1);
  }

  private static float[] run(Int4Tensor q, float[] x, int level) {
    GraphBuilder b = GraphBuilder.create("nbits");
    Value a = b.input("x", ElementType.FLOAT, M, K);
    int blocks = q.blocksPerRow();
    Value codes =
        b.initializer(
            "codes", TensorData.wrap(ElementType.UINT8, new long[] {N, blocks, 16}, q.codes()));
    Value scales =
        b.initializer(
            "scales",
            TensorData.wrap(ElementType.FLOAT, new long[] {(long) N * blocks}, q.scales()));
    Value zp =
        b.initializer(
            "zp",
            TensorData.wrap(
                ElementType.UINT8, new long[] {(long) N * ((blocks + 1) / 2)}, q.zeroPoints()));
    b.output(b.apply(MatMulNBits.OP, MatMulNBits.attributes(q, level), a, codes, scales, zp), "y");
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
        OnnxTensor in = Tensors.floats(x, M, K);
        OrtSession.Result res = s.run(Map.of("x", in))) {
      return Tensors.toFloats(res.get("y").get());
    }
  }

  private static double maxDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
