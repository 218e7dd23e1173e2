package dev.armory.engine.quant;

import static dev.armory.engine.quant.QuantFixtures.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.autodiff.Autodiff;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import dev.armory.proto.onnx.ModelProto;
import dev.armory.proto.onnx.TensorProto;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What ONNX Runtime keeps of an NF4 training graph, read back from the optimised model it writes
 * (SessionConfig.withOptimizedModelFile) with Armory's own onnx proto.
 */
class ConstantFoldingTest {
  static final int K = 256;
  static final int N = 128;

  /** A training-step shape: y = NF4 linear(x), loss = Σ y ⊙ g, and dX through the VJP. */
  static Graph trainingGraph(boolean doubleQuant) {
    Nf4Tensor w =
        Nf4Quantizer.qlora(doubleQuant)
            .quantize("w", FloatBuffer.wrap(gaussian(2, N * K, 0.05)), N, K);
    GraphBuilder b = GraphBuilder.create("nf4_step");
    Value x = b.input("x", ElementType.FLOAT, "rows", K);
    Value g = b.input("g", ElementType.FLOAT, "rows", N);
    Value loss = b.reduceSum(b.mul(Nf4Linear.apply(b, x, w, null, "proj"), g), false);
    b.output(loss, "loss");
    b.output(Autodiff.gradients(b, loss, List.of(x)).get(x), "dx");
    return b.graph();
  }

  record Observed(long denseWeights, long packedCodes, float[] dx) {}

  static Observed run(Graph graph, SessionConfig config, Path optimised) throws Exception {
    float[] xv = MatMulBnb4Test.uniform(1, 4 * K);
    float[] gv = MatMulBnb4Test.uniform(2, 4 * N);
    float[] dx;
    try (GraphSession s = GraphSession.create(graph, config.withOptimizedModelFile(optimised));
        OnnxTensor xt = Tensors.floats(xv, 4, K);
        OnnxTensor gt = Tensors.floats(gv, 4, N);
        OrtSession.Result r = s.run(Map.of("x", xt, "g", gt))) {
      dx = Tensors.toFloats(r.get("dx").get());
    }
    ModelProto model;
    try (InputStream in = Files.newInputStream(optimised)) {
      model = ModelProto.parseFrom(in);
    }
    long dense = 0;
    long packed = 0;
    for (TensorProto t : model.getGraph().getInitializerList()) {
      long elements = t.getDimsList().stream().reduce(1L, (a, c) -> a * c);
      if (t.getDataType() == ElementType.FLOAT.onnxCode() && elements == (long) N * K) {
        dense++;
      }
      if (t.getDataType() == ElementType.UINT8.onnxCode() && elements == (long) N * K / 2) {
        packed++;
      }
    }
    return new Observed(dense, packed, dx);
  }

  @Test
  void constantFoldingMustStayOffOrTheWeightsComeBackAsFloat32(@TempDir Path dir) throws Exception {
    for (boolean dq : new boolean[] {false, true}) {
      Graph graph = trainingGraph(dq);
      assertTrue(QuantizedGraphs.holdsNf4(graph));
      SessionConfig off = QuantizedGraphs.sessionConfig(graph, SessionConfig.defaults());
      assertTrue(off.disabledOptimizers().contains("ConstantFolding"));
      Observed withoutFolding = run(graph, off, dir.resolve("off_" + dq + ".onnx"));
      Observed withFolding =
          run(graph, SessionConfig.defaults(), dir.resolve("on_" + dq + ".onnx"));
      System.out.printf(
          "ConstantFolding off%s: %d float32 [N·K] initializers, %d packed uint8 [N·K/2];"
              + " on: %d float32 [N·K], %d packed%n",
          dq ? " (DQ)" : "",
          withoutFolding.denseWeights(),
          withoutFolding.packedCodes(),
          withFolding.denseWeights(),
          withFolding.packedCodes());
      assertEquals(0, withoutFolding.denseWeights(), "no dense weight with ConstantFolding off");
      assertEquals(1, withoutFolding.packedCodes(), "the session keeps the packed codes");
      // The hazard: folding precomputes the backward pass's dequantisation into a float32 W.
      assertTrue(withFolding.denseWeights() >= 1, "ConstantFolding expands W to float32");
      assertArrayEquals(withoutFolding.dx(), withFolding.dx(), 1e-6f);
    }
  }

  @Test
  void denseGraphsKeepConstantFolding() {
    GraphBuilder b = GraphBuilder.create("dense");
    Value x = b.input("x", ElementType.FLOAT, 2, 4);
    b.output(b.relu(x), "y");
    assertEquals(
        SessionConfig.defaults(),
        QuantizedGraphs.sessionConfig(b.graph(), SessionConfig.defaults()));
    assertTrue(Nf4Linear.SESSION_CONFIG.disabledOptimizers().contains("ConstantFolding"));
  }
}
