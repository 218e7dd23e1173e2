package dev.armory.engine.quant;

import static dev.armory.engine.quant.QuantFixtures.gaussian;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 5's memory target: NF4 + DQ base weights ≤ 0.56 bytes per quantised parameter. */
class ResidentBytesTest {
  static final int D = 256; // model width
  static final int F = 768; // MLP width

  /**
   * A small MLP stack, per block up [F, D] then down [D, F], with a backward pass to its input (as
   * LoRA's gradients need), so the graph also holds the dequantisation path and its code table.
   */
  static Graph stack(boolean doubleQuant, List<Nf4Tensor> weights) {
    Nf4Quantizer q = Nf4Quantizer.qlora(doubleQuant);
    GraphBuilder b = GraphBuilder.create("stack");
    Value x = b.input("x", ElementType.FLOAT, "rows", D);
    Value h = x;
    for (int layer = 0; layer < 3; layer++) {
      Nf4Tensor up = q.quantize("up", FloatBuffer.wrap(gaussian(layer, F * D, 0.02)), F, D);
      Nf4Tensor down = q.quantize("down", FloatBuffer.wrap(gaussian(layer + 9, D * F, 0.02)), D, F);
      weights.add(up);
      weights.add(down);
      Value mid = b.relu(Nf4Linear.apply(b, h, up, null, "layers." + layer + ".mlp.up_proj"));
      h = Nf4Linear.apply(b, mid, down, null, "layers." + layer + ".mlp.down_proj");
    }
    b.output(h, "y");
    b.output(Autodiff.gradients(b, b.reduceSum(h, false), List.of(x)).get(x), "dx");
    return b.graph();
  }

  @Test
  void nf4WithDoubleQuantKeepsAtMost056BytesPerParameter(@TempDir Path dir) throws Exception {
    for (boolean dq : new boolean[] {false, true}) {
      List<Nf4Tensor> weights = new java.util.ArrayList<>();
      Graph graph = stack(dq, weights);
      QuantizedGraphs.ResidentBytes resident = QuantizedGraphs.residentBytes(graph);
      long expected = weights.stream().mapToLong(Nf4Tensor::byteSize).sum() + 16 * 4;
      long parameters = weights.stream().mapToLong(Nf4Tensor::parameterCount).sum();
      assertEquals(expected, resident.bytes(), "codes + absmax parts + the 64-byte code table");
      assertEquals(parameters, resident.parameters());

      // The session holds exactly these tensors: read them back from ONNX Runtime's optimised
      // model and compare their sizes.
      Path optimised = dir.resolve("stack_" + dq + ".onnx");
      try (GraphSession s =
              QuantizedGraphs.createSession(
                  graph, SessionConfig.defaults().withOptimizedModelFile(optimised));
          OnnxTensor xt = Tensors.floats(new float[2 * D], 2, D);
          OrtSession.Result r = s.run(Map.of("x", xt))) {
        assertEquals(2 * D, Tensors.toFloats(r.get("y").get()).length);
      }
      Map<String, Long> heldByOrt = new HashMap<>();
      try (InputStream in = Files.newInputStream(optimised)) {
        for (TensorProto t : ModelProto.parseFrom(in).getGraph().getInitializerList()) {
          long elements = t.getDimsList().stream().reduce(1L, (a, c) -> a * c);
          heldByOrt.put(
              t.getName(), elements * ElementType.fromOnnxCode(t.getDataType()).byteSize());
        }
      }
      long sessionBytes = 0;
      for (Value v : QuantizedGraphs.quantizedInitializers(graph)) {
        Long size = heldByOrt.get(v.name());
        assertTrue(size != null, "ONNX Runtime keeps initializer " + v.name());
        sessionBytes += size;
      }
      assertEquals(resident.bytes(), sessionBytes);
      System.out.printf(
          "resident NF4%s base weights: %d bytes for %d parameters = %.4f bytes/param%n",
          dq ? "+DQ" : "", resident.bytes(), resident.parameters(), resident.bytesPerParameter());
      if (dq) {
        assertTrue(resident.bytesPerParameter() <= 0.56, "NF4+DQ " + resident.bytesPerParameter());
      } else {
        assertTrue(resident.bytesPerParameter() > 0.56, "plain NF4 needs 4.5 bits = 0.5625 bytes");
      }
    }
  }
}
