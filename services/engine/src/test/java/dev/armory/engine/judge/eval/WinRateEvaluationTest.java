package dev.armory.engine.judge.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Reply;
import dev.armory.engine.judge.FixedCandidates;
import dev.armory.engine.judge.JudgeBrains;
import dev.armory.engine.judge.JudgePanel;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.judge.rules.ConstitutionReader;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WinRateEvaluationTest {
  static final Constitution NO_SHOUTING =
      ConstitutionReader.parse(
          "rules:\n  - id: no-shouting\n    forbidden: \"[A-Z]{4,}\"\n",
          "rules.yaml",
          "no-shouting",
          null);

  static final List<PromptEntry> GOLDEN =
      List.of(
          new PromptEntry("add", "What is 2+2?", "4"),
          new PromptEntry("capital", "Capital of France?", "Paris"),
          new PromptEntry("colour", "Colour of the sky?", "blue"),
          new PromptEntry("greet", "Greet me.", "hello"));

  LocalChatCompletionsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** Adapter answers under "new", baseline under {@code baseline}. */
  static FixedCandidates answers(String baseline) {
    return new FixedCandidates()
        .put("new", "What is 2+2?", "5")
        .put(baseline, "What is 2+2?", "4")
        .put("new", "Capital of France?", "It is Paris")
        .put(baseline, "Capital of France?", "Paris")
        .put("new", "Colour of the sky?", "blue")
        .put(baseline, "Colour of the sky?", "red")
        .put("new", "Greet me.", "HELLO THERE")
        .put(baseline, "Greet me.", "hello");
  }

  @Test
  void winRateWithIntervalAndRegressionsOnBaseScenarios() throws Exception {
    server = LocalChatCompletionsServer.start(JudgeBrains.prefersLonger());
    JudgePanel panel = new JudgePanel(NO_SHOUTING, List.of(JudgeBrains.judge(server)));
    EvalOptions options = EvalOptions.of(PromptFormat.RAW, "new").withAdapterName("new-adapter");
    EvalReport report =
        new WinRateEvaluation(
                answers(null), panel, new ReferenceMatch(ReferenceMatch.Mode.CONTAINS), options)
            .run(GOLDEN, GOLDEN, null);
    System.out.println(report.render());
    // add: "5" vs "4" same length, tie; capital: longer adapter wins; colour: "blue" > "red" wins;
    // greet: the adapter shouts, vetoed by the rules, loss.
    List<Comparison.Result> results =
        report.comparisons().stream().map(Comparison::result).toList();
    assertEquals(
        List.of(
            Comparison.Result.TIE,
            Comparison.Result.WIN,
            Comparison.Result.WIN,
            Comparison.Result.LOSS),
        results);
    WinRate w = report.winRate();
    assertEquals(2, w.wins());
    assertEquals(1, w.losses());
    assertEquals(1, w.ties());
    assertEquals(0.625, w.rate(), 1e-12);
    assertEquals(WilsonInterval.of(2.5, 4, 0.95), w.interval());
    assertEquals(6, server.requests().size(), "three pairs reach the LLM judge, two orders each");

    ScenarioCheck s = report.scenarios();
    assertEquals(4, s.scenarios());
    assertEquals(3, s.baselinePassed(), "red does not contain blue");
    assertEquals(2, s.adapterPassed());
    assertEquals(
        List.of("add", "greet"), s.regressions().stream().map(r -> r.scenario().id()).toList());
    assertEquals("does not contain the reference", s.regressions().get(0).why());
    assertTrue(
        s.regressions().get(1).why().startsWith("vetoed by no-shouting"),
        s.regressions().get(1).why());
    assertEquals("4", s.regressions().get(0).baselineAnswer());
    assertEquals("5", s.regressions().get(0).adapterAnswer());

    String text = report.render();
    assertTrue(
        text.contains(
            "new-adapter vs base, judged by rules:no-shouting then llm:openai:local-judge"),
        text);
    assertTrue(text.contains("4 compared: 2 wins, 1 losses, 1 ties, 0 excluded"), text);
    assertTrue(
        text.contains(
            String.format(
                java.util.Locale.ROOT,
                "win rate: 0.625 (ties count half; n = 4), 95%% Wilson interval [%.3f, %.3f]",
                w.interval().lower(),
                w.interval().upper())),
        text);
    assertTrue(text.contains("regressions (base passed, new-adapter failed): 2"), text);
    assertTrue(text.contains("[add] What is 2+2?"), text);
    assertEquals(2, report.toJson().path("scenarios").path("regressions").size());
  }

  @Test
  void againstAnotherAdapterWithTiesExcluded() throws Exception {
    server = LocalChatCompletionsServer.start(JudgeBrains.prefersLonger());
    JudgePanel panel = new JudgePanel(null, List.of(JudgeBrains.judge(server)));
    EvalOptions options =
        EvalOptions.of(PromptFormat.RAW, "new")
            .withBaseline("old", "old-adapter")
            .withTieHandling(TieHandling.EXCLUDE);
    FixedCandidates source = answers("old");
    EvalReport report =
        new WinRateEvaluation(source, panel, null, options).run(GOLDEN, List.of(), null);
    // No rules: the shouting answer is longer and wins.
    assertEquals(3, report.winRate().wins());
    assertEquals(0, report.winRate().losses());
    assertEquals(1, report.winRate().ties());
    assertEquals(3, report.winRate().n());
    assertEquals(1.0, report.winRate().rate());
    assertTrue(source.requests().stream().anyMatch(r -> "old".equals(r.adapterId())));
    assertTrue(
        source.requests().stream().noneMatch(r -> r.adapterId() == null),
        "the base model is not asked");
    assertEquals(0, report.scenarios().scenarios());
  }

  @Test
  void unparseableVerdictsAreExcludedAndUngradableScenariosUndetermined() throws Exception {
    // The judge grades references sensibly but never gives a pairwise verdict.
    server =
        LocalChatCompletionsServer.start(
            r -> {
              String user = r.lastMessage("user");
              if (user.contains("Reference answer:")) {
                String answer =
                    user.substring(
                        user.indexOf("\n\nAnswer:\n") + 10, user.indexOf("\n\nDoes the answer"));
                String reference =
                    user.substring(
                        user.indexOf("Reference answer:\n") + 18, user.indexOf("\n\nAnswer:\n"));
                if (answer.equals("blue")) {
                  return Reply.completion("Hard to say.");
                }
                return Reply.completion(
                    "Verdict: " + (answer.toLowerCase().contains(reference) ? "PASS" : "FAIL"));
              }
              return Reply.completion("Both are fine.");
            });
    JudgePanel panel = new JudgePanel(null, List.of(JudgeBrains.judge(server)));
    LlmReferenceGrader grader =
        new LlmReferenceGrader(JudgeBrains.judge(server).model(), ChatOptions.greedy(32));
    EvalReport report =
        new WinRateEvaluation(answers(null), panel, grader, EvalOptions.of(PromptFormat.RAW, "new"))
            .run(GOLDEN, GOLDEN, null);
    System.out.println(report.render());
    assertEquals(4, report.winRate().excluded());
    assertEquals(0, report.winRate().n());
    assertTrue(report.render().contains("win rate: n/a"), report.render());
    ScenarioCheck s = report.scenarios();
    assertEquals(1, s.undetermined(), "the grader gave no verdict on 'blue'");
    assertEquals(List.of("add"), s.regressions().stream().map(r -> r.scenario().id()).toList());
    assertTrue(s.check().contains("the judge grades it PASS"), s.check());
    assertNull(report.toJson().path("win_rate").get("rate"));
  }
}
