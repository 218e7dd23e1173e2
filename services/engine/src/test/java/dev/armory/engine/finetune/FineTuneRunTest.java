package dev.armory.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.train.ProgressListener;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.engine.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA/QLoRA fine-tuning end to end on a generated tiny model. */
class FineTuneRunTest {
  @TempDir Path dir;

  static final String[] COLOURS = {"red", "blue", "green", "gold"};

  /** 32 chat examples of a fixed prompt → answer mapping. */
  static Path mappingData(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      lines.add(
          "{\"messages\": [{\"role\": \"user\", \"content\": \"Colour of box "
              + i
              + "?\"}, {\"role\": \"assistant\", \"content\": \"Box "
              + i
              + " is "
              + COLOURS[i % 4]
              + ".\"}]}");
    }
    Path f = dir.resolve("mapping.jsonl");
    Files.write(f, lines);
    return f;
  }

  static FineTuneRequest request(Path model, Path data, Path run, BaseWeights base, int steps) {
    TrainingConfig t =
        TrainingConfig.builder()
            .learningRate(1e-2)
            .warmupSteps(5)
            .maxSteps(steps)
            .microBatchSize(8)
            .saveEverySteps(10)
            .evalEverySteps(1000)
            .logEverySteps(10)
            .plotEverySteps(1000)
            .seed(7)
            .build();
    LoraConfig lora =
        LoraConfig.defaults().withRank(8).withAlpha(16).withTargets(new TargetModules.AllLinear());
    return new FineTuneRequest(
        model,
        data,
        null,
        0.0,
        run,
        base,
        lora,
        t,
        64,
        false,
        false,
        false,
        SessionConfig.defaults().withThreads(2));
  }

  static final class Losses implements ProgressListener {
    final List<Double> values = new ArrayList<>();

    @Override
    public void stepped(StepProgress p) {
      values.add(p.loss());
    }
  }

  @Test
  void qloraLearnsAFixedMapping() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 1);
    Losses losses = new Losses();
    TrainingResult r =
        new FineTuneRun(request(model, mappingData(dir), dir.resolve("run"), BaseWeights.NF4, 260))
            .listener(losses)
            .console(null)
            .run(false);
    for (int i = 0; i < losses.values.size(); i += 10) {
      System.out.printf("step %d loss %.4f%n", i + 1, losses.values.get(i));
    }
    double first = losses.values.get(0);
    double last = losses.values.get(losses.values.size() - 1);
    System.out.printf("QLoRA mapping: loss %.4f -> %.4f over %d steps%n", first, last, r.steps());
    assertTrue(last <= 0.1 * first, "loss must fall by >= 90%: " + first + " -> " + last);
    assertTrue(Files.isRegularFile(dir.resolve("run/adapter/adapter_model.safetensors")));
    assertTrue(Files.isRegularFile(dir.resolve("run/adapter/adapter_config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("run/loss.png")));
    String manifest = Files.readString(dir.resolve("run/manifest.json"));
    assertTrue(
        manifest.contains("\"method\" : \"qlora\"") || manifest.contains("\"method\":\"qlora\""),
        manifest);
  }

  @Test
  void resumedRunRepeatsTheUninterruptedLosses() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.GPT2, model, 1);
    Path data = mappingData(dir);
    Losses full = new Losses();
    new FineTuneRun(request(model, data, dir.resolve("full"), BaseWeights.NF4, 20))
        .listener(full)
        .console(null)
        .run(false);
    // Stop after step 7 (the trainer checkpoints on a requested stop), then resume to 20.
    Losses part = new Losses();
    FineTuneRun first =
        new FineTuneRun(request(model, data, dir.resolve("part"), BaseWeights.NF4, 20));
    first
        .listener(
            new ProgressListener() {
              @Override
              public void stepped(StepProgress p) {
                if (p.step() == 7) {
                  first.requestStop();
                }
              }
            })
        .listener(part)
        .console(null)
        .run(false);
    assertEquals(7, part.values.size(), "stopped after step 7");
    new FineTuneRun(request(model, data, dir.resolve("part"), BaseWeights.NF4, 20))
        .listener(part)
        .console(null)
        .run(true);
    assertEquals(full.values.size(), part.values.size());
    double[] a = full.values.stream().mapToDouble(Double::doubleValue).toArray();
    double[] b = part.values.stream().mapToDouble(Double::doubleValue).toArray();
    assertArrayEquals(a, b, 1e-6);
  }
}
