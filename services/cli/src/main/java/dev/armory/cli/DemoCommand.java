package dev.armory.cli;

import dev.armory.engine.data.DemoDatasets;
import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.finetune.FineTuneRequest;
import dev.armory.engine.finetune.FineTuneRun;
import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.DenseLinears;
import dev.armory.engine.models.ModelArchitecture;
import dev.armory.engine.peft.LoraAdapter;
import dev.armory.engine.peft.LoraConfig;
import dev.armory.engine.peft.LoraLinears;
import dev.armory.engine.peft.TargetModules;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.ChatMessage;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.train.TrainingConfig;
import dev.armory.engine.train.TrainingResult;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code armory demo}: QLoRA fine-tuning end to end in one command, on a model generated on the
 * spot (or a given one): train an adapter on the bundled instruction data, then ask the base model
 * and the adapted model the same questions side by side.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Armory's main job in one process: QLoRA fine-tuning of a model on the bundled instruction"
          + " dataset, then the base model and the adapter answer the same prompts side by side.",
      "Without --model a tiny random-weight Llama is generated first (nothing is downloaded), so"
          + " the base model's answers are noise and the adapter's are what it learnt."
    })
final class DemoCommand implements Callable<Integer> {
  static final List<String> PROMPTS =
      List.of(
          "What is the capital of France?",
          "What is the capital of Japan?",
          "What is the opposite of hot?");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description =
          "Where to write the model, the run and the adapter (default: a new temporary directory).")
  Path workdir;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "Use this Hugging Face model directory instead of generating a tiny one.")
  Path model;

  @Option(
      names = "--steps",
      defaultValue = "600",
      description = "Training steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + TinyModelGenerator.DEFAULT_SEED,
      description =
          "Seed for the generated weights, adapter init and data order (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--no-progress",
      description = "Print training log lines instead of a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    Path dir = workdir != null ? workdir : Files.createTempDirectory("armory-demo-");
    PrintWriter out = spec.commandLine().getOut();
    Path modelDir = model;
    if (modelDir == null) {
      modelDir = dir.resolve("tiny-llama");
      TinyModelGenerator.generate(ModelType.LLAMA, modelDir, seed);
      out.println("1. generated a tiny random-weight Llama in " + modelDir);
    } else {
      out.println("1. base model: " + modelDir);
    }
    Path data =
        DemoDatasets.copy(DemoDatasets.INSTRUCTIONS, dir.resolve("demo-instructions.jsonl"));
    out.println("2. QLoRA fine-tuning (NF4 base, LoRA r=64 on all linear layers) on " + data);
    out.flush();
    TrainingConfig training =
        TrainingConfig.builder()
            .learningRate(model == null ? 3e-3 : 2e-4)
            .warmupSteps(10)
            .maxSteps(steps)
            .microBatchSize(8)
            .evalEverySteps(Math.max(1, steps / 4))
            .saveEverySteps(Math.max(1, steps / 2))
            .logEverySteps(Math.max(1, steps / 10))
            .seed(seed)
            .build();
    LoraConfig lora =
        LoraConfig.defaults()
            .withRank(64)
            .withAlpha(128)
            .withTargets(new TargetModules.AllLinear());
    Path runDir = dir.resolve("run");
    FineTuneRun run =
        new FineTuneRun(
            new FineTuneRequest(
                modelDir,
                data,
                null,
                0.0, // the demo asks questions from the data, so nothing is held out
                runDir,
                BaseWeights.NF4,
                lora,
                training,
                128,
                false,
                false,
                false,
                SessionConfig.defaults()));
    if (noProgress) {
      run.console(WriterPrintStream.of(out));
    } else {
      run.console(null)
          .listener(new TrainProgressBar(WriterPrintStream.of(spec.commandLine().getErr())));
    }
    TrainingResult result = run.run(false);
    out.printf("   %d steps, training loss %.3f%n", result.steps(), result.lastLoss());
    out.println("3. the same questions to the base model and to the adapter (greedy):");
    answerSideBySide(modelDir, result.adapterDirectory(), out);
    out.println();
    out.println("adapter (Hugging Face PEFT format): " + result.adapterDirectory());
    out.println("loss curve: " + runDir.resolve("loss.png"));
    out.println(
        "metrics: "
            + runDir.resolve("metrics.jsonl")
            + "; manifest: "
            + runDir.resolve("manifest.json"));
    out.flush();
    return 0;
  }

  private static void answerSideBySide(Path modelDir, Path adapterDir, PrintWriter out)
      throws Exception {
    try (HfModelDir m = HfModelDir.open(modelDir);
        HfTokenizer tokenizer = HfTokenizer.load(modelDir)) {
      ModelArchitecture arch = ModelArchitecture.of(m.config());
      LoraAdapter adapter = LoraAdapter.load(adapterDir, arch);
      Set<Long> stop = new HashSet<>();
      tokenizer.eosId().ifPresent(id -> stop.add((long) id));
      m.config().eosTokenIds().forEach(id -> stop.add((long) id));
      try (FullRecomputeGenerator base =
              new FullRecomputeGenerator(arch.bind(m.weights()), SessionConfig.defaults());
          FullRecomputeGenerator tuned =
              new FullRecomputeGenerator(
                  arch.bind(m.weights()),
                  p -> LoraLinears.frozen(new DenseLinears(p), adapter),
                  SessionConfig.defaults())) {
        for (String question : PROMPTS) {
          long[] prompt = prompt(tokenizer, question);
          out.println("   Q: " + question);
          out.println("      base:    " + answer(base, tokenizer, prompt, stop));
          out.println("      adapter: " + answer(tuned, tokenizer, prompt, stop));
        }
      }
    }
  }

  private static long[] prompt(HfTokenizer tokenizer, String question) {
    String text =
        tokenizer.chatTemplate().isPresent()
            ? tokenizer.chatTemplate().get().render(List.of(ChatMessage.user(question)), true)
            : dev.armory.engine.data.AlpacaPrompt.prompt(question, "");
    boolean addSpecial = tokenizer.chatTemplate().isEmpty();
    return Arrays.stream(tokenizer.encode(text, addSpecial)).asLongStream().toArray();
  }

  private static String answer(
      FullRecomputeGenerator g, HfTokenizer tokenizer, long[] prompt, Set<Long> stop) {
    long[] ids = g.generate(prompt, 24, stop, TokenChooser.greedy(), id -> {}).newTokens();
    String text = tokenizer.decode(Arrays.stream(ids).mapToInt(v -> (int) v).toArray(), true);
    return text.strip().replace('\n', ' ');
  }
}
