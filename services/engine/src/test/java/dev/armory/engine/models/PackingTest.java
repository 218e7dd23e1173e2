package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A packed row (two examples, segment ids, restarting positions) equals the examples run alone. */
class PackingTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(
      value = ModelType.class,
      names = {"LLAMA", "GPT2"})
  void packedRowMatchesSeparateRows(ModelType type) throws Exception {
    TinyModelGenerator.writeModel(
        TinyModelGenerator.tinyConfig(type, new TinyModelGenerator.Vocabulary(300, 1, 2, 0)),
        dir,
        11);
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      GraphBuilder b = GraphBuilder.create("packed");
      CausalLmGraph.build(
          b,
          arch,
          ModelParameters.frozen(arch.bind(model.weights())),
          CausalLmGraph.Options.logitsOnly().packing());
      int v = 300;
      try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults())) {
        // Row 0 packs [5 6 7] and [8 9 10 11]; rows 1 and 2 hold them alone, right-padded.
        float[] packed =
            logits(
                s,
                new long[] {5, 6, 7, 8, 9, 10, 11},
                new long[] {1, 1, 1, 1, 1, 1, 1},
                new long[] {0, 1, 2, 0, 1, 2, 3},
                new long[] {0, 0, 0, 1, 1, 1, 1});
        float[] first =
            logits(
                s,
                new long[] {5, 6, 7, 0, 0, 0, 0},
                new long[] {1, 1, 1, 0, 0, 0, 0},
                new long[] {0, 1, 2, 0, 0, 0, 0},
                new long[7]);
        float[] second =
            logits(
                s,
                new long[] {8, 9, 10, 11, 0, 0, 0},
                new long[] {1, 1, 1, 1, 0, 0, 0},
                new long[] {0, 1, 2, 3, 0, 0, 0},
                new long[7]);
        double worst = 0;
        for (int t = 0; t < 7; t++) {
          for (int k = 0; k < v; k++) {
            float alone = t < 3 ? first[t * v + k] : second[(t - 3) * v + k];
            worst = Math.max(worst, Math.abs(packed[t * v + k] - alone));
          }
        }
        System.out.printf("%s packed vs separate: max abs diff %.2e%n", type, worst);
        assertTrue(worst < 1e-5, "max abs diff " + worst);
      }
    }
  }

  static float[] logits(GraphSession s, long[] ids, long[] mask, long[] pos, long[] seg) {
    Map<String, OnnxTensor> in = new HashMap<>();
    in.put("input_ids", Tensors.longs(ids, 1, ids.length));
    in.put("attention_mask", Tensors.longs(mask, 1, ids.length));
    in.put("position_ids", Tensors.longs(pos, 1, ids.length));
    in.put("segment_ids", Tensors.longs(seg, 1, ids.length));
    try (OrtSession.Result r = s.run(in)) {
      return Tensors.toFloats(r.get("logits").get());
    } finally {
      in.values().forEach(OnnxTensor::close);
    }
  }
}
