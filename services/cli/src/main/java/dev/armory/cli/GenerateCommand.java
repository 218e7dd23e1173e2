package dev.armory.cli;

import dev.armory.engine.generate.FullRecomputeGenerator;
import dev.armory.engine.generate.TokenChooser;
import dev.armory.engine.hf.GenerationConfig;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.runtime.SessionConfig;
import dev.armory.engine.tokenizer.HfTokenizer;
import dev.armory.engine.tokenizer.IncrementalDecoder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code armory generate}: continues a prompt with a model directory, or asks a running {@code
 * armory serve}, printing the text as it comes.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Continues a prompt and prints the text as it is generated, then one summary line (prompt"
          + " tokens, new tokens, tokens/s) on stderr.",
      "With --model DIR it runs the Hugging Face model directory here: every step runs the"
          + " model over the whole sequence (no KV cache), simple and exact but slow for long"
          + " outputs.",
      "With --server HOST:PORT it streams from a running `armory serve` (gRPC"
          + " GenerateStream); --adapter, --top-k, --top-p, --repetition-penalty, --stop,"
          + " --chat, --system and --timeout apply there. Ctrl-C cancels the call, which frees"
          + " its batch slot on the server."
    })
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description =
          "Model directory: config.json, model.safetensors (or shards with"
              + " model.safetensors.index.json) and tokenizer.json. Give this or --server.")
  Path model;

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description =
          "A running `armory serve` to ask over gRPC (e.g. localhost:50051) instead of --model.")
  String server;

  @Option(
      names = "--adapter",
      paramLabel = "ID",
      description = "With --server: an adapter registered on the server (see ListAdapters).")
  String adapter;

  @Option(
      names = "--top-k",
      paramLabel = "K",
      description = "With --server: sample only from the K most likely tokens (0, default: all).")
  Integer topK;

  @Option(
      names = "--top-p",
      paramLabel = "P",
      description =
          "With --server: sample from the smallest set of likely tokens reaching probability P"
              + " (1, default: all).")
  Double topP;

  @Option(
      names = "--repetition-penalty",
      paramLabel = "X",
      description = "With --server: penalty on tokens already seen (1, default: off).")
  Double repetitionPenalty;

  @Option(
      names = "--stop",
      paramLabel = "TEXT",
      description = "With --server: stop before this text appears (repeatable); it is not printed.")
  List<String> stop;

  @Option(
      names = "--chat",
      description =
          "With --server: send --prompt as a user message, rendered with the model's chat"
              + " template; only the reply is printed.")
  boolean chat;

  @Option(
      names = "--system",
      paramLabel = "TEXT",
      description = "With --server and --chat: a system message before the user's.")
  String system;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      paramLabel = "SECONDS",
      description =
          "With --server: the call's deadline; the server stops generating when it passes"
              + " (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(
      names = "--prompt",
      required = true,
      paramLabel = "TEXT",
      description =
          "Text to continue. Special tokens (e.g. BOS) are added as the tokenizer's config says.")
  String prompt;

  @Option(
      names = "--max-new-tokens",
      defaultValue = "64",
      paramLabel = "N",
      description =
          "Most tokens to generate (default: ${DEFAULT-VALUE}). Generation stops earlier at an"
              + " end-of-sequence token or when the model's context length is reached.")
  int maxNewTokens;

  @Option(
      names = "--temperature",
      defaultValue = "0",
      paramLabel = "T",
      description =
          "Sampling temperature. 0 (the default) decodes greedily, always taking the most likely"
              + " token; above 0, tokens are sampled from softmax(logits / T).")
  double temperature;

  @Option(
      names = "--seed",
      defaultValue = "0",
      paramLabel = "S",
      description =
          "Random seed for sampling with --temperature > 0; the same seed gives the same text"
              + " (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "CPU threads for ONNX Runtime; 0 (the default) uses one per core.")
  int threads;

  @Override
  public Integer call() throws Exception {
    if (maxNewTokens < 0) {
      throw new ParameterException(
          spec.commandLine(), "--max-new-tokens must be >= 0, was " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new ParameterException(
          spec.commandLine(),
          "--temperature must be 0 (greedy) or a positive number, was " + temperature);
    }
    if (threads < 0) {
      throw new ParameterException(spec.commandLine(), "--threads must be >= 0, was " + threads);
    }
    if ((model == null) == (server == null)) {
      throw new ParameterException(
          spec.commandLine(),
          "give either --model DIR (generate here) or --server HOST:PORT (ask armory serve)");
    }
    if (server != null) {
      return new RemoteGeneration(this).run();
    }
    List<String> serverOnly = new ArrayList<>();
    addIf(serverOnly, adapter != null, "--adapter");
    addIf(serverOnly, topK != null, "--top-k");
    addIf(serverOnly, topP != null, "--top-p");
    addIf(serverOnly, repetitionPenalty != null, "--repetition-penalty");
    addIf(serverOnly, stop != null, "--stop");
    addIf(serverOnly, chat, "--chat");
    addIf(serverOnly, system != null, "--system");
    if (!serverOnly.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          String.join(", ", serverOnly)
              + " need --server: with --model, generate does plain greedy or temperature"
              + " sampling");
    }
    PrintWriter out = spec.commandLine().getOut();
    try (HfModelDir dir = HfModelDir.open(model);
        HfTokenizer tokenizer = HfTokenizer.load(model);
        FullRecomputeGenerator generator =
            FullRecomputeGenerator.open(dir, SessionConfig.defaults().withThreads(threads))) {
      long[] promptTokens = Arrays.stream(tokenizer.encode(prompt, true)).asLongStream().toArray();
      if (promptTokens.length == 0) {
        throw new ParameterException(
            spec.commandLine(), "--prompt encodes to no tokens; give some text");
      }
      TokenChooser chooser =
          temperature == 0 ? TokenChooser.greedy() : TokenChooser.sampling(temperature, seed);
      IncrementalDecoder decoder = tokenizer.incrementalDecoder(true);
      int[] generated = new int[maxNewTokens];
      int[] count = {0};
      out.print(prompt);
      out.flush();
      FullRecomputeGenerator.Generation g =
          generator.generate(
              promptTokens,
              maxNewTokens,
              stopTokens(dir, tokenizer),
              chooser,
              id -> {
                generated[count[0]++] = Math.toIntExact(id);
                out.print(decoder.next(Arrays.copyOf(generated, count[0])));
                out.flush();
              });
      out.println(decoder.finish(Arrays.copyOf(generated, count[0])));
      out.flush();
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          String.format(
              Locale.ROOT,
              "prompt tokens: %d, new tokens: %d (%s), %.1f tokens/s",
              promptTokens.length,
              g.newTokens().length,
              describe(g.stopReason()),
              g.tokensPerSecond()));
      err.flush();
      return 0;
    }
  }

  private static void addIf(List<String> names, boolean given, String name) {
    if (given) {
      names.add(name);
    }
  }

  /** generation_config.json's eos ids, else config.json's, else the tokenizer's EOS token. */
  private static Set<Long> stopTokens(HfModelDir dir, HfTokenizer tokenizer) {
    List<Integer> ids = dir.generationConfig().map(GenerationConfig::eosTokenIds).orElse(List.of());
    if (ids.isEmpty()) {
      ids = dir.config().eosTokenIds();
    }
    Set<Long> stop = new LinkedHashSet<>();
    ids.forEach(id -> stop.add((long) id));
    if (stop.isEmpty()) {
      tokenizer.eosId().ifPresent(id -> stop.add((long) id));
    }
    return stop;
  }

  private static String describe(FullRecomputeGenerator.StopReason reason) {
    return switch (reason) {
      case STOP_TOKEN -> "stopped at end of sequence";
      case MAX_NEW_TOKENS -> "reached --max-new-tokens";
      case CONTEXT_FULL -> "reached the model's context length";
    };
  }
}
