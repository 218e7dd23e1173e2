package dev.armory.engine.quant;

import static dev.armory.engine.quant.QuantFixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.GraphException;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MatMulBnb4Test {
  static float[] uniform(long seed, int n) {
    return toFloats(GradCheck.uniform(seed, n, -1, 1));
  }

  static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /**
   * MatMulBnb4's forward pass against the same weights dequantised by standard ops and multiplied
   * by MatMul, both in ONNX Runtime, and against the Java dequantisation in double precision.
   */
  @Test
  void forwardEqualsStandardOpDequantisationAndMatMul() {
    // {batch, seq, K, N, block size, double quantisation}; seq 0 means a rank-2 input [batch, K].
    int[][] cases = {
      {2, 3, 128, 64, 64, 0},
      {2, 3, 128, 64, 64, 1},
      {5, 0, 64, 192, 32, 1},
      {1, 4, 256, 96, 128, 0},
      {3, 2, 96, 96, 16, 1},
      {1, 1, 512, 320, 256, 1},
    };
    double worstOps = 0;
    double worstJava = 0;
    for (int[] c : cases) {
      int batch = c[0];
      int seq = c[1];
      int k = c[2];
      int n = c[3];
      Nf4Tensor w =
          new Nf4Quantizer(c[4], c[5] == 1)
              .quantize("w", FloatBuffer.wrap(gaussian(c[2] + c[3], n * k, 0.05)), n, k);
      long[] xShape = seq == 0 ? new long[] {batch, k} : new long[] {batch, seq, k};
      int rows = batch * Math.max(seq, 1);
      GraphBuilder b = GraphBuilder.create("bnb4");
      Value x = b.input("x", ElementType.FLOAT, dev.armory.engine.graph.Shape.of(xShape));
      Nf4Linear.Attached attached = Nf4Linear.attach(b, w, "proj");
      b.output(Nf4Linear.apply(b, x, attached, null), "y_bnb4");
      Value dense =
          Nf4Dequantization.weight(
              b, attached.codes(), attached.absmax(), n, k, w.blockSize()); // [N, K]
      b.output(b.matmul(x, b.transpose(dense, 1, 0)), "y_ops");
      float[] xv = uniform(c[2] * 7L + c[3], rows * k);
      float[] bnb4;
      float[] ops;
      try (GraphSession s = QuantizedGraphs.createSession(b.graph(), SessionConfig.defaults());
          OnnxTensor xt = Tensors.floats(xv, xShape);
          OrtSession.Result r = s.run(Map.of("x", xt))) {
        bnb4 = Tensors.toFloats(r.get("y_bnb4").get());
        ops = Tensors.toFloats(r.get("y_ops").get());
      }
      double[] java = QuantFixtures.linear(xv, QuantFixtures.toArray(w.dequantize()), rows, k, n);
      assertEquals(rows * n, bnb4.length);
      for (int i = 0; i < bnb4.length; i++) {
        worstOps = Math.max(worstOps, Math.abs(bnb4[i] - ops[i]));
        worstJava = Math.max(worstJava, Math.abs(bnb4[i] - java[i]));
      }
    }
    System.out.printf(
        "MatMulBnb4 vs standard-op dequant+MatMul: max |diff| %.2e; vs Java dequant (double)"
            + " product: %.2e%n",
        worstOps, worstJava);
    assertTrue(worstOps <= 1e-5, "MatMulBnb4 vs standard ops " + worstOps);
    assertTrue(worstJava <= 1e-5, "MatMulBnb4 vs Java " + worstJava);
  }

  /** Runs MatMulBnb4 with transB=0 on a [rows, inner] input. */
  static float[] runTransBZero(Nf4Tensor w, float[] a, int rows, int inner) {
    GraphBuilder b = GraphBuilder.create("transb0");
    Value x = b.input("a", ElementType.FLOAT, rows, inner);
    Nf4Linear.Attached attached = Nf4Linear.attach(b, w, "w");
    Value y =
        b.apply(
            MatMulBnb4.OP,
            MatMulBnb4.attributes(w.rows(), w.columns(), w.blockSize()).with("transB", 0L),
            x,
            attached.codes(),
            attached.absmax());
    b.output(y, "y");
    try (GraphSession s = QuantizedGraphs.createSession(b.graph(), SessionConfig.defaults());
        OnnxTensor xt = Tensors.floats(a, rows, inner);
        OrtSession.Result r = s.run(Map.of("a", xt))) {
      return Tensors.toFloats(r.get("y").get());
    }
  }

  /**
   * Documents why the VJP dequantises instead of using MatMulBnb4's transB=0 for dA = dY·W: ONNX
   * Runtime 1.29's CPU kernel sizes the output as A [M, N]·W [N, K] but always multiplies by Wᵀ
   * with a row stride of K. A square W gives A·Wᵀ (transB ignored); a non-square W gives neither
   * product. (Only N > K is run: with K > N the kernel would read past the dequantised buffer.)
   */
  @Test
  void transBZeroIsSilentlyWrong() {
    int m = 3;
    // Non-square, N = 128 > K = 64.
    int n = 128;
    int k = 64;
    Nf4Tensor w =
        Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(gaussian(21, n * k, 1)), n, k);
    float[] wd = QuantFixtures.toArray(w.dequantize());
    float[] a = uniform(4, m * n);
    float[] got = runTransBZero(w, a, m, n); // [m, k]
    double[] intended = new double[m * k]; // A·W
    double[] strided = new double[m * k]; // Σ_t A[i, t]·Wflat[j·K + t], t < N
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < k; j++) {
        for (int t = 0; t < n; t++) {
          intended[i * k + j] += (double) a[i * n + t] * wd[t * k + j];
          strided[i * k + j] += (double) a[i * n + t] * wd[j * k + t];
        }
      }
    }
    double vsIntended = maxDiff(got, intended);
    double vsStrided = maxDiff(got, strided);
    System.out.printf(
        "MatMulBnb4 transB=0, W [%d, %d]: max |y − A·W| = %.3f; max |y − strided Wᵀ read| = %.2e%n",
        n, k, vsIntended, vsStrided);
    assertTrue(vsIntended > 1, "transB=0 should not give A·W here; diff " + vsIntended);
    assertTrue(vsStrided < 1e-4, "ORT reads W with stride K: diff " + vsStrided);

    // Square W: transB is ignored, the result is A·Wᵀ.
    int s = 64;
    Nf4Tensor sq =
        Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(gaussian(22, s * s, 1)), s, s);
    float[] sqd = QuantFixtures.toArray(sq.dequantize());
    float[] as = uniform(5, m * s);
    float[] ys = runTransBZero(sq, as, m, s);
    double[] transposed = QuantFixtures.linear(as, sqd, m, s, s);
    double vsTransposed = maxDiff(ys, transposed);
    System.out.printf("MatMulBnb4 transB=0, square W: max |y − A·Wᵀ| = %.2e%n", vsTransposed);
    assertTrue(vsTransposed < 1e-4, "square W: transB=0 gives A·Wᵀ; diff " + vsTransposed);
  }

  static double maxDiff(float[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d = Math.max(d, Math.abs(a[i] - b[i]));
    }
    return d;
  }

  @Test
  void badInputsFailWhenTheNodeIsAdded() {
    Nf4Tensor w =
        Nf4Quantizer.qlora(false).quantize("w", FloatBuffer.wrap(gaussian(1, 64 * 32, 1)), 64, 32);
    GraphBuilder b = GraphBuilder.create("bad");
    Nf4Linear.Attached attached = Nf4Linear.attach(b, w, "proj");

    Value wrongK = b.input("x", ElementType.FLOAT, 2, 48);
    QuantizationException shape =
        assertThrows(QuantizationException.class, () -> Nf4Linear.apply(b, wrongK, attached, null));
    assertTrue(shape.getMessage().contains("must end in K = 32"), shape.getMessage());
    assertTrue(shape.getMessage().contains("proj.weight.nf4"), shape.getMessage());

    Value ints = b.input("ids", ElementType.INT64, 2, 32);
    QuantizationException dtype =
        assertThrows(QuantizationException.class, () -> Nf4Linear.apply(b, ints, attached, null));
    assertTrue(dtype.getMessage().contains("must be float32"), dtype.getMessage());

    Value x = b.input("x2", ElementType.FLOAT, 2, 32);
    Value floatCodes =
        b.initializer("codes_f", TensorData.filled(ElementType.FLOAT, new long[] {64 * 32 / 2}, 0));
    GraphException codes =
        assertThrows(
            GraphException.class,
            () ->
                b.apply(
                    MatMulBnb4.OP,
                    MatMulBnb4.attributes(64, 32, 64),
                    x,
                    floatCodes,
                    attached.absmax()));
    assertTrue(codes.getMessage().contains("must be uint8[1024]"), codes.getMessage());

    GraphException absmax =
        assertThrows(
            GraphException.class,
            () ->
                b.apply(
                    MatMulBnb4.OP,
                    MatMulBnb4.attributes(64, 32, 32),
                    x,
                    attached.codes(),
                    attached.absmax()));
    assertTrue(absmax.getMessage().contains("absmax must be float[64]"), absmax.getMessage());

    Value bias = b.input("bias", ElementType.FLOAT, 32);
    QuantizationException biasShape =
        assertThrows(QuantizationException.class, () -> Nf4Linear.apply(b, x, attached, bias));
    assertTrue(biasShape.getMessage().contains("must be float[64]"), biasShape.getMessage());
  }
}
