package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** armory merge and armory export end to end, their help and their errors. */
class MergeExportCommandTest {
  @TempDir Path dir;

  private Path model() throws Exception {
    Path m = dir.resolve("base");
    TinyModelGenerator.generate(ModelType.LLAMA, m, 3);
    return m;
  }

  private Path adapter(Path model, String name, long seed) throws Exception {
    Path out = dir.resolve(name);
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter a =
          LoraAdapter.initialise(
              arch,
              LoraConfig.defaults()
                  .withRank(4)
                  .withAlpha(8)
                  .withTargets(new TargetModules.AllLinear()),
              seed);
      SplittableRandom random = new SplittableRandom(seed);
      for (LoraAdapter.Module mod : a.modules()) {
        for (int i = 0; i < mod.b().capacity(); i++) {
          mod.b().put(i, (float) (random.nextGaussian() * 0.05));
        }
      }
      a.save(out);
    }
    return out;
  }

  @Test
  void mergeWritesAModelThatInspectReads() throws Exception {
    Path model = model();
    Path a1 = adapter(model, "a1", 1);
    Path a2 = adapter(model, "a2", 2);
    Path out = dir.resolve("merged");
    CliRun run =
        CliRun.of(
            "merge",
            "--model",
            model.toString(),
            "--adapter",
            a1.toString(),
            "--adapter",
            a2.toString(),
            "--weights",
            "0.6,0.4",
            "--out",
            out.toString(),
            "--dtype",
            "bf16");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("merged 2 adapter(s) (linear) into"), run.out());
    assertTrue(run.out().contains("bf16 weights in 1 file(s)"), run.out());
    CliRun inspect = CliRun.of("inspect", out.toString());
    assertEquals(0, inspect.exitCode(), inspect.err());
    assertTrue(inspect.out().contains("LlamaForCausalLM"), inspect.out());
    JsonNode manifest = new ObjectMapper().readTree(out.resolve("armory_merge.json").toFile());
    assertEquals(0.6, manifest.get("adapters").get(0).get("weight").asDouble());
    assertEquals("bf16", manifest.get("dtype").asText());
  }

  @Test
  void mergeRejectsMismatchedWeightsAndTiesOptionsWithoutTies() throws Exception {
    Path model = model();
    Path a = adapter(model, "a", 1);
    CliRun wrong =
        CliRun.of(
            "merge",
            "--model",
            model.toString(),
            "--adapter",
            a.toString(),
            "--weights",
            "0.5,0.5",
            "--out",
            dir.resolve("x").toString());
    assertEquals(2, wrong.exitCode());
    assertTrue(wrong.err().contains("--weights has 2 value(s) for 1 --adapter(s)"), wrong.err());
    CliRun density =
        CliRun.of(
            "merge",
            "--model",
            model.toString(),
            "--adapter",
            a.toString(),
            "--density",
            "0.3",
            "--out",
            dir.resolve("y").toString());
    assertEquals(2, density.exitCode());
    assertTrue(density.err().contains("--density applies to --method ties only"), density.err());
    assertFalse(Files.exists(dir.resolve("x")));
  }

  @Test
  void exportValidatesAndReportsParity() throws Exception {
    Path model = model();
    Path a = adapter(model, "a", 1);
    Path out = dir.resolve("onnx");
    CliRun run =
        CliRun.of(
            "export",
            "--model",
            model.toString(),
            "--adapter",
            a.toString(),
            "--out",
            out.toString(),
            "--precision",
            "int4",
            "--int4-block-size",
            "16",
            "--parity-prompt",
            "Hello there",
            "--parity-tokens",
            "4");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("PASSED"), run.out());
    assertTrue(run.out().contains("int4 weights"), run.out());
    assertTrue(Files.isRegularFile(out.resolve("model.onnx")));
    JsonNode d = new ObjectMapper().readTree(out.resolve("model.onnx.json").toFile());
    assertEquals(16, d.path("precision").path("int4_block_size").asInt());
    JsonNode report = new ObjectMapper().readTree(out.resolve("parity_report.json").toFile());
    assertEquals("Hello there", report.get("prompts").get(0).get("text").asText());
    assertEquals(4, report.get("prompts").get(0).get("greedy_tokens").asInt());
  }

  @Test
  void exportOverItsThresholdFailsWithExitCodeOne() throws Exception {
    Path model = model();
    Path out = dir.resolve("onnx");
    CliRun run =
        CliRun.of(
            "export",
            "--model",
            model.toString(),
            "--out",
            out.toString(),
            "--precision",
            "fp16",
            "--max-abs-fp16",
            "1e-9",
            "--parity-tokens",
            "2");
    assertEquals(1, run.exitCode(), run.out() + run.err());
    assertTrue(
        run.err().contains("armory export: the exported fp16 model's logits differ"), run.err());
    assertFalse(Files.exists(out));
    assertTrue(Files.isDirectory(dir.resolve("onnx.rejected")));
  }

  @Test
  void helpDescribesEveryOption() {
    for (var c :
        List.of(
            List.of(
                "merge",
                "--model",
                "--adapter",
                "--weights",
                "--method",
                "--density",
                "--sign-election",
                "--base-weights",
                "--out",
                "--dtype",
                "--max-shard-size"),
            List.of(
                "export",
                "--model",
                "--adapter",
                "--weights",
                "--method",
                "--base-weights",
                "--out",
                "--precision",
                "--int4-block-size",
                "--int4-accuracy-level",
                "--parity-prompt",
                "--parity-tokens",
                "--max-abs-fp32",
                "--max-abs-fp16",
                "--max-abs-int4",
                "--threads"))) {
      CliRun help = CliRun.of(c.get(0), "--help");
      assertEquals(0, help.exitCode());
      for (String option : c.subList(1, c.size())) {
        assertTrue(help.out().contains(option), c.get(0) + " --help lacks " + option);
      }
    }
  }
}
