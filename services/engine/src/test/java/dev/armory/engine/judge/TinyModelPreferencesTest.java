package dev.armory.engine.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.armory.engine.data.DataRecord;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.EncodeOptions;
import dev.armory.engine.data.EncodedPreferences;
import dev.armory.engine.data.ExampleEncoder;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.DecodeEngine;
import dev.armory.engine.generate.EngineConfig;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.EngineChatModel;
import dev.armory.engine.judge.llm.LlmPairwiseJudge;
import dev.armory.engine.judge.llm.PairwisePrompt;
import dev.armory.engine.judge.rules.Constitution;
import dev.armory.engine.judge.rules.ConstitutionReader;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in-process on a tiny random model: it samples the candidates and is also the
 * LLM judge; a rule check vetoes answers with more than one broken character. The file it writes is
 * read by the dataset reader as preference pairs and encodes for DPO.
 */
class TinyModelPreferencesTest {
  @TempDir Path dir;

  @Test
  void tinyModelAsCandidateAndJudgeWritesAPreferenceDataset() throws Exception {
    Path model = dir.resolve("tiny");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    Constitution rules =
        ConstitutionReader.parse(
            """
            name: clean-text
            rubric: Prefer the clearer answer.
            rules:
              - id: few-broken-characters
                forbidden: "\\uFFFD.*\\uFFFD"
              - id: not-empty
                length: {min: 1, unit: tokens}
            """,
            "clean-text.yaml",
            "clean-text",
            null);
    List<PromptEntry> prompts =
        List.of(
            new PromptEntry("1", "Tell me a story.", null),
            new PromptEntry("2", "What is two plus two?", null),
            new PromptEntry("3", "Name a colour.", null));
    PreferenceRun run;
    try (DecodeEngine engine = DecodeEngine.open(model, EngineConfig.defaults())) {
      EngineCandidateSource source = new EngineCandidateSource(engine);
      assertTrue(source.hasChatTemplate());
      LlmPairwiseJudge tinyJudge =
          new LlmPairwiseJudge(
              new EngineChatModel(engine, null, "tiny"),
              new PairwisePrompt(rules.rubric()),
              ChatOptions.greedy(8));
      PipelineOptions options =
          PipelineOptions.defaults(PromptFormat.CHAT)
              .withK(4)
              .withSampling(SamplingParams.sampled(1.0, 5))
              .withMaxNewTokens(6);
      run =
          new PreferencePipeline(source, new JudgePanel(rules, List.of(tinyJudge)), options)
              .run(prompts, JudgeProgress.none());
    }
    PreferenceSummary s = run.summary();
    System.out.println(s.describe());
    run.records().forEach(r -> System.out.println(r.toJson()));
    assertEquals(3, s.prompts());
    assertEquals(12, s.candidates());
    assertTrue(s.vetoedCandidates() > 0, "some random answers hold broken characters");
    assertTrue(s.pairsKept() > 0, "the rules decide some pairs");
    assertEquals(s.pairsKept(), s.keptByRules());
    // A random model cannot produce a verdict: what reached it is counted, never used.
    assertTrue(s.unparseable() > 0, "pairs the rules could not split went to the tiny judge");
    assertEquals(0, s.judgeErrors(), s.firstJudgeError());
    assertEquals(
        s.pairsCompared(),
        s.pairsKept()
            + s.bothVetoed()
            + s.unparseable()
            + s.positionDisagreements()
            + s.ties()
            + s.undecided()
            + s.judgeDisagreements()
            + s.judgeErrors());
    for (PreferenceRecord r : run.records()) {
      assertFalse(r.chosen().matches("(?s).*\uFFFD.*\uFFFD.*"), r.chosen());
      assertTrue(r.rejected().matches("(?s).*\uFFFD.*\uFFFD.*"), r.rejected());
      assertEquals("rules:clean-text", r.judge());
    }

    Path out = dir.resolve("prefs.jsonl");
    PreferenceWriter.write(out, run.records());
    Dataset data = JsonlDatasetReader.read(out, ReadOptions.defaults());
    assertTrue(data.isPreference());
    assertEquals(s.pairsKept(), data.records().size());
    assertTrue(data.records().get(0).record() instanceof DataRecord.ChatPreference);
    try (HfTokenizer tokenizer = HfTokenizer.load(model)) {
      EncodedPreferences encoded =
          new ExampleEncoder(tokenizer, EncodeOptions.of(256)).encodePreferences(data);
      assertEquals(s.pairsKept(), encoded.pairs().size(), "every pair encodes for DPO");
    }
  }
}
