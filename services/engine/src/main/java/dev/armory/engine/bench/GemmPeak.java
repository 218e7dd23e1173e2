package dev.armory.engine.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.graph.ElementType;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.graph.Value;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.util.Map;

/** The machine's own fp32 GEMM rate through ONNX Runtime: the yardstick for achieved FLOP/s. */
public final class GemmPeak {
  private GemmPeak() {}

  /** FLOP/s of an n×n×n fp32 MatMul in ONNX Runtime (best of {@code runs} after warm-up). */
  public static double measure(int n, int runs, SessionConfig config) {
    GraphBuilder b = GraphBuilder.create("gemm");
    Value x = b.input("a", ElementType.FLOAT, n, n);
    Value y = b.input("b", ElementType.FLOAT, n, n);
    b.output(b.matmul(x, y), "c");
    float[] data = new float[n * n];
    for (int i = 0; i < data.length; i++) {
      data[i] = (i % 17) * 0.01f;
    }
    try (GraphSession s = GraphSession.create(b.graph(), config);
        OnnxTensor a = Tensors.floats(data, n, n);
        OnnxTensor c = Tensors.floats(data, n, n)) {
      Map<String, OnnxTensor> in = Map.of("a", a, "b", c);
      for (int i = 0; i < 2; i++) {
        try (OrtSession.Result r = s.run(in)) {
          // warm-up
        }
      }
      long best = Long.MAX_VALUE;
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        try (OrtSession.Result r = s.run(in)) {
          best = Math.min(best, System.nanoTime() - t0);
        }
      }
      return 2.0 * n * n * (double) n / (best / 1e9);
    }
  }
}
