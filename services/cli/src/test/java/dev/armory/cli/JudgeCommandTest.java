package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.data.Dataset;
import dev.armory.engine.data.JsonlDatasetReader;
import dev.armory.engine.data.ReadOptions;
import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Reply;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JudgeCommandTest {
  @TempDir Path dir;

  private Path tinyModel() throws Exception {
    Path model = dir.resolve("tiny");
    TinyModelGenerator.generate(ModelType.LLAMA, model, 3);
    return model;
  }

  private Path prompts() throws Exception {
    Path file = dir.resolve("prompts.jsonl");
    Files.writeString(
        file,
        """
        {"id": "story", "prompt": "Tell me a story."}
        {"id": "sum", "prompt": "What is two plus two?", "reference": "4"}
        {"id": "colour", "prompt": "Name a colour."}
        """);
    return file;
  }

  private Path constitution() throws Exception {
    Path file = dir.resolve("clean.yaml");
    Files.writeString(
        file,
        """
        rubric: Prefer the clearer answer.
        rules:
          - id: few-broken-characters
            forbidden: "\\uFFFD.*\\uFFFD"
        """);
    return file;
  }

  @Test
  void pairsWritesAPreferenceDatasetTheReaderAccepts() throws Exception {
    Path model = tinyModel();
    Path out = dir.resolve("prefs.jsonl");
    Path summary = dir.resolve("summary.json");
    CliRun run =
        CliRun.of(
            "judge", "pairs",
            "--model", model.toString(),
            "--prompts", prompts().toString(),
            "--k", "4",
            "--seed", "5",
            "--max-new-tokens", "6",
            "--constitution", constitution().toString(),
            "--llm-judge-model", model.toString(),
            "--judge-max-tokens", "8",
            "--out", out.toString(),
            "--summary", summary.toString());
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    Matcher wrote = Pattern.compile("wrote (\\d+) preference pairs to ").matcher(run.out());
    assertTrue(wrote.find(), run.out());
    int pairs = Integer.parseInt(wrote.group(1));
    assertTrue(pairs > 0, run.out());
    assertTrue(run.err().contains("prompt 3/3 [colour]"), run.err());
    Dataset data = JsonlDatasetReader.read(out, ReadOptions.defaults());
    assertTrue(data.isPreference());
    assertEquals(pairs, data.records().size());
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertEquals(pairs, s.path("pairs_kept").asInt());
    assertEquals(12, s.path("candidates").asInt());
    assertTrue(
        s.path("dropped_unparseable").asInt() > 0, "the tiny judge never gives a verdict: " + s);
  }

  /** A LoRA adapter with random non-zero factors. */
  private Path adapter(Path model) throws Exception {
    Path out = dir.resolve("poet");
    try (HfModelDir m = HfModelDir.open(model)) {
      LoraAdapter a =
          LoraAdapter.initialise(
              ModelArchitecture.of(m.config()),
              LoraConfig.defaults()
                  .withRank(4)
                  .withAlpha(8)
                  .withTargets(new TargetModules.AllLinear()),
              9);
      SplittableRandom random = new SplittableRandom(9);
      for (LoraAdapter.Module module : a.modules()) {
        for (FloatBuffer b : List.of(module.a(), module.b())) {
          for (int i = 0; i < b.capacity(); i++) {
            b.put(i, (float) (random.nextGaussian() * 0.3));
          }
        }
      }
      a.save(out);
    }
    return out;
  }

  @Test
  void evalPrintsTheWinRateWithItsInterval() throws Exception {
    Path model = tinyModel();
    Path report = dir.resolve("report.json");
    // An external judge that prefers the longer answer, asked over real HTTP.
    try (LocalChatCompletionsServer server =
        LocalChatCompletionsServer.start(
            r -> {
              String u = r.lastMessage("user");
              String a = u.substring(u.indexOf("Answer A:\n") + 10, u.indexOf("\n\nAnswer B:\n"));
              String b =
                  u.substring(u.indexOf("\n\nAnswer B:\n") + 12, u.indexOf("\n\nWhich answer"));
              return Reply.completion(
                  "Winner: "
                      + (a.length() == b.length() ? "tie" : a.length() > b.length() ? "A" : "B"));
            })) {
      CliRun run =
          CliRun.of(
              "judge", "eval",
              "--model", model.toString(),
              "--adapter", adapter(model).toString(),
              "--prompts", prompts().toString(),
              "--max-new-tokens", "8",
              "--external-judge-url", server.baseUrl().toString(),
              "--external-judge-model", "local-judge",
              "--external-rps", "0",
              "--report", report.toString());
      System.out.println(run.out() + run.err());
      assertEquals(0, run.exitCode(), run.err());
      assertTrue(
          run.out().startsWith("poet vs base, judged by llm:openai:local-judge@127.0.0.1"),
          run.out());
      assertTrue(
          Pattern.compile(
                  "win rate: (\\d\\.\\d{3}|n/a) \\(ties count half; n = \\d\\), 95% Wilson interval \\[\\d\\.\\d{3}, \\d\\.\\d{3}]")
              .matcher(run.out())
              .find(),
          run.out());
      assertTrue(run.out().contains("base scenarios: 1 checked"), run.out());
      assertTrue(server.requests().size() >= 2, "the external judge was asked");
    }
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertEquals(3, json.path("comparisons").size());
    JsonNode w = json.path("win_rate");
    assertEquals(
        3,
        w.path("wins").asInt()
            + w.path("losses").asInt()
            + w.path("ties").asInt()
            + w.path("excluded").asInt());
  }

  @Test
  void helpDescribesEveryOption() {
    for (String sub : new String[] {"pairs", "eval"}) {
      CliRun run = CliRun.of("judge", sub, "--help");
      System.out.println(run.out());
      assertEquals(0, run.exitCode());
      List<String> options =
          sub.equals("pairs")
              ? List.of(
                  "--model",
                  "--adapter",
                  "--prompts",
                  "--k",
                  "--out",
                  "--summary",
                  "--prompt-format",
                  "--max-new-tokens",
                  "--temperature",
                  "--top-p",
                  "--top-k",
                  "--seed",
                  "--parallelism")
              : List.of(
                  "--model",
                  "--adapter",
                  "--baseline-adapter",
                  "--prompts",
                  "--scenarios",
                  "--reference-check",
                  "--ties",
                  "--confidence",
                  "--report",
                  "--prompt-format",
                  "--max-new-tokens",
                  "--temperature",
                  "--seed");
      List<String> judgeOptions =
          List.of(
              "--constitution",
              "--llm-judge-model",
              "--llm-judge-adapter",
              "--external-judge-url",
              "--external-judge-model",
              "--api-key-env",
              "--external-timeout",
              "--external-retries",
              "--external-rps",
              "--judge-max-tokens",
              "--judge-temperature",
              "--threads");
      for (String option : concat(options, judgeOptions)) {
        Matcher m = Pattern.compile(Pattern.quote(option) + "=\\S+\\s+\\S").matcher(run.out());
        assertTrue(m.find(), sub + " " + option + " is described in:\n" + run.out());
      }
    }
    CliRun parent = CliRun.of("judge");
    assertTrue(parent.out().contains("pairs") && parent.out().contains("eval"), parent.out());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  @Test
  void badInputIsReportedWithoutAStackTrace() throws Exception {
    Path model = tinyModel();
    String[] base = {
      "judge",
      "pairs",
      "--model",
      model.toString(),
      "--prompts",
      prompts().toString(),
      "--out",
      dir.resolve("o.jsonl").toString()
    };
    CliRun noJudge = CliRun.of(base);
    assertEquals(2, noJudge.exitCode());
    assertTrue(
        noJudge
            .err()
            .contains(
                "give a judge: --constitution, --llm-judge-model and/or --external-judge-url"),
        noJudge.err());

    Path missing = dir.resolve("missing.yaml");
    CliRun noFile =
        CliRun.of(
            concat(List.of(base), List.of("--constitution", missing.toString()))
                .toArray(String[]::new));
    assertEquals(1, noFile.exitCode());
    assertTrue(noFile.err().contains(missing + ": no such constitution file"), noFile.err());
    assertFalse(noFile.err().contains("\tat "), noFile.err());

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "rules:\n  - id: r\n    required: '('\n");
    CliRun badRule =
        CliRun.of(
            concat(List.of(base), List.of("--constitution", bad.toString()))
                .toArray(String[]::new));
    assertEquals(1, badRule.exitCode());
    assertTrue(
        badRule.err().contains(bad + ": rules[0].required: pattern '(' does not compile"),
        badRule.err());

    CliRun oneSample =
        CliRun.of(
            concat(List.of(base), List.of("--constitution", constitution().toString(), "--k", "1"))
                .toArray(String[]::new));
    assertEquals(2, oneSample.exitCode());
    assertTrue(oneSample.err().contains("--k must be at least 2"), oneSample.err());

    CliRun halfExternal =
        CliRun.of(
            concat(List.of(base), List.of("--external-judge-url", "http://127.0.0.1:9/v1"))
                .toArray(String[]::new));
    assertEquals(2, halfExternal.exitCode());
    assertTrue(
        halfExternal.err().contains("--external-judge-url and --external-judge-model go together"),
        halfExternal.err());
  }
}
