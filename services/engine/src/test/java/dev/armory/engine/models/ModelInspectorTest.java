package dev.armory.engine.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelInspectorTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void countsEqualTheSumOfTensorSizesAndTargetsAreListed(ModelType type) throws Exception {
    TinyModelGenerator.writeModel(
        TinyModelGenerator.tinyConfig(type, ModelArchitectureTest.VOCAB), dir, 7);
    try (HfModelDir model = HfModelDir.open(dir)) {
      ModelInspection r = ModelInspector.inspect(model);
      long sum = model.weights().tensors().stream().mapToLong(TensorInfo::elementCount).sum();
      assertEquals(sum, r.totalParameters());
      assertEquals(sum, r.parametersByKind().values().stream().mapToLong(Long::longValue).sum());
      assertEquals(model.weights().names().size(), r.parameters().size());
      List<String> defaults =
          r.targets().stream()
              .filter(ModelInspection.TargetGroup::defaultLoraTarget)
              .map(ModelInspection.TargetGroup::relativeName)
              .toList();
      if (type == ModelType.GPT2) {
        assertEquals(
            List.of("attn.c_attn", "attn.c_proj", "mlp.c_fc", "mlp.c_proj"),
            r.targets().stream().map(ModelInspection.TargetGroup::relativeName).toList());
        assertEquals(List.of("attn.c_attn", "attn.c_proj", "mlp.c_proj"), defaults);
      } else {
        assertEquals(7, r.targets().size());
        assertEquals(
            List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
            defaults);
      }
      String text = r.toText();
      assertTrue(text.contains(String.format("Parameters: %,d total", sum)), text);
      assertTrue(text.startsWith("Model: " + dir), text);
      JsonNode json = r.toJson();
      assertEquals(sum, json.get("totalParameters").asLong());
      assertEquals(type.hfName(), json.get("modelType").asText());
      assertEquals(
          type != ModelType.LLAMA && type != ModelType.MISTRAL,
          json.get("tiedEmbeddings").asBoolean());
    }
  }

  @Test
  void stories260KReports260032ParametersAndTiedEmbeddings() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    try (HfModelDir model = HfModelDir.open(stories.get())) {
      ModelInspection r = ModelInspector.inspect(model);
      assertEquals(260_032, r.totalParameters());
      assertTrue(r.tiedEmbeddings());
      assertEquals(0L, r.parametersByKind().get(ParameterKind.LM_HEAD));
      assertTrue(r.toText().contains("Parameters: 260,032 total; tied embeddings: yes"));
      System.out.println(r.toText());
    }
  }
}
