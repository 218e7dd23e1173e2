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
 * QLoRA DPO on the real pretrained stories260K: pairs preferring a robot named Zog over the girl
 * the base model tells of raise reward accuracy and margin, and greedy generation turns to Zog.
 */
class Stories260KDpoTest {
  @TempDir Path dir;

  static final String[] OPENINGS = {
    "Once upon a time, there was a",
    "One day, there was a",
    "Once upon a time, in a big forest, there was a",
    "Once upon a time, in a small town, there was a",
    "Long ago, there was a",
    "Once upon a time, there lived a"
  };

  static final String[][] ENDINGS = {
    {" robot named Zog. Zog liked to help.", " little girl named Lily. She liked to play."},
    {" robot named Zog. Zog was very kind.", " little girl named Lily. She was very happy."},
    {" robot named Zog. Zog had a red hat.", " little boy named Tim. He had a red ball."},
    {" robot named Zog. Zog loved to sing.", " little girl named Sue. She loved to sing."}
  };

  static Path pairs(Path dir) throws Exception {
    List<String> lines = new ArrayList<>();
    for (String opening : OPENINGS) {
      for (String[] e : ENDINGS) {
        lines.add(
            "{\"prompt\": \""
                + opening
                + "\", \"chosen\": \""
                + e[0]
                + "\", \"rejected\": \""
                + e[1]
                + "\"}");
      }
    }
    Path f = dir.resolve("zog-prefs.jsonl");
    Files.write(f, lines);
    return f;
  }

  @Test
  void dpoOnRealWeightsRaisesRewardsAndTurnsGenerationToChosen() throws Exception {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println("skipped: " + SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    Path model = stories.get();
    TrainingConfig t =
        TrainingConfig.builder()
            .learningRate(2e-3)
            .warmupSteps(3)
            .maxSteps(20)
            .microBatchSize(6)
            .evalEverySteps(1000)
            .saveEverySteps(1000)
            .logEverySteps(10)
            .plotEverySteps(1000)
            .seed(5)
            .build();
    LoraConfig lora =
        LoraConfig.defaults().withRank(8).withAlpha(16).withTargets(new TargetModules.AllLinear());
    List<ProgressListener.StepProgress> steps = new ArrayList<>();
    Path run = dir.resolve("run");
    new FineTuneRun(
            new FineTuneRequest(
                    model,
                    pairs(dir),
                    null,
                    0.0,
                    run,
                    BaseWeights.NF4,
                    lora,
                    t,
                    64,
                    false,
                    false,
                    false,
                    SessionConfig.defaults())
                .withDpo(DpoOptions.defaults().withBeta(0.5)))
        .listener(
            new ProgressListener() {
              @Override
              public void stepped(StepProgress p) {
                steps.add(p);
              }
            })
        .console(null)
        .run(false);
    var first = steps.get(0).metrics();
    double lateAccuracy = 0;
    double lateMargin = 0;
    for (var s : steps.subList(steps.size() - 5, steps.size())) {
      lateAccuracy += s.metrics().get(DpoStats.REWARDS_ACCURACY) / 5;
      lateMargin += s.metrics().get(DpoStats.REWARDS_MARGIN) / 5;
    }
    System.out.printf(
        "stories260K DPO (NF4): loss %.4f -> %.4f, accuracy %.2f -> %.2f, margin %.4f -> %.4f"
            + " (last 5 steps)%n",
        steps.get(0).loss(),
        steps.get(steps.size() - 1).loss(),
        first.get(DpoStats.REWARDS_ACCURACY),
        lateAccuracy,
        first.get(DpoStats.REWARDS_MARGIN),
        lateMargin);
    assertTrue(lateAccuracy >= 0.9, "reward accuracy " + lateAccuracy);
    assertTrue(lateMargin > 0.5, "reward margin " + lateMargin);

    try (HfModelDir m = HfModelDir.open(model);
        HfTokenizer tokenizer = HfTokenizer.load(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter adapter = LoraAdapter.load(run.resolve("adapter"), arch);
      long[] prompt =
          Arrays.stream(tokenizer.encode("Once upon a time, there was a", true))
              .asLongStream()
              .toArray();
      String base;
      String tuned;
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(arch.bind(m.weights()), SessionConfig.defaults())) {
        base = greedy(tokenizer, g, prompt);
      }
      try (FullRecomputeGenerator g =
          new FullRecomputeGenerator(
              arch.bind(m.weights()),
              p -> LoraLinears.frozen(new DenseLinears(p), adapter),
              SessionConfig.defaults())) {
        tuned = greedy(tokenizer, g, prompt);
      }
      System.out.println("base:        Once upon a time, there was a" + base);
      System.out.println("DPO adapter: Once upon a time, there was a" + tuned);
      assertFalse(base.contains("Zog"), base);
      assertTrue(tuned.contains("Zog"), tuned);
    }
  }

  static String greedy(HfTokenizer t, FullRecomputeGenerator g, long[] prompt) {
    long[] ids = g.generate(prompt, 16, Set.of(), TokenChooser.greedy(), id -> {}).newTokens();
    return t.decode(Arrays.stream(ids).mapToInt(v -> (int) v).toArray(), true);
  }
}
