package dev.armory.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.armory.engine.generate.SamplingParams;
import dev.armory.engine.judge.PipelineOptions;
import dev.armory.engine.judge.PreferencePipeline;
import dev.armory.engine.judge.PreferenceRun;
import dev.armory.engine.judge.PreferenceWriter;
import dev.armory.engine.judge.PromptEntry;
import dev.armory.engine.judge.PromptFormat;
import dev.armory.engine.judge.PromptSet;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory judge pairs}: sample, judge, and write a preference dataset. */
@Command(
    name = "pairs",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Samples K answers per prompt from the model (and adapter), judges every pair of distinct"
          + " answers (rules first, then LLM judges in both orders) and writes the kept pairs as"
          + " JSONL preference data (prompt, chosen, rejected, plus judge, rationale, scores) that"
          + " `armory train --objective dpo` reads. A summary of kept and dropped pairs follows.",
      "Prompts: a .txt file (one per line) or JSONL with 'prompt' (or 'instruction'/'input')."
    })
final class JudgePairsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "Candidate model directory (config.json, safetensors weights, tokenizer.json).")
  Path model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description =
          "LoRA adapter (PEFT directory) the candidates are sampled with; the base model when absent.")
  Path adapter;

  @Option(
      names = "--prompts",
      required = true,
      paramLabel = "FILE",
      description =
          "Prompt set: .txt (one prompt per line) or JSONL ('prompt' or 'instruction'/'input', optional 'id').")
  Path prompts;

  @Option(
      names = "--k",
      defaultValue = "4",
      paramLabel = "K",
      description =
          "Answers sampled per prompt; every pair of distinct answers is judged (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Preference JSONL to write (replaced atomically).")
  Path out;

  @Option(
      names = "--summary",
      paramLabel = "FILE",
      description = "Also write the run's counts as JSON to FILE.")
  Path summary;

  @Option(
      names = "--prompt-format",
      defaultValue = "auto",
      paramLabel = "auto|raw|chat",
      description =
          "chat: the prompt is a user turn through the model's chat template and pairs are written chat-formatted; raw: the answer continues the prompt text. auto (the default) is chat when the model has a template.")
  String promptFormat;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "128",
      paramLabel = "N",
      description = "Most tokens per answer (default: ${DEFAULT-VALUE}).")
  int maxNewTokens;

  @Option(
      names = "--temperature",
      defaultValue = "1.0",
      paramLabel = "T",
      description =
          "Sampling temperature for candidates; must be > 0 so the K answers differ (default: ${DEFAULT-VALUE}).")
  double temperature;

  @Option(
      names = "--top-p",
      defaultValue = "1.0",
      paramLabel = "P",
      description =
          "Nucleus sampling: keep the most likely tokens up to probability P; 1 is off (default: ${DEFAULT-VALUE}).")
  double topP;

  @Option(
      names = "--top-k",
      defaultValue = "0",
      paramLabel = "N",
      description = "Keep the N most likely tokens; 0 is off (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Sampling seed; prompt p's answer i uses S + p*K + i, so a run is reproducible (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--parallelism",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Pairs of one prompt judged at once; raise it for external judges (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Mixin JudgeOptions judge;

  @Override
  public Integer call() throws Exception {
    if (k < 2) {
      throw new ParameterException(
          spec.commandLine(), "--k must be at least 2 to form pairs, was " + k);
    }
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new ParameterException(
          spec.commandLine(),
          "--temperature must be > 0 so the " + k + " answers differ, was " + temperature);
    }
    if (maxNewTokens < 1 || parallelism < 1) {
      throw new ParameterException(
          spec.commandLine(), "--max-new-tokens and --parallelism must be >= 1");
    }
    SamplingParams sampling = new SamplingParams(temperature, topK, topP, 1, seed);
    List<PromptEntry> entries = PromptSet.read(prompts);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    PreferenceRun run;
    try (JudgeSetup setup =
        new JudgeSetup(spec.commandLine(), model, JudgeSetup.adapters("adapter", adapter), judge)) {
      PromptFormat format = setup.format(spec.commandLine(), promptFormat);
      PipelineOptions options =
          new PipelineOptions(
              format, k, sampling, maxNewTokens, adapter == null ? null : "adapter", parallelism);
      err.println(
          "judging "
              + entries.size()
              + " prompts, "
              + k
              + " answers each ("
              + format.name().toLowerCase(java.util.Locale.ROOT)
              + " prompts)");
      err.flush();
      run =
          new PreferencePipeline(setup.source(), setup.panel(), options)
              .run(
                  entries,
                  (i, total, p, kept, soFar) -> {
                    err.println(
                        "prompt "
                            + (i + 1)
                            + "/"
                            + total
                            + " ["
                            + p.id()
                            + "]: "
                            + kept.size()
                            + " pairs kept ("
                            + soFar.pairsKept()
                            + " so far)");
                    err.flush();
                  });
    }
    PreferenceWriter.write(out, run.records());
    if (summary != null) {
      Files.writeString(
          summary,
          new ObjectMapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(run.summary().toJson())
              + "\n");
    }
    stdout.println(run.summary().describe());
    stdout.println("wrote " + run.records().size() + " preference pairs to " + out);
    stdout.flush();
    return 0;
  }
}
