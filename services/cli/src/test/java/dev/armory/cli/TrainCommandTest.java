package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.data.DemoDatasets;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
  @TempDir Path dir;

  @Test
  void trainsAnAdapterOnTheBundledDataset() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.QWEN2, model, 3);
    Path data = dir.resolve("demo.jsonl");
    DemoDatasets.copy(DemoDatasets.INSTRUCTIONS, data);
    Path out = dir.resolve("run");
    CliRun run =
        CliRun.of(
            "train",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--max-steps",
            "4",
            "--batch-size",
            "4",
            "--eval-every",
            "2",
            "--save-every",
            "2",
            "--no-progress");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("completed after 4/4 steps"), run.out());
    assertTrue(Files.isRegularFile(out.resolve("adapter/adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(out.resolve("metrics.jsonl")));
    assertTrue(Files.readString(out.resolve("manifest.json")).contains("qlora"));

    // --resume with a higher --max-steps continues from the last checkpoint.
    CliRun more =
        CliRun.of(
            "train",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--max-steps",
            "6",
            "--batch-size",
            "4",
            "--eval-every",
            "2",
            "--save-every",
            "2",
            "--no-progress",
            "--resume");
    assertEquals(0, more.exitCode(), more.err());
    assertTrue(more.out().contains("completed after 6/6 steps"), more.out());
  }

  @Test
  void aBadDataLineFailsWithItsNumber() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    Path data = dir.resolve("bad.jsonl");
    Files.writeString(
        data,
        "{\"instruction\": \"Say hi\", \"output\": \"hi\"}\n{\"instruction\": \"Say bye\"}\n");
    CliRun run =
        CliRun.of(
            "train",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("run").toString(),
            "--max-steps",
            "1",
            "--no-progress");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("line 2"), run.err());
    assertTrue(run.err().contains("output"), run.err());
  }

  @Test
  void helpDescribesEveryOption() {
    CliRun run = CliRun.of("train", "--help");
    assertEquals(0, run.exitCode());
    for (String option :
        new String[] {
          "--model",
          "--data",
          "--quant",
          "--target-modules",
          "--r",
          "--resume",
          "--packing",
          "--device"
        }) {
      assertTrue(run.out().contains(option), option);
    }
  }
}
