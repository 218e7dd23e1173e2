package dev.armory.engine.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.OnnxWriter;
import dev.armory.engine.graph.TensorData;
import dev.armory.engine.graph.Value;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphSessionTest {
  static final int K = 64;
  static final int N = 48;

  /** y = x·W + b with W large enough to go to external data. */
  static GraphBuilder linear() {
    GraphBuilder b = GraphBuilder.create("linear");
    Value x = b.input("x", ElementType.FLOAT, "batch", K);
    float[] w = new float[K * N];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) Math.sin(i * 0.37);
    }
    float[] bias = new float[N];
    for (int i = 0; i < N; i++) {
      bias[i] = i * 0.01f;
    }
    Value wv = b.initializer("w", TensorData.ofFloats(new long[] {K, N}, w));
    Value bv = b.initializer("b", TensorData.ofFloats(new long[] {N}, bias));
    b.output(b.add(b.matmul(x, wv), bv), "y");
    return b;
  }

  static float[] expected(float[] x, int rows) {
    float[] y = new float[rows * N];
    for (int r = 0; r < rows; r++) {
      for (int n = 0; n < N; n++) {
        double s = n * 0.01f;
        for (int k = 0; k < K; k++) {
          s += x[r * K + k] * (float) Math.sin((k * N + n) * 0.37);
        }
        y[r * N + n] = (float) s;
      }
    }
    return y;
  }

  static float[] input(int rows) {
    float[] x = new float[rows * K];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) Math.cos(i * 0.11);
    }
    return x;
  }

  @Test
  void inMemorySessionAttachesLargeInitializersAndRuns() throws Exception {
    GraphBuilder b = linear();
    float[] x = input(3);
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
        OnnxTensor xt = Tensors.floats(x, 3, K);
        OrtSession.Result r = s.run(Map.of("x", xt))) {
      assertArrayEquals(expected(x, 3), Tensors.toFloats(r.get("y").get()), 1e-4f);
    }
  }

  @Test
  void writtenModelWithExternalDataLoadsByPath(@TempDir Path dir) throws Exception {
    GraphBuilder b = linear();
    Path onnx = dir.resolve("linear.onnx");
    OnnxWriter.write(b.graph(), onnx);
    assertTrue(Files.size(dir.resolve("linear.onnx.data")) >= K * N * 4L, "weights went external");
    assertTrue(Files.size(onnx) < 8192, "the .onnx holds only the small tensors");
    float[] x = input(2);
    try (GraphSession s = GraphSession.load(onnx, SessionConfig.defaults());
        OnnxTensor xt = Tensors.floats(x, 2, K);
        OrtSession.Result r = s.run(Map.of("x", xt))) {
      assertArrayEquals(expected(x, 2), Tensors.toFloats(r.get("y").get()), 1e-4f);
    }
  }

  @Test
  void cudaWithoutGpuBuildFailsNamingTheProfile() {
    GraphBuilder b = linear();
    RuntimeFailure e =
        assertThrows(
            RuntimeFailure.class,
            () ->
                GraphSession.create(
                    b.graph(), SessionConfig.defaults().withProvider(ExecutionProvider.CUDA)));
    assertTrue(e.getMessage().contains("-Ponnxruntime_gpu"), e.getMessage());
  }

  @Test
  void runFailureNamesGraphAndInputShapes() {
    GraphBuilder b = linear();
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
        OnnxTensor xt = Tensors.floats(new float[5], 1, 5)) {
      RuntimeFailure e = assertThrows(RuntimeFailure.class, () -> s.run(Map.of("x", xt)));
      assertTrue(e.getMessage().contains("'linear'"), e.getMessage());
      assertTrue(e.getMessage().contains("[1, 5]"), e.getMessage());
    }
  }

  @Test
  void runFailureNamesInputTypesAndInputsNotGiven() {
    GraphBuilder b = GraphBuilder.create("pair");
    Value x = b.input("x", ElementType.DOUBLE, 2);
    Value y = b.input("y", ElementType.DOUBLE, 2);
    b.output(b.add(x, y), "sum");
    try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
        OnnxTensor xt = Tensors.doubles(new double[] {1, 2}, 2);
        OnnxTensor yf = Tensors.floats(new float[] {1, 2}, 2)) {
      RuntimeFailure missing = assertThrows(RuntimeFailure.class, () -> s.run(Map.of("x", xt)));
      assertTrue(missing.getMessage().contains("inputs not given: [y]"), missing.getMessage());
      RuntimeFailure type =
          assertThrows(RuntimeFailure.class, () -> s.run(Map.of("x", xt, "y", yf)));
      assertTrue(type.getMessage().contains("{x=double[2], y=float[2]}"), type.getMessage());
    }
  }

  @Test
  void closedSessionRefusesUse() {
    GraphSession s = GraphSession.create(linear().graph(), SessionConfig.defaults());
    s.close();
    assertThrows(IllegalStateException.class, () -> s.run(Map.of()));
  }
}
