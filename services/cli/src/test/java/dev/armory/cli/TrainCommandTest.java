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
          "--device",
          "--objective",
          "--beta",
          "--label-smoothing",
          "--start-adapter"
        }) {
      assertTrue(run.out().contains(option), option);
    }
  }

  static String textPairs(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"prompt\": \"May I open box ")
          .append(i)
          .append("? Answer:\", \"chosen\": \" Yes, please do.\", \"rejected\": \" No.\"}\n");
    }
    return b.toString();
  }

  @Test
  void dpoTrainsOnPreferencePairsAndReportsRewards() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    Path data = dir.resolve("prefs.jsonl");
    Files.writeString(data, textPairs(16));
    Path out = dir.resolve("dpo");
    CliRun run =
        CliRun.of(
            "train",
            "--objective",
            "dpo",
            "--beta",
            "0.1",
            "--label-smoothing",
            "0.05",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--lr",
            "1e-2",
            "--max-steps",
            "12",
            "--batch-size",
            "4",
            "--eval-fraction",
            "0.25",
            "--eval-every",
            "6",
            "--no-progress");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("reference log-probs (base model): 16 pairs"), run.out());
    assertTrue(run.out().contains("rewards/accuracy"), "step lines carry the rewards");
    assertTrue(run.out().contains("completed after 12/12 steps"), run.out());
    assertTrue(run.out().contains("rewards: accuracy"), run.out());
    String metrics = Files.readString(out.resolve("metrics.jsonl"));
    assertTrue(metrics.contains("\"rewards/margin\""), metrics);
    assertTrue(metrics.contains("\"eval_rewards/accuracy\""), metrics);
    String manifest = Files.readString(out.resolve("manifest.json"));
    assertTrue(manifest.contains("\"dpo_label_smoothing\" : 0.05"), manifest);

    // The adapter can start a second DPO run and be its reference; chat-formatted pairs work too.
    Path chat = dir.resolve("chat-prefs.jsonl");
    Files.writeString(
        chat,
        ("{\"prompt\": [{\"role\": \"user\", \"content\": \"Open it?\"}], \"chosen\":"
                + " [{\"role\": \"assistant\", \"content\": \"Yes, gladly.\"}], \"rejected\":"
                + " [{\"role\": \"assistant\", \"content\": \"No.\"}]}\n")
            .repeat(4));
    CliRun second =
        CliRun.of(
            "train",
            "--objective",
            "dpo",
            "--start-adapter",
            out.resolve("adapter").toString(),
            "--model",
            model.toString(),
            "--data",
            chat.toString(),
            "--out",
            dir.resolve("dpo2").toString(),
            "--max-steps",
            "2",
            "--eval-fraction",
            "0",
            "--no-progress");
    assertEquals(0, second.exitCode(), second.err());
    assertTrue(second.out().contains("reference log-probs (start adapter"), second.out());
  }

  @Test
  void aBadPreferenceLineFailsWithFileLineAndProblem() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.GPT2, model, 3);
    Path data = dir.resolve("prefs.jsonl");
    Files.writeString(
        data, textPairs(1) + "{\"prompt\": \"Q?\", \"chosen\": \" yes\"}\n" + textPairs(1));
    CliRun run =
        CliRun.of(
            "train",
            "--objective",
            "dpo",
            "--model",
            model.toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("run").toString(),
            "--no-progress");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains("prefs.jsonl"), run.err());
    assertTrue(run.err().contains("line 2"), run.err());
    assertTrue(run.err().contains("missing 'rejected'"), run.err());

    // Supervised data for DPO, and DPO flags for SFT, are refused with what to do.
    Path sft = dir.resolve("sft.jsonl");
    Files.writeString(sft, "{\"instruction\": \"Say hi\", \"output\": \"hi\"}\n");
    CliRun wrongData =
        CliRun.of(
            "train",
            "--objective",
            "dpo",
            "--model",
            model.toString(),
            "--data",
            sft.toString(),
            "--out",
            dir.resolve("run2").toString(),
            "--no-progress");
    assertEquals(1, wrongData.exitCode());
    assertTrue(wrongData.err().contains("sft.jsonl"), wrongData.err());
    assertTrue(wrongData.err().contains("prompt, chosen, rejected"), wrongData.err());
    CliRun betaForSft =
        CliRun.of(
            "train",
            "--beta",
            "0.2",
            "--model",
            model.toString(),
            "--data",
            sft.toString(),
            "--out",
            dir.resolve("run3").toString());
    assertTrue(betaForSft.exitCode() != 0);
    assertTrue(
        betaForSft.err().contains("--beta applies to --objective dpo only"), betaForSft.err());
  }
}
