package dev.armory.cli;

import dev.armory.engine.bench.MergeBenchmark;
import dev.armory.engine.generate.WeightFormat;
import dev.armory.engine.generate.kv.KvCacheGraph;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code armory bench merge}: decode tokens/s of a merged model vs its adapter applied. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Merges a random LoRA adapter into a model and serves both ways with the KV-cache decode"
          + " engine: the base with the adapter applied per request, and the merged model. Prints"
          + " decode tokens/s of each at batch 1 and at --batch, and their ratio"
          + " (merged / adapter-applied)."
    })
final class BenchMergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      paramLabel = "DIR",
      description = "A Hugging Face model directory; without it a random Llama is generated.")
  Path model;

  @Option(
      names = "--hidden",
      defaultValue = "512",
      description = "Width of the generated Llama (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(
      names = "--layers",
      defaultValue = "8",
      description = "Layers of the generated Llama (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--rank",
      defaultValue = "16",
      description = "LoRA rank of the adapter (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(
      names = "--targets",
      defaultValue = "all-linear",
      paramLabel = "all-linear|default",
      description =
          "Layers the adapter wraps: every linear layer, or the architecture's default attention"
              + " projections (default: ${DEFAULT-VALUE}).")
  String targets;

  @Option(
      names = "--weights",
      defaultValue = "fp32",
      description = "Base weights of both engines: fp32, nf4 or int4 (default: ${DEFAULT-VALUE}).")
  String weights;

  @Option(
      names = "--attention",
      defaultValue = "group-query",
      description =
          "standard (Concat + MatMul + Softmax) or group-query (default: ${DEFAULT-VALUE}).")
  String attention;

  @Option(
      names = "--prompt-tokens",
      defaultValue = "32",
      description = "Prompt length (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(
      names = "--new-tokens",
      defaultValue = "64",
      description = "Tokens decoded per request (default: ${DEFAULT-VALUE}).")
  int newTokens;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "The larger batch measured besides batch 1 (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "ONNX Runtime threads per op; 0 = one per core.")
  int threads;

  @Override
  public Integer call() throws Exception {
    boolean fused =
        switch (attention.toLowerCase(Locale.ROOT)) {
          case "standard" -> false;
          case "group-query", "gqa" -> true;
          default ->
              throw new IllegalArgumentException(
                  "unknown --attention '" + attention + "': expected standard or group-query");
        };
    boolean allLinear =
        switch (targets.toLowerCase(Locale.ROOT)) {
          case "all-linear" -> true;
          case "default" -> false;
          default ->
              throw new IllegalArgumentException(
                  "unknown --targets '" + targets + "': expected all-linear or default");
        };
    MergeBenchmark.run(
        new MergeBenchmark.Options(
            model,
            hidden,
            layers,
            rank,
            allLinear,
            WeightFormat.parse(weights),
            fused ? KvCacheGraph.Options.fused() : KvCacheGraph.Options.standard(),
            promptTokens,
            newTokens,
            batch,
            threads),
        WriterPrintStream.of(spec.commandLine().getOut()));
    return 0;
  }
}
