package dev.armory.engine.quant;

import static dev.armory.engine.autodiff.GradCheck.Input.fixed;
import static dev.armory.engine.autodiff.GradCheck.Input.trainable;
import static dev.armory.engine.quant.QuantFixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.autodiff.GradCheck;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** dX of the NF4 linear layer: MatMulBnb4's VJP (standard-op dequantisation, then MatMul). */
class Nf4LinearGradientTest {
  static final int B = 2;
  static final int T = 3;
  static final int K = 64;
  static final int N = 96;

  static Nf4Tensor weight(boolean doubleQuant) {
    return Nf4Quantizer.qlora(doubleQuant)
        .quantize("w", FloatBuffer.wrap(gaussian(17, N * K, 0.1)), N, K);
  }

  /**
   * Float32 central differences. The layer is linear in x, so the differences have no truncation
   * error and a large step (h = 0.5) keeps float32 rounding of the loss (|loss| ≈ 1, ulp ≈ 1e-7)
   * small after dividing by 2h; the tolerance, 1e-4 of the largest gradient (measured about 3e-6),
   * covers that rounding summed over B·T·N output terms.
   */
  @Test
  void gradientWithRespectToXMatchesFloat32FiniteDifferences() {
    for (boolean dq : new boolean[] {false, true}) {
      Nf4Tensor w = weight(dq);
      GradCheck.Report r =
          GradCheck.check(
              ElementType.FLOAT,
              0.5,
              (b, v) -> Nf4Linear.apply(b, v.get(0), w, v.get(1), "proj"),
              trainable("x", new long[] {B, T, K}, GradCheck.uniform(3, B * T * K, -1, 1)),
              trainable("bias", new long[] {N}, GradCheck.uniform(4, N, -1, 1)));
      System.out.printf(
          "NF4 linear%s float32 gradient check: relative error %s%n",
          dq ? " (DQ)" : "", r.relativeError());
      assertTrue(r.worst() <= 1e-4, "float32 gradient check " + r.relativeError());
      assertTrue(
          r.graph().nodes().stream().anyMatch(n -> n.op() == MatMulBnb4.OP),
          "float32 graphs go through MatMulBnb4");
    }
  }

  /** Float64 graphs (dequantise in float32, cast, MatMul) are exact to double precision. */
  @Test
  void float64GraphMatchesFiniteDifferencesTightly() {
    Nf4Tensor w = weight(true);
    GradCheck.Report r =
        GradCheck.check(
            (b, v) -> Nf4Linear.apply(b, v.get(0), w, null, "proj"),
            trainable("x", new long[] {B, T, K}, GradCheck.uniform(3, B * T * K, -1, 1)));
    System.out.printf("NF4 linear float64 gradient check: relative error %.2e%n", r.worst());
    assertTrue(r.worst() <= 1e-6, "float64 gradient check " + r.relativeError());
  }

  /** dX = G·W for loss = Σ y ⊙ G, against the Java dequantised weights. */
  @Test
  void gradientEqualsUpstreamTimesDequantisedWeight() {
    double worst = 0;
    for (boolean dq : new boolean[] {false, true}) {
      Nf4Tensor w = weight(dq);
      GraphBuilder b = GraphBuilder.create("nf4_grad");
      Value x = b.input("x", ElementType.FLOAT, B, T, K);
      Value g = b.input("g", ElementType.FLOAT, B, T, N);
      Value y = Nf4Linear.apply(b, x, w, null, "proj");
      Value loss = b.reduceSum(b.mul(y, g), false);
      b.output(loss, "loss");
      b.output(Autodiff.gradients(b, loss, List.of(x)).get(x), "dx");
      float[] xv = MatMulBnb4Test.uniform(8, B * T * K);
      float[] gv = MatMulBnb4Test.uniform(9, B * T * N);
      float[] dx;
      try (GraphSession s = QuantizedGraphs.createSession(b.graph(), SessionConfig.defaults());
          OnnxTensor xt = Tensors.floats(xv, B, T, K);
          OnnxTensor gt = Tensors.floats(gv, B, T, N);
          OrtSession.Result r = s.run(Map.of("x", xt, "g", gt))) {
        dx = Tensors.toFloats(r.get("dx").get());
      }
      float[] wd = QuantFixtures.toArray(w.dequantize()); // [N, K]
      assertEquals(B * T * K, dx.length);
      for (int row = 0; row < B * T; row++) {
        for (int c = 0; c < K; c++) {
          double expected = 0;
          for (int j = 0; j < N; j++) {
            expected += (double) gv[row * N + j] * wd[j * K + c];
          }
          worst = Math.max(worst, Math.abs(dx[row * K + c] - expected));
        }
      }
    }
    System.out.printf("NF4 linear dX vs Java G·W: max |diff| %.2e%n", worst);
    assertTrue(worst <= 1e-5, "dX vs G·W " + worst);
  }

  @Test
  void noGradientReachesTheFrozenWeight() {
    GraphBuilder b = GraphBuilder.create("frozen");
    Value x = b.input("x", ElementType.FLOAT, B, K);
    Value y = Nf4Linear.apply(b, x, weight(true), null, "proj");
    Value loss = b.reduceSum(y, false);
    int before = b.graph().nodes().size();
    Autodiff.gradients(b, loss, List.of(x));
    List<String> backward =
        b.graph().nodes().subList(before, b.graph().nodes().size()).stream()
            .map(n -> n.opType())
            .toList();
    // One dequantisation for dX = dY·W and nothing else touching the codes or absmax parts.
    assertEquals(1, backward.stream().filter("BitShift"::equals).count(), backward.toString());
    assertEquals(1, backward.stream().filter("MatMul"::equals).count(), backward.toString());
    assertTrue(
        b.graph().nodes().stream()
            .filter(n -> n.op() == MatMulBnb4.OP)
            .noneMatch(n -> n.op().gradientFlowsTo(n, 1) || n.op().gradientFlowsTo(n, 2)));
  }

  @Test
  void fixedInputStaysFixed() {
    // x frozen, bias trainable: the VJP must not build the dequantisation for x.
    Nf4Tensor w = weight(false);
    GradCheck.Report r =
        GradCheck.check(
            ElementType.FLOAT,
            0.5,
            (b, v) -> Nf4Linear.apply(b, v.get(0), w, v.get(1), "proj"),
            fixed("x", new long[] {B, K}, GradCheck.uniform(3, B * K, -1, 1)),
            trainable("bias", new long[] {N}, GradCheck.uniform(4, N, -1, 1)));
    assertTrue(r.worst() <= 1e-4);
    assertTrue(r.graph().nodes().stream().noneMatch(n -> n.opType().equals("BitShift")));
  }
}
