package dev.armory.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.judge.PromptSet;
import dev.armory.engine.judge.eval.EvalOptions;
import dev.armory.engine.judge.eval.EvalReport;
import dev.armory.engine.judge.eval.LlmReferenceGrader;
import dev.armory.engine.judge.eval.ReferenceCheck;
import dev.armory.engine.judge.eval.ReferenceMatch;
import dev.armory.engine.judge.eval.TieHandling;
import dev.armory.engine.judge.eval.WinRateEvaluation;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory judge eval}: win rate of an adapter against the base (or another adapter). */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Answers every prompt with the adapter and with the baseline (the base model, or"
          + " --baseline-adapter), judges each pair with the same judges as `judge pairs` and"
          + " prints the adapter's win rate with a Wilson score interval. Ties (judge tie, position"
          + " disagreement, judges disagreeing, identical answers, both vetoed, rules equal without"
          + " an LLM judge) count half unless --ties exclude; unparseable replies and judge errors"
          + " are left out and counted.",
      "Regression check: on base scenarios (prompts with a reference answer: 'reference',"
          + " 'completion', 'output' or 'answer'), answers the baseline gets right and the adapter"
          + " gets wrong are listed."
    })
final class JudgeEvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Base model directory (config.json, safetensors weights, tokenizer.json).")
  Path model;

  @Option(
      names = "--adapter",
      required = true,
      paramLabel = "DIR",
      description = "The LoRA adapter (PEFT directory) being evaluated.")
  Path adapter;

  @Option(
      names = "--baseline-adapter",
      paramLabel = "DIR",
      description = "Compare against this adapter instead of the base model.")
  Path baselineAdapter;

  @Option(
      names = "--prompts",
      required = true,
      paramLabel = "FILE",
      description =
          "Eval or golden set: .txt (one prompt per line) or JSONL ('prompt' or 'instruction'/'input', optional 'id' and reference answer).")
  Path prompts;

  @Option(
      names = "--scenarios",
      paramLabel = "FILE",
      description =
          "Base scenarios for the regression check (same format, with reference answers); default: the prompts of --prompts that have one.")
  Path scenarios;

  @Option(
      names = "--reference-check",
      defaultValue = "contains",
      paramLabel = "contains|exact|judge|none",
      description =
          "How a scenario answer is checked against its reference, besides the constitution's veto rules: contains or exact (normalised text), judge (the first LLM judge grades PASS/FAIL), none (veto rules only). Default: ${DEFAULT-VALUE}.")
  String referenceCheck;

  @Option(
      names = "--ties",
      defaultValue = "half",
      paramLabel = "half|exclude",
      description =
          "half: a tie is half a win; exclude: ties are left out of the rate (default: ${DEFAULT-VALUE}).")
  String ties;

  @Option(
      names = "--confidence",
      defaultValue = "0.95",
      paramLabel = "C",
      description = "Confidence level of the Wilson interval (default: ${DEFAULT-VALUE}).")
  double confidence;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Also write the full report (every comparison and regression) as JSON to FILE.")
  Path report;

  @Option(
      names = "--prompt-format",
      defaultValue = "auto",
      paramLabel = "auto|raw|chat",
      description =
          "chat: prompts go through the model's chat template as a user turn; raw: the answer continues the prompt. auto (the default) is chat when the model has a template.")
  String promptFormat;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "128",
      paramLabel = "N",
      description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--temperature",
      defaultValue = "0",
      paramLabel = "T",
      description =
          "Answer sampling temperature; 0 (the default) is greedy. Both sides use the same seed per prompt.")
  double temperature;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Sampling seed when --temperature > 0; prompt p uses S + p (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin JudgeOptions judge;

  @Override
  public Integer call() throws Exception {
    if (maxNewTokens < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-new-tokens must be >= 1, was " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new ParameterException(
          spec.commandLine(), "--temperature must be >= 0, was " + temperature);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new ParameterException(
          spec.commandLine(), "--confidence must be between 0 and 1, was " + confidence);
    }
    TieHandling tieHandling =
        switch (ties.toLowerCase(Locale.ROOT)) {
          case "half" -> TieHandling.HALF;
          case "exclude" -> TieHandling.EXCLUDE;
          default ->
              throw new ParameterException(
                  spec.commandLine(), "--ties must be half or exclude, was " + ties);
        };
    String check = referenceCheck.toLowerCase(Locale.ROOT);
    if (!List.of("contains", "exact", "judge", "none").contains(check)) {
      throw new ParameterException(
          spec.commandLine(),
          "--reference-check must be contains, exact, judge or none, was " + referenceCheck);
    }
    List<PromptEntry> entries = PromptSet.read(prompts);
    List<PromptEntry> scenarioEntries =
        scenarios != null
            ? PromptSet.read(scenarios)
            : entries.stream().filter(p -> p.reference() != null).toList();
    SamplingParams sampling =
        temperature == 0 ? SamplingParams.greedy() : SamplingParams.sampled(temperature, seed);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    EvalReport result;
    try (JudgeSetup setup =
        new JudgeSetup(
            spec.commandLine(),
            model,
            JudgeSetup.adapters("adapter", adapter, "baseline", baselineAdapter),
            judge)) {
      ReferenceCheck reference =
          switch (check) {
            case "contains" -> new ReferenceMatch(ReferenceMatch.Mode.CONTAINS);
            case "exact" -> new ReferenceMatch(ReferenceMatch.Mode.EXACT);
            case "judge" -> {
              if (setup.chatModels().isEmpty()) {
                throw new ParameterException(
                    spec.commandLine(),
                    "--reference-check judge needs --llm-judge-model or --external-judge-url");
              }
              yield new LlmReferenceGrader(
                  setup.chatModels().get(0), JudgeSetup.chatOptions(judge));
            }
            default -> null;
          };
      PromptFormat format = setup.format(spec.commandLine(), promptFormat);
      EvalOptions options =
          new EvalOptions(
              format,
              sampling,
              maxNewTokens,
              "adapter",
              baselineAdapter == null ? null : "baseline",
              name(adapter),
              baselineAdapter == null ? "base" : name(baselineAdapter),
              tieHandling,
              confidence);
      err.println(
          "evaluating "
              + options.adapterName()
              + " vs "
              + options.baselineName()
              + " on "
              + entries.size()
              + " prompts and "
              + scenarioEntries.size()
              + " base scenarios");
      err.flush();
      result =
          new WinRateEvaluation(setup.source(), setup.panel(), reference, options)
              .run(
                  entries,
                  scenarioEntries,
                  (i, total) -> {
                    err.println(
                        i < entries.size()
                            ? "prompt " + (i + 1) + "/" + entries.size()
                            : "scenario "
                                + (i - entries.size() + 1)
                                + "/"
                                + scenarioEntries.size());
                    err.flush();
                  });
    }
    if (report != null) {
      Files.writeString(
          report,
          new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(result.toJson())
              + "\n");
    }
    out.print(result.render());
    out.flush();
    return 0;
  }

  private static String name(Path dir) {
    Path n = dir.toAbsolutePath().normalize().getFileName();
    return n == null ? dir.toString() : n.toString();
  }
}
