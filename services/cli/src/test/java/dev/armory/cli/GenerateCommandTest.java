package dev.armory.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.armory.engine.fixtures.SharedModels;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {
  static final Pattern SUMMARY =
      Pattern.compile("prompt tokens: (\\d+), new tokens: (\\d+) \\(([^)]*)\\), [\\d.]+ tokens/s");

  @TempDir Path dir;

  private Path tinyModel(ModelType type) throws Exception {
    TinyModelGenerator.generate(type, dir, 3);
    return dir;
  }

  @Test
  void printsTheGreedyContinuationAndASummary() throws Exception {
    Path model = tinyModel(ModelType.LLAMA);
    String prompt = "Hello there, armoury";
    CliRun run =
        CliRun.of(
            "generate", "--model", model.toString(), "--prompt", prompt, "--max-new-tokens", "8");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());

    // The same continuation straight from the engine.
    String expected;
    try (HfModelDir m = HfModelDir.open(model);
        HfTokenizer tokenizer = HfTokenizer.load(model);
        FullRecomputeGenerator g = FullRecomputeGenerator.open(m, SessionConfig.defaults())) {
      long[] ids = Arrays.stream(tokenizer.encode(prompt, true)).asLongStream().toArray();
      long[] out =
          g.generate(ids, 8, Set.copyOf(eos(m)), TokenChooser.greedy(), t -> {}).newTokens();
      expected =
          prompt + tokenizer.decode(Arrays.stream(out).mapToInt(Math::toIntExact).toArray(), true);
    }
    assertEquals(expected + System.lineSeparator(), run.out());
    Matcher summary = SUMMARY.matcher(run.err());
    assertTrue(summary.find(), "summary line in: " + run.err());
    assertTrue(Integer.parseInt(summary.group(1)) > 0);
    int newTokens = Integer.parseInt(summary.group(2));
    assertTrue(
        newTokens == 8 || summary.group(3).contains("end of sequence"), "summary: " + run.err());
  }

  private static java.util.List<Long> eos(HfModelDir m) {
    return m.config().eosTokenIds().stream().map(Integer::longValue).toList();
  }

  @Test
  void samplingWithASeedIsReproducible() throws Exception {
    Path model = tinyModel(ModelType.GPT2);
    String[] args = {
      "generate",
      "--model",
      model.toString(),
      "--prompt",
      "a",
      "--max-new-tokens",
      "6",
      "--temperature",
      "0.8",
      "--seed",
      "5"
    };
    CliRun first = CliRun.of(args);
    CliRun second = CliRun.of(args);
    assertEquals(0, first.exitCode(), first.err());
    assertEquals(first.out(), second.out());
  }

  @Test
  void storiesModelTellsAStory() {
    Optional<Path> stories = SharedModels.stories260K();
    if (stories.isEmpty()) {
      System.out.println(SharedModels.stories260KAbsentReason());
    }
    assumeTrue(stories.isPresent(), SharedModels.stories260KAbsentReason());
    CliRun run =
        CliRun.of(
            "generate",
            "--model",
            stories.get().toString(),
            "--prompt",
            "Once upon a time",
            "--max-new-tokens",
            "40");
    System.out.println(run.out() + run.err());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(
        run.out().startsWith("Once upon a time, there was a little girl named Lily."), run.out());
  }

  @Test
  void helpDescribesEveryOption() {
    CliRun run = CliRun.of("generate", "--help");
    System.out.println(run.out());
    assertEquals(0, run.exitCode());
    for (String option :
        new String[] {
          "--model", "--prompt", "--max-new-tokens", "--temperature", "--seed", "--threads"
        }) {
      Matcher m = Pattern.compile(Pattern.quote(option) + "=\\S+\\s+\\S").matcher(run.out());
      assertTrue(m.find(), option + " is described in:\n" + run.out());
    }
  }

  @Test
  void badInputIsReportedWithoutAStackTrace() {
    Path missing = dir.resolve("no-such-model");
    CliRun run = CliRun.of("generate", "--model", missing.toString(), "--prompt", "x");
    assertEquals(1, run.exitCode());
    assertTrue(run.err().contains(missing.toString()), run.err());
    assertTrue(!run.err().contains("\tat "), run.err());

    CliRun negative =
        CliRun.of("generate", "--model", dir.toString(), "--prompt", "x", "--max-new-tokens", "-1");
    assertEquals(2, negative.exitCode());
    assertTrue(negative.err().contains("--max-new-tokens"), negative.err());
  }
}
