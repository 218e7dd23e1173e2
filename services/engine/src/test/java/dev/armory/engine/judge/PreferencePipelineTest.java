package dev.armory.engine.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.data.DataRecord;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.judge.rules.ConstitutionReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreferencePipelineTest {
  @TempDir Path dir;
  LocalChatCompletionsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  static final Constitution RULES =
      ConstitutionReader.parse(
          """
          name: arithmetic
          rules:
            - id: no-shouting
              forbidden: "[A-Z]{4,}"
            - id: says-four
              required: "\\\\b4\\\\b"
              action: score
              weight: 2
            - id: shows-work
              required: "2 \\\\+ 2"
              action: score
          """,
          "arithmetic.yaml",
          "arithmetic",
          null);

  static PipelineOptions options(PromptFormat format, int k) {
    return PipelineOptions.defaults(format).withK(k).withSampling(SamplingParams.sampled(0.7, 11));
  }

  @Test
  void rulesOrderAndVetoCandidatesAsSpecified() throws Exception {
    // Scores: "2 + 2 = 4" 3, "4" 2, "four" 0; "FOUR!!" is vetoed; plus a blank and a duplicate.
    FixedCandidates source =
        new FixedCandidates()
            .put(null, "What is 2+2?", "four", "2 + 2 = 4", "FOUR!!", "4", " ", "four");
    PreferenceRun run =
        new PreferencePipeline(
                source, new JudgePanel(RULES, List.of()), options(PromptFormat.RAW, 6))
            .run(List.of(new PromptEntry("p1", "What is 2+2?", null)), JudgeProgress.none());
    PreferenceSummary s = run.summary();
    System.out.println(s.describe());
    assertEquals(6, s.candidates());
    assertEquals(1, s.blankCandidates());
    assertEquals(1, s.duplicateCandidates());
    assertEquals(1, s.vetoedCandidates());
    assertEquals(Map.of("no-shouting", 1), s.vetoesByRule());
    assertEquals(6, s.pairsCompared(), "4 distinct answers: 6 pairs");
    assertEquals(6, s.keptByRules());
    // Every pair is ordered by the rules: vetoed last, then by score.
    List<String> rank = List.of("2 + 2 = 4", "4", "four", "FOUR!!");
    for (PreferenceRecord r : run.records()) {
      assertTrue(
          rank.indexOf(r.chosen()) < rank.indexOf(r.rejected()),
          r.chosen() + " over " + r.rejected());
      assertEquals("rules:arithmetic", r.judge());
    }
    PreferenceRecord top =
        run.records().stream()
            .filter(r -> r.chosen().equals("2 + 2 = 4") && r.rejected().equals("FOUR!!"))
            .findFirst()
            .orElseThrow();
    assertEquals(3.0, top.chosenRuleScore());
    assertTrue(top.rationale().contains("rejected vetoed by no-shouting"), top.rationale());
    // The pipeline asked for k samples with the run's seed.
    assertEquals(6, source.requests().get(0).k());
    assertEquals(11L, source.requests().get(0).sampling().seed());
  }

  @Test
  void llmJudgesDecideWhatTheRulesCannotAndDisagreementIsDropped() throws Exception {
    server = LocalChatCompletionsServer.start(JudgeBrains.prefersLonger());
    FixedCandidates source =
        new FixedCandidates()
            .put(null, "Describe the sky.", "blue", "blue and wide", "it is blue and very wide")
            .put(null, "Name a colour.", "red", "green");
    PipelineOptions o = options(PromptFormat.CHAT, 3).withParallelism(3);
    PreferenceRun run =
        new PreferencePipeline(source, new JudgePanel(null, List.of(JudgeBrains.judge(server))), o)
            .run(
                List.of(
                    new PromptEntry("sky", "Describe the sky.", null),
                    new PromptEntry("colour", "Name a colour.", null)),
                JudgeProgress.none());
    PreferenceSummary s = run.summary();
    System.out.println(s.describe());
    // Sky: 3 pairs decided by length. Colour: "red" vs "green" is decided; its third sample
    // repeats.
    assertEquals(4, s.pairsCompared());
    assertEquals(4, s.keptByLlm());
    assertEquals(1, s.duplicateCandidates());
    assertEquals(8, server.requests().size(), "two orders per pair");
    for (PreferenceRecord r : run.records()) {
      assertTrue(r.chosen().length() > r.rejected().length(), r.toString());
      assertEquals(2, r.chosenVotes());
      assertNull(r.chosenRuleScore());
      assertTrue(r.rationale().contains("with the chosen answer as A: {\"reason\""), r.rationale());
    }
    // Written chat-formatted, read back as preference pairs.
    Path out = dir.resolve("prefs.jsonl");
    PreferenceWriter.write(out, run.records());
    Dataset read = JsonlDatasetReader.read(out, ReadOptions.defaults());
    assertTrue(read.isPreference());
    assertEquals(4, read.records().size());
    DataRecord.ChatPreference first = (DataRecord.ChatPreference) read.records().get(0).record();
    assertEquals("Describe the sky.", first.prompt().get(0).content());
    assertEquals(run.records().get(0).chosen(), first.chosen().get(0).content());
  }

  @Test
  void positionBiasedAndRamblingJudgesKeepNothingAndSaySo() throws Exception {
    FixedCandidates source = new FixedCandidates().put(null, "q", "one", "two", "three");
    server = LocalChatCompletionsServer.start(JudgeBrains.alwaysA());
    PreferenceSummary biased =
        new PreferencePipeline(
                source,
                new JudgePanel(null, List.of(JudgeBrains.judge(server))),
                options(PromptFormat.RAW, 3))
            .run(List.of(new PromptEntry("1", "q", null)), JudgeProgress.none())
            .summary();
    assertEquals(3, biased.positionDisagreements());
    assertEquals(0, biased.pairsKept());
    server.close();

    server = LocalChatCompletionsServer.start(JudgeBrains.rambles());
    List<Integer> progress = new ArrayList<>();
    PreferenceRun rambling =
        new PreferencePipeline(
                source,
                new JudgePanel(null, List.of(JudgeBrains.judge(server))),
                options(PromptFormat.RAW, 3))
            .run(
                List.of(new PromptEntry("1", "q", null)),
                (i, total, p, kept, soFar) -> progress.add(soFar.unparseable()));
    assertEquals(3, rambling.summary().unparseable());
    assertEquals(3, rambling.summary().unparseableReplies());
    assertEquals(0, rambling.summary().pairsKept());
    assertEquals(List.of(3), progress);
    assertEquals(Set.of(), Set.copyOf(rambling.records()));
  }
}
