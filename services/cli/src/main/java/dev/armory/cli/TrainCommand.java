package dev.armory.cli;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.DpoOptions;
import dev.armory.engine.finetune.DpoStats;
import dev.armory.engine.finetune.FineTuneRequest;
import dev.armory.engine.finetune.FineTuneRun;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.ExecutionProvider;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.engine.train.TrainingConfigJson;
import dev.armory.engine.train.TrainingResult;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory train}: LoRA / QLoRA fine-tuning of a Hugging Face model, by SFT or DPO. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Fine-tunes an adapter on a model directory (QLoRA by default: the base stays frozen in"
          + " 4-bit NF4 and only LoRA factors learn), on supervised data (--objective sft) or on"
          + " preference pairs with Direct Preference Optimization (--objective dpo).",
      "Writes RUN_DIR/adapter (Hugging Face PEFT format), checkpoints/, metrics.jsonl, loss.png"
          + " (updated as the run goes) and manifest.json. Ctrl-C stops after the current step"
          + " with a checkpoint; run again with --resume to continue exactly."
    })
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "Base model: a Hugging Face directory (config.json, safetensors, tokenizer.json).")
  Path model;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "FILE",
      description =
          "Training data, JSONL. SFT: Alpaca (instruction/input/output), chat (messages),"
              + " ShareGPT (conversations), prompt/completion, or raw text. DPO: preference pairs"
              + " (prompt, chosen, rejected as strings, or as message lists rendered with the"
              + " chat template), e.g. the output of `armory judge pairs`.")
  Path data;

  @Option(
      names = "--objective",
      defaultValue = "sft",
      paramLabel = "sft|dpo",
      description =
          "sft: next-token loss on the completion/assistant tokens. dpo: Direct Preference"
              + " Optimization on preference pairs: raises the adapter's log-probability of"
              + " `chosen` over `rejected` relative to the reference policy (the base model, or"
              + " --start-adapter), whose log-probs are computed once before training. Logs"
              + " rewards/chosen, rewards/rejected, rewards/accuracy and rewards/margin per step."
              + " Default: ${DEFAULT-VALUE}.")
  String objective;

  @Option(
      names = "--beta",
      paramLabel = "B",
      description =
          "DPO only: beta, the strength of the pull toward the reference policy; rewards are"
              + " beta x (log pi - log pi_ref). Smaller lets the adapter move further (default:"
              + " 0.1).")
  Double beta;

  @Option(
      names = "--label-smoothing",
      paramLabel = "E",
      description =
          "DPO only: conservative DPO's assumed rate of wrong preference labels, in [0, 0.5):"
              + " loss = -(1-E) log sigmoid(h) - E log sigmoid(-h), where h is the chosen"
              + " minus the rejected reward. Default: 0 (plain DPO).")
  Double labelSmoothing;

  @Option(
      names = "--start-adapter",
      paramLabel = "DIR",
      description =
          "DPO only: start from this adapter (PEFT format, e.g. an SFT run's RUN_DIR/adapter);"
              + " it is also the reference policy. Its rank and target modules replace --r,"
              + " --alpha and --target-modules. Default: a fresh adapter, so the reference is"
              + " the base model.")
  Path startAdapter;

  @Option(
      names = "--eval",
      paramLabel = "FILE",
      description =
          "Separate eval data (JSONL). Without it, --eval-fraction of --data is held out.")
  Path eval;

  @Option(
      names = "--eval-fraction",
      defaultValue = "0.1",
      paramLabel = "F",
      description =
          "Fraction of --data held out for eval when --eval is not given; 0 disables"
              + " eval (default: ${DEFAULT-VALUE}).")
  double evalFraction;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "RUN_DIR",
      description = "Run directory for the adapter, checkpoints, metrics, loss curve and manifest.")
  Path out;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Training hyperparameters as YAML or JSON (snake_case keys of the trainer:"
              + " learning_rate, epochs, max_steps, micro_batch_size, …). Flags below override it.")
  Path config;

  @Option(
      names = "--quant",
      defaultValue = "nf4",
      paramLabel = "nf4|nf4-no-dq|none",
      description =
          "Base weights: nf4 (QLoRA, double-quantised absmax), nf4-no-dq, or none (plain"
              + " LoRA over fp32 weights). Default: ${DEFAULT-VALUE}.")
  String quant;

  @Option(
      names = "--target-modules",
      defaultValue = "default",
      paramLabel = "SPEC",
      description =
          "Layers that get adapters: default (attention q/k/v/o; c_attn/c_proj for"
              + " GPT-2), all-linear, a comma list of names (q_proj,v_proj), or re:REGEX on full"
              + " module names. Default: ${DEFAULT-VALUE}.")
  String targetModules;

  @Option(
      names = {"--r", "--rank"},
      defaultValue = "16",
      description = "LoRA rank r (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(
      names = "--alpha",
      defaultValue = "32",
      description = "LoRA alpha; updates are scaled by alpha/r (default: ${DEFAULT-VALUE}).")
  double alpha;

  @Option(
      names = "--dropout",
      defaultValue = "0.0",
      description = "LoRA dropout on the adapter input (default: ${DEFAULT-VALUE}).")
  double dropout;

  @Option(
      names = "--rslora",
      description = "Rank-stabilised LoRA: scale alpha/sqrt(r) instead of alpha/r.")
  boolean rslora;

  @Option(
      names = "--lr",
      paramLabel = "RATE",
      description = "Peak learning rate (default from --config, else 2e-4).")
  Double learningRate;

  @Option(names = "--epochs", description = "Passes over the data (default from --config, else 3).")
  Integer epochs;

  @Option(
      names = "--max-steps",
      description = "Stop after this many optimizer steps; overrides --epochs.")
  Integer maxSteps;

  @Option(
      names = "--batch-size",
      description =
          "Examples per micro-batch; for DPO, pairs (two rows each: chosen and rejected run in"
              + " the same batch). Default from --config, else 4.")
  Integer batchSize;

  @Option(
      names = "--grad-accum",
      description = "Micro-batches per optimizer step (default from --config, else 1).")
  Integer gradAccum;

  @Option(
      names = "--warmup-steps",
      description = "Linear warm-up steps (default: a ratio of 0.03 of the run).")
  Integer warmupSteps;

  @Option(
      names = "--eval-every",
      description = "Evaluate every N steps (default from --config, else 100).")
  Integer evalEvery;

  @Option(
      names = "--save-every",
      description = "Checkpoint every N steps (default from --config, else 100).")
  Integer saveEvery;

  @Option(
      names = "--seed",
      description =
          "Seed for adapter init, shuffling and dropout (default from --config, else 42).")
  Long seed;

  @Option(
      names = "--max-seq-len",
      defaultValue = "512",
      description = "Truncate examples to this many tokens (default: ${DEFAULT-VALUE}).")
  int maxSeqLen;

  @Option(
      names = "--packing",
      description =
          "Pack short examples into rows of --max-seq-len (attention stays within each example).")
  boolean packing;

  @Option(
      names = "--train-on-inputs",
      description = "Also train on prompt tokens (default: only assistant/completion tokens).")
  boolean trainOnInputs;

  @Option(
      names = "--skip-bad-lines",
      description = "Skip malformed data lines (counted and reported) instead of failing.")
  boolean skipBadLines;

  @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
  boolean resume;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "ONNX Runtime threads per op; 0 = one per core.")
  int threads;

  @Option(
      names = "--device",
      defaultValue = "cpu",
      paramLabel = "cpu|cuda",
      description =
          "Execution provider: cpu, or cuda (needs the onnxruntime_gpu build profile and a GPU).")
  String device;

  @Option(
      names = "--no-progress",
      description = "Print the trainer's log lines instead of a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    TrainingConfig t = config != null ? TrainingConfigJson.read(config) : TrainingConfig.defaults();
    TrainingConfig.Builder tb = t.toBuilder();
    if (learningRate != null) tb.learningRate(learningRate);
    if (epochs != null) tb.epochs(epochs);
    if (maxSteps != null) tb.maxSteps(maxSteps);
    if (batchSize != null) tb.microBatchSize(batchSize);
    if (gradAccum != null) tb.gradientAccumulationSteps(gradAccum);
    if (warmupSteps != null) tb.warmupSteps(warmupSteps);
    if (evalEvery != null) tb.evalEverySteps(evalEvery);
    if (saveEvery != null) tb.saveEverySteps(saveEvery);
    if (seed != null) tb.seed(seed);
    LoraConfig lora =
        LoraConfig.defaults()
            .withRank(rank)
            .withAlpha(alpha)
            .withDropout(dropout)
            .withRslora(rslora)
            .withTargets(TargetModules.parse(targetModules));
    SessionConfig session =
        SessionConfig.defaults().withThreads(threads).withProvider(ExecutionProvider.parse(device));
    FineTuneRequest request =
        new FineTuneRequest(
            model,
            data,
            eval,
            eval != null ? 0 : evalFraction,
            out,
            BaseWeights.parse(quant),
            lora,
            tb.build(),
            maxSeqLen,
            packing,
            trainOnInputs,
            skipBadLines,
            session);
    request = request.withDpo(dpoOptions());
    PrintStream console = WriterPrintStream.of(spec.commandLine().getOut());
    FineTuneRun run = new FineTuneRun(request);
    if (noProgress) {
      run.console(console);
    } else {
      run.console(null)
          .listener(new TrainProgressBar(WriterPrintStream.of(spec.commandLine().getErr())));
    }
    CountDownLatch done = new CountDownLatch(1);
    Thread onInterrupt =
        new Thread(
            () -> {
              run.requestStop();
              try {
                done.await(120, TimeUnit.SECONDS); // let the step finish and the checkpoint land
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "armory-train-stop");
    Runtime.getRuntime().addShutdownHook(onInterrupt);
    try {
      TrainingResult r = run.run(resume);
      String rewards = dpoSummary(run);
      console.printf(
          "%s after %d/%d steps | loss %.4f%s%s%nadapter: %s%nloss curve: %s%n",
          r.stop().name().toLowerCase().replace('_', ' '),
          r.steps(),
          r.totalSteps(),
          r.lastLoss(),
          Double.isNaN(r.bestEvalLoss())
              ? ""
              : String.format(" | best eval loss %.4f @ %d", r.bestEvalLoss(), r.bestStep()),
          rewards,
          r.adapterDirectory(),
          out.resolve("loss.png"));
      return 0;
    } finally {
      done.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting because of Ctrl-C; the hook is running
      }
    }
  }

  /** The DPO settings, or null for SFT; DPO-only flags with SFT are an error, not ignored. */
  private DpoOptions dpoOptions() {
    switch (objective.trim().toLowerCase(Locale.ROOT)) {
      case "sft":
        for (Object[] flag :
            new Object[][] {
              {"--beta", beta},
              {"--label-smoothing", labelSmoothing},
              {"--start-adapter", startAdapter}
            }) {
          if (flag[1] != null) {
            throw new ParameterException(
                spec.commandLine(), flag[0] + " applies to --objective dpo only");
          }
        }
        return null;
      case "dpo":
        DpoOptions d = DpoOptions.defaults();
        try {
          if (beta != null) d = d.withBeta(beta);
          if (labelSmoothing != null) d = d.withLabelSmoothing(labelSmoothing);
        } catch (IllegalArgumentException e) {
          throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (startAdapter != null) {
          if (!Files.isRegularFile(startAdapter.resolve("adapter_config.json"))) {
            throw new ParameterException(
                spec.commandLine(),
                "--start-adapter "
                    + startAdapter
                    + ": no adapter_config.json there; pass an adapter directory such as"
                    + " RUN_DIR/adapter");
          }
          d = d.withStartAdapter(startAdapter);
        }
        if (packing || trainOnInputs) {
          throw new ParameterException(
              spec.commandLine(),
              (packing ? "--packing" : "--train-on-inputs")
                  + " does not apply to --objective dpo (each pair's chosen and rejected"
                  + " completions are scored as rows of their own)");
        }
        return d;
      default:
        throw new ParameterException(
            spec.commandLine(), "unknown --objective '" + objective + "': expected sft or dpo");
    }
  }

  /** " | rewards: accuracy A, margin M" of the last step of a DPO run, else "". */
  private static String dpoSummary(FineTuneRun run) {
    Map<String, Double> m = run.lastMetrics();
    if (!m.containsKey(DpoStats.REWARDS_ACCURACY)) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        " | rewards: accuracy %.2f, margin %.4f (chosen %+.4f, rejected %+.4f)",
        m.get(DpoStats.REWARDS_ACCURACY),
        m.get(DpoStats.REWARDS_MARGIN),
        m.get(DpoStats.REWARDS_CHOSEN),
        m.get(DpoStats.REWARDS_REJECTED));
  }
}
