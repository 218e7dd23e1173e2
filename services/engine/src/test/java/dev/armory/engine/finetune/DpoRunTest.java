package dev.armory.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.data.EncodeOptions;
import dev.armory.engine.data.ExampleEncoder;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.PreferenceExample;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.LoraLinears;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.train.ProgressListener;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.engine.train.TrainingResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DPO end to end on a generated tiny model: rewards, metrics, plot, and the greedy answer. */
class DpoRunTest {
  @TempDir Path dir;

  static final String[] THINGS = {"box", "cup", "door", "lamp", "key", "hat", "book", "coin"};

  /** Pairs whose chosen answer is a polite yes and rejected one a curt no, for varied prompts. */
  static Path preferences(Path dir, int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String thing = THINGS[i % THINGS.length] + " " + i;
      lines.add(
          "{\"prompt\": \"May I open the "
              + thing
              + "? Answer:\", \"chosen\": \" Yes, please do.\", \"rejected\": \" No.\"}");
    }
    Path f = dir.resolve("prefs.jsonl");
    Files.write(f, lines);
    return f;
  }

  static FineTuneRequest request(Path model, Path data, Path run, BaseWeights base, int steps) {
    TrainingConfig t =
        TrainingConfig.builder()
            .learningRate(1e-2)
            .warmupSteps(2)
            .maxSteps(steps)
            .microBatchSize(4)
            .saveEverySteps(1000)
            .evalEverySteps(steps)
            .logEverySteps(1)
            .plotEverySteps(1000)
            .seed(11)
            .build();
    LoraConfig lora =
        LoraConfig.defaults().withRank(8).withAlpha(16).withTargets(new TargetModules.AllLinear());
    return new FineTuneRequest(
            model,
            data,
            null,
            0.25,
            run,
            base,
            lora,
            t,
            64,
            false,
            false,
            false,
            SessionConfig.defaults().withThreads(2))
        .withDpo(DpoOptions.defaults().withBeta(0.1));
  }

  @Test
  void qloraDpoRaisesRewardAccuracyAndMarginAndMovesTheGreedyAnswerToChosen() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 1);
    Path data = preferences(dir, 32);
    Path run = dir.resolve("run");
    double before = greedyChosenRecall(model, data, null);
    TrainingResult r =
        new FineTuneRun(request(model, data, run, BaseWeights.NF4, 40)).console(null).run(false);
    assertEquals(40, r.steps());
    double after = greedyChosenRecall(model, data, run.resolve("adapter"));

    List<JsonNode> train = new ArrayList<>();
    JsonNode eval = null;
    ObjectMapper json = new ObjectMapper();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      JsonNode n = json.readTree(line);
      if (n.get("type").asText().equals("train")) {
        train.add(n);
      } else {
        eval = n;
      }
    }
    JsonNode first = train.get(0);
    JsonNode last = train.get(train.size() - 1);
    double lateAccuracy = 0;
    for (JsonNode n : train.subList(train.size() - 5, train.size())) {
      lateAccuracy += n.get(DpoStats.REWARDS_ACCURACY).asDouble() / 5;
    }
    System.out.printf(
        "DPO tiny llama (NF4): loss %.4f -> %.4f, accuracy %.2f -> %.2f (last 5 steps),"
            + " margin %.4f -> %.4f, eval accuracy %.2f margin %.4f; greedy answers hold %.0f%%"
            + " of the chosen tokens before, %.0f%% after%n",
        first.get("loss").asDouble(),
        last.get("loss").asDouble(),
        first.get(DpoStats.REWARDS_ACCURACY).asDouble(),
        lateAccuracy,
        first.get(DpoStats.REWARDS_MARGIN).asDouble(),
        last.get(DpoStats.REWARDS_MARGIN).asDouble(),
        eval.get("eval_" + DpoStats.REWARDS_ACCURACY).asDouble(),
        eval.get("eval_" + DpoStats.REWARDS_MARGIN).asDouble(),
        100 * before,
        100 * after);
    // Step 1 sees the starting policy, which is the reference.
    assertEquals(Math.log(2), first.get("loss").asDouble(), 1e-4);
    assertEquals(0.5, first.get(DpoStats.REWARDS_ACCURACY).asDouble(), 0.13);
    assertTrue(lateAccuracy >= 0.9, "reward accuracy " + lateAccuracy);
    assertTrue(
        last.get(DpoStats.REWARDS_MARGIN).asDouble() > 1.0,
        "the margin grows: " + last.get(DpoStats.REWARDS_MARGIN));
    assertTrue(last.get("loss").asDouble() < 0.3 * Math.log(2), "loss " + last.get("loss"));
    assertTrue(eval.get("eval_" + DpoStats.REWARDS_ACCURACY).asDouble() >= 0.9, eval.toString());
    assertTrue(after >= 0.5 && after > before + 0.3, "chosen recall " + before + " -> " + after);
    assertTrue(Files.isRegularFile(run.resolve("loss.png")));
    String manifest = Files.readString(run.resolve("manifest.json"));
    assertTrue(manifest.contains("\"objective\" : \"dpo\""), manifest);
    assertTrue(manifest.contains("\"dpo_beta\" : 0.1"), manifest);
  }

  /**
   * How much of the chosen completion greedy decoding produces: per prompt, the fraction of the
   * chosen completion's tokens found in the greedy continuation (its length plus two, so an answer
   * shifted by a token still counts), averaged over prompts.
   */
  static double greedyChosenRecall(Path model, Path data, Path adapterDir) throws Exception {
    try (HfModelDir m = HfModelDir.open(model);
        HfTokenizer tokenizer = HfTokenizer.load(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      List<PreferenceExample> pairs =
          new ExampleEncoder(tokenizer, EncodeOptions.of(64))
              .encodePreferences(JsonlDatasetReader.read(data, ReadOptions.defaults()))
              .pairs();
      LoraAdapter adapter = adapterDir == null ? null : LoraAdapter.load(adapterDir, arch);
      double recall = 0;
      try (FullRecomputeGenerator g =
          adapter == null
              ? new FullRecomputeGenerator(arch.bind(m.weights()), SessionConfig.defaults())
              : new FullRecomputeGenerator(
                  arch.bind(m.weights()),
                  p -> LoraLinears.frozen(new DenseLinears(p), adapter),
                  SessionConfig.defaults())) {
        for (PreferenceExample pair : pairs) {
          long[] prompt = Arrays.stream(pair.promptIds()).asLongStream().toArray();
          int[] chosen = pair.chosenIds();
          long[] out =
              g.generate(prompt, chosen.length + 2, Set.of(), TokenChooser.greedy(), id -> {})
                  .newTokens();
          List<Long> left = new ArrayList<>(Arrays.stream(out).boxed().toList());
          int found = 0;
          for (int id : chosen) {
            found += left.remove(Long.valueOf(id)) ? 1 : 0;
          }
          recall += (double) found / chosen.length / pairs.size();
          if (pair == pairs.get(0)) {
            System.out.println(
                (adapter == null ? "greedy, base model: " : "greedy, DPO adapter: ")
                    + tokenizer.decode(Arrays.stream(out).mapToInt(v -> (int) v).toArray(), false)
                    + "  (chosen:"
                    + tokenizer.decode(chosen, false)
                    + ")");
          }
        }
      }
      return recall;
    }
  }

  static final class Steps implements ProgressListener {
    final List<Double> losses = new ArrayList<>();
    final List<Double> margins = new ArrayList<>();

    @Override
    public void stepped(StepProgress p) {
      losses.add(p.loss());
      margins.add(p.metrics().get(DpoStats.REWARDS_MARGIN));
    }
  }

  @Test
  void resumedLoraDpoRunRepeatsTheUninterruptedOne() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.GPT2, model, 1);
    Path data = preferences(dir, 16);
    Steps full = new Steps();
    new FineTuneRun(request(model, data, dir.resolve("full"), BaseWeights.FLOAT32, 12))
        .listener(full)
        .console(null)
        .run(false);
    Steps part = new Steps();
    FineTuneRun first =
        new FineTuneRun(request(model, data, dir.resolve("part"), BaseWeights.FLOAT32, 12));
    first
        .listener(
            new ProgressListener() {
              @Override
              public void stepped(StepProgress p) {
                if (p.step() == 5) {
                  first.requestStop();
                }
              }
            })
        .listener(part)
        .console(null)
        .run(false);
    assertEquals(5, part.losses.size(), "stopped after step 5");
    // The resumed run recomputes the reference from the starting adapter, not the checkpoint's.
    new FineTuneRun(request(model, data, dir.resolve("part"), BaseWeights.FLOAT32, 12))
        .listener(part)
        .console(null)
        .run(true);
    System.out.println("DPO gpt2 (fp32 LoRA) margins " + full.margins);
    assertEquals(full.losses.size(), part.losses.size());
    for (int i = 0; i < full.losses.size(); i++) {
      assertEquals(full.losses.get(i), part.losses.get(i), 1e-6, "loss of step " + (i + 1));
      assertEquals(full.margins.get(i), part.margins.get(i), 1e-6, "margin of step " + (i + 1));
    }
    assertTrue(full.margins.get(11) > full.margins.get(0), "the margin grows: " + full.margins);
  }

  @Test
  void supervisedDataIsRefusedForDpoAndPairsForSft() throws Exception {
    Path model = dir.resolve("model");
    TinyModelGenerator.generate(ModelType.GPT2, model, 1);
    Path sft = FineTuneRunTest.mappingData(dir);
    Exception dpo =
        assertThrows(
            Exception.class,
            () ->
                new FineTuneRun(request(model, sft, dir.resolve("a"), BaseWeights.NF4, 2))
                    .console(null)
                    .run(false));
    assertTrue(dpo.getMessage().contains("mapping.jsonl"), dpo.getMessage());
    assertTrue(dpo.getMessage().contains("preference"), dpo.getMessage());
    Path prefs = preferences(dir, 8);
    Exception asSft =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new FineTuneRun(
                        request(model, prefs, dir.resolve("b"), BaseWeights.NF4, 2).withDpo(null))
                    .console(null)
                    .run(false));
    assertTrue(asSft.getMessage().contains("--objective dpo"), asSft.getMessage());
  }
}
