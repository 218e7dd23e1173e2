package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.graph.GraphBuilder;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.GraphSession;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.runtime.Tensors;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CausalLmGraphSmokeTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void forwardRunsAndGivesFiniteLogits(ModelType type) throws Exception {
    ModelConfig config =
        TinyModelGenerator.tinyConfig(type, new TinyModelGenerator.Vocabulary(300, 1, 2, 0));
    TinyModelGenerator.writeModel(config, dir, 7);
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelArchitecture arch = ModelArchitecture.of(model.config());
      GraphBuilder b = GraphBuilder.create(type.name());
      ForwardGraph f =
          CausalLmGraph.build(
              b,
              arch,
              ModelParameters.frozen(arch.bind(model.weights())),
              CausalLmGraph.Options.training());
      long[] ids = {5, 6, 7, 8, 9, 10, 11, 12};
      long[] mask = {1, 1, 1, 1, 0, 1, 1, 1};
      long[] labels = {6, 7, 8, -100, -100, 11, 12, -100};
      try (GraphSession s = GraphSession.create(b.graph(), SessionConfig.defaults());
          OnnxTensor ti = Tensors.longs(ids, 2, 4);
          OnnxTensor tm = Tensors.longs(mask, 2, 4);
          OnnxTensor tp = Tensors.longs(Positions.fromMask(mask, 2, 4), 2, 4);
          OnnxTensor tl = Tensors.longs(labels, 2, 4);
          OrtSession.Result r =
              s.run(
                  Map.of(
                      "input_ids", ti, "attention_mask", tm, "position_ids", tp, "labels", tl))) {
        float[] logits = Tensors.toFloats(r.get("logits").get());
        assertEquals(2 * 4 * 300, logits.length);
        for (float v : logits) {
          assertTrue(Float.isFinite(v));
        }
        float loss = Tensors.toFloats(r.get("loss").get())[0];
        System.out.println(type + " loss " + loss + " (ln V = " + Math.log(300) + ")");
        assertTrue(
            loss > 0.5 * Math.log(300) && loss < 1.6 * Math.log(300),
            "random init loss near ln(V): " + loss);
      }
    }
  }
}
