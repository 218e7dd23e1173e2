package dev.armory.engine.judge.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.judge.EngineCandidateSource;
import dev.armory.engine.judge.JudgeBrains;
import dev.armory.engine.judge.JudgePanel;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adapter vs base on a tiny model served in-process, judged by the local OpenAI-compatible server.
 */
class TinyModelEvaluationTest {
  @TempDir Path dir;

  /** A LoRA adapter with random non-zero factors, so it changes the model's answers. */
  static Path randomAdapter(Path model, Path out, long seed) throws Exception {
    try (HfModelDir m = HfModelDir.open(model)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter adapter =
          LoraAdapter.initialise(
              arch,
              LoraConfig.defaults()
                  .withRank(4)
                  .withAlpha(8)
                  .withTargets(new TargetModules.AllLinear()),
              seed);
      SplittableRandom random = new SplittableRandom(seed);
      for (LoraAdapter.Module module : adapter.modules()) {
        for (FloatBuffer b : List.of(module.a(), module.b())) {
          for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (random.nextGaussian() * 0.3));
          }
        }
      }
      adapter.save(out);
    }
    return out;
  }

  @Test
  void adapterVersusBaseOnATinyModel() throws Exception {
    Path model = dir.resolve("tiny");
    TinyModelGenerator.generate(ModelType.QWEN2, model, 4);
    Path adapter = randomAdapter(model, dir.resolve("adapter"), 9);
    List<PromptEntry> prompts =
        List.of(
            new PromptEntry("1", "Tell me a story.", null),
            new PromptEntry("2", "What is two plus two?", "4"),
            new PromptEntry("3", "Name a colour.", null),
            new PromptEntry("4", "Say hello.", null));
    EvalReport report;
    try (LocalChatCompletionsServer server =
            LocalChatCompletionsServer.start(JudgeBrains.prefersLonger());
        DecodeEngine engine = DecodeEngine.open(model, EngineConfig.defaults())) {
      engine.adapters().register("adapter", adapter);
      EvalOptions options = EvalOptions.of(PromptFormat.CHAT, "adapter").withMaxNewTokens(8);
      report =
          new WinRateEvaluation(
                  new EngineCandidateSource(engine),
                  new JudgePanel(null, List.of(JudgeBrains.judge(server))),
                  new ReferenceMatch(ReferenceMatch.Mode.CONTAINS),
                  options)
              .run(prompts, prompts, null);
    }
    System.out.println(report.render());
    WinRate w = report.winRate();
    assertEquals(4, w.wins() + w.losses() + w.ties() + w.excluded());
    assertTrue(
        report.comparisons().stream().anyMatch(c -> !c.adapterAnswer().equals(c.baselineAnswer())),
        "the adapter changes the answers");
    // The judge prefers the longer answer: each result follows from the two answers.
    for (Comparison c : report.comparisons()) {
      int byLength =
          Integer.compare(c.adapterAnswer().strip().length(), c.baselineAnswer().strip().length());
      Comparison.Result expected =
          byLength > 0
              ? Comparison.Result.WIN
              : byLength < 0 ? Comparison.Result.LOSS : Comparison.Result.TIE;
      assertEquals(expected, c.result(), c.adapterAnswer() + " vs " + c.baselineAnswer());
    }
    assertEquals(1, report.scenarios().scenarios(), "one prompt has a reference");
  }
}
