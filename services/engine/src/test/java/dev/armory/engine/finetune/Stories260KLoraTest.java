package dev.armory.engine.finetune;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QLoRA on the real pretrained stories260K: stories about a robot named Zog lower the eval loss,
 * and greedy generation with the adapter turns to Zog where the base model does not.
 */
class Stories260KLoraTest {
  @TempDir Path dir;

  static final String[] DEEDS = {
    "liked to play in the park",
    "wanted to find a red ball",
    "had a little dog",
    "loved to eat cake",
    "went to the big tree",
    "saw a pretty bird",
    "helped his mom",
    "built a tall tower",
    "danced in the rain",
    "found a shiny stone"
  };

  static Path zogStories(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String deed = DEEDS[i % DEEDS.length];
      String other = DEEDS[(i * 7 + 3) % DEEDS.length];
      lines.add(
          "{\"text\": \"Once upon a time, there was a robot named Zog. Zog "
              + deed
              + ". One day, Zog "
              + other
              + ". Zog was very happy.\"}");
    }
    Path f = dir.resolve("zog.jsonl");
    Files.write(f, lines);
    return f;
  }

  @Test
  void qloraOnRealWeightsLowersEvalLossAndTurnsGenerationTowardTheData() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println("skipped: " + SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    Path model = stories.get();
    TrainingConfig t =
        TrainingConfig.builder()
            .learningRate(2e-3)
            .warmupSteps(5)
            .maxSteps(40)
            .microBatchSize(8)
            .evalEverySteps(10)
            .saveEverySteps(1000)
            .logEverySteps(20)
            .plotEverySteps(1000)
            .seed(3)
            .build();
    LoraConfig lora =
        LoraConfig.defaults().withRank(8).withAlpha(16).withTargets(new TargetModules.AllLinear());
    Path run = dir.resolve("run");
    List<Double> evals = new ArrayList<>();
    FineTuneRun fineTune =
        new FineTuneRun(
                new FineTuneRequest(
                    model,
                    zogStories(dir),
                    null,
                    0.2,
                    run,
                    BaseWeights.NF4,
                    lora,
                    t,
                    128,
                    false,
                    false,
                    false,
                    SessionConfig.defaults()))
            .listener(
                new ProgressListener() {
                  @Override
                  public void evaluated(EvalProgress p) {
                    evals.add(p.evalLoss());
                  }
                })
            .console(null);
    fineTune.run(false);
    double base = fineTune.baseEvalLoss();
    System.out.println("stories260K QLoRA: base eval loss " + base + ", eval losses " + evals);
    double best = evals.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    assertTrue(
        best < 0.7 * base, "eval loss must fall below the base model's: " + base + " -> " + evals);

    try (HfModelDir m = HfModelDir.open(model);
        HfTokenizer tokenizer = HfTokenizer.load(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter adapter = LoraAdapter.load(run.resolve("adapter"), arch);
      long[] prompt =
          Arrays.stream(tokenizer.encode("Once upon a time, there was a", true))
              .asLongStream()
              .toArray();
      String baseText;
      String tuned;
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(arch.bind(m.weights()), SessionConfig.defaults())) {
        baseText =
            decode(
                tokenizer,
                g.generate(prompt, 24, Set.of(), TokenChooser.greedy(), id -> {}).newTokens());
      }
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(
              arch.bind(m.weights()),
              p -> LoraLinears.frozen(new DenseLinears(p), adapter),
              SessionConfig.defaults())) {
        tuned =
            decode(
                tokenizer,
                g.generate(prompt, 24, Set.of(), TokenChooser.greedy(), id -> {}).newTokens());
      }
      System.out.println("base:    Once upon a time, there was a" + baseText);
      System.out.println("adapter: Once upon a time, there was a" + tuned);
      assertFalse(baseText.contains("Zog"), baseText);
      assertTrue(tuned.contains("Zog"), tuned);
    }
  }

  static String decode(HfTokenizer t, long[] ids) {
    return t.decode(Arrays.stream(ids).mapToInt(v -> (int) v).toArray(), true);
  }
}
