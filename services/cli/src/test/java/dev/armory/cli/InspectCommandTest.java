package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.safetensors.TensorInfo;
import dev.armory.engine.safetensors.WeightStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InspectCommandTest {
  @TempDir Path dir;

  static long sumOfTensorSizes(Path modelDir) throws Exception {
    try (WeightStore w = WeightStore.open(modelDir)) {
      return w.tensors().stream().mapToLong(TensorInfo::elementCount).sum();
    }
  }

  @ParameterizedTest
  @EnumSource(ModelType.class)
  void inspectOfATinyModelListsTheTargetsAndCountsEveryTensor(ModelType type) throws Exception {
    Path model = dir.resolve(type.hfName());
    CliRun made =
        CliRun.of("dev", "make-tiny-model", "--arch", type.hfName(), "--out", model.toString());
    assertEquals(0, made.exitCode(), made.err());
    long sum = sumOfTensorSizes(model);

    CliRun text = CliRun.of("inspect", model.toString());
    assertEquals(0, text.exitCode(), text.err());
    assertTrue(text.out().contains(String.format("Parameters: %,d total", sum)), text.out());
    assertTrue(text.out().contains(type.causalLmClass() + "(\n"), text.out());

    CliRun json = CliRun.of("inspect", model.toString(), "--json");
    assertEquals(0, json.exitCode(), json.err());
    JsonNode report = new ObjectMapper().readTree(json.out());
    assertEquals(sum, report.get("totalParameters").asLong());
    List<String> names = new ArrayList<>();
    List<String> defaults = new ArrayList<>();
    for (JsonNode g : report.get("targetModules")) {
      names.add(g.get("name").asText());
      if (g.get("defaultLoraTarget").asBoolean()) {
        defaults.add(g.get("path").asText());
      }
    }
    if (type == ModelType.GPT2) {
      assertEquals(List.of("c_attn", "c_proj", "c_fc", "c_proj"), names);
      assertEquals(List.of("attn.c_attn", "attn.c_proj", "mlp.c_proj"), defaults);
      assertEquals(
          "transformer.h.1.attn.c_attn",
          report.get("targetModules").get(0).get("modules").get(1).asText());
    } else {
      assertEquals(
          List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
          names);
      assertEquals(
          List.of("self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj"),
          defaults);
      assertEquals(
          "model.layers.1.self_attn.q_proj",
          report.get("targetModules").get(0).get("modules").get(1).asText());
    }
  }

  @Test
  void stories260KReports260032ParametersAndTiedEmbeddings() {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    CliRun run = CliRun.of("inspect", stories.get().toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("Parameters: 260,032 total; tied embeddings: yes"), run.out());
    assertTrue(run.out().contains("(0-4): 5 x LlamaDecoderLayer("), run.out());
  }

  @Test
  void missingDirectoryIsOneClearLineAndNonZeroExit() {
    Path nowhere = dir.resolve("nowhere");
    CliRun run = CliRun.of("inspect", nowhere.toString());
    assertEquals(1, run.exitCode());
    assertTrue(
        run.err().startsWith("armory inspect: " + nowhere + ": model directory does not exist\n"),
        run.err());
    assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run.err());
  }

  @Test
  void verbosePrintsTheStackTrace() {
    CliRun run = CliRun.of("inspect", dir.resolve("nowhere").toString(), "--verbose");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("\tat "), run.err());
  }

  @Test
  void unknownArchitectureIsRejectedListingTheChoices() {
    CliRun run = CliRun.of("dev", "make-tiny-model", "--arch", "falcon", "--out", dir.toString());
    assertEquals(2, run.exitCode());
    assertTrue(
        run.err()
            .contains(
                "'falcon' is not a supported architecture; choose one of llama, mistral, qwen2, gpt2"),
        run.err());
  }

  @Test
  void helpDescribesEveryOption() {
    for (String[] args :
        List.of(
            new String[] {"inspect", "--help"},
            new String[] {"dev", "make-tiny-model", "--help"},
            new String[] {"demo", "--help"},
            new String[] {"up", "--help"},
            new String[] {"--help"})) {
      CliRun run = CliRun.of(args);
      assertEquals(0, run.exitCode());
      for (String line : run.out().split("\n")) {
        if (line.trim().startsWith("-")) {
          assertTrue(
              line.trim().matches("-.*\\S\\s{2,}\\S.*"),
              "option without description: '" + line + "'");
        }
      }
    }
    CliRun make = CliRun.of("dev", "make-tiny-model", "--help");
    assertTrue(make.out().contains("llama, mistral, qwen2, gpt2"), make.out());
  }
}
