package dev.armory.cli;

import dev.armory.engine.bench.DecodeBenchmark;
import dev.armory.engine.generate.WeightFormat;
import dev.armory.engine.generate.kv.KvCacheGraph;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code armory bench decode}: the decode engine's latency and throughput figures. */
@Command(
    name = "decode",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the decode engine and prints first-token latency, decode tokens/s at batch 1 and 8,"
          + " mixed-adapter batch throughput as a ratio of single-adapter batch throughput, and"
          + " adapter switch latency p50/p99 with many adapters registered, all in one run."
    })
final class BenchDecodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
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
      names = "--weights",
      defaultValue = "fp32",
      description = "Base weights: fp32, nf4 or int4 (default: ${DEFAULT-VALUE}).")
  String weights;

  @Option(
      names = "--attention",
      defaultValue = "group-query",
      description =
          "standard (Concat + MatMul + Softmax) or group-query (default: ${DEFAULT-VALUE}).")
  String attention;

  @Option(
      names = "--fused-norms",
      defaultValue = "true",
      arity = "1",
      description = "Norms and residual adds as fused kernels (default: ${DEFAULT-VALUE}).")
  boolean fusedNorms;

  @Option(
      names = "--contrib-rotary",
      defaultValue = "true",
      arity = "1",
      description =
          "Rotary embedding outside attention as RotaryEmbedding (default: ${DEFAULT-VALUE}).")
  boolean contribRotary;

  @Option(
      names = "--prompt-tokens",
      defaultValue = "32",
      description = "Prompt length (default: ${DEFAULT-VALUE}).")
  int promptTokens;

  @Option(
      names = "--new-tokens",
      defaultValue = "64",
      description = "Tokens per request in the throughput runs (default: ${DEFAULT-VALUE}).")
  int newTokens;

  @Option(
      names = "--adapters",
      defaultValue = "1000",
      description = "Adapters registered for the switch measurement (default: ${DEFAULT-VALUE}).")
  int adapters;

  @Option(
      names = "--resident",
      defaultValue = "64",
      description = "Adapters the memory budget holds at once (default: ${DEFAULT-VALUE}).")
  int resident;

  @Option(
      names = "--switches",
      defaultValue = "200",
      description = "Requests in the switch measurement (default: ${DEFAULT-VALUE}).")
  int switches;

  @Option(
      names = "--rank",
      defaultValue = "8",
      description = "Rank of the generated adapters (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "ONNX Runtime threads per op; 0 = one per core.")
  int threads;

  @Override
  public Integer call() throws Exception {
    KvCacheGraph.AttentionKernel kernel =
        switch (attention.toLowerCase(Locale.ROOT)) {
          case "standard" -> KvCacheGraph.AttentionKernel.STANDARD;
          case "group-query", "gqa" -> KvCacheGraph.AttentionKernel.GROUP_QUERY;
          default ->
              throw new IllegalArgumentException(
                  "unknown --attention '" + attention + "': expected standard or group-query");
        };
    DecodeBenchmark.run(
        new DecodeBenchmark.Options(
            model,
            hidden,
            layers,
            WeightFormat.parse(weights),
            new KvCacheGraph.Options(kernel, fusedNorms, contribRotary, false),
            promptTokens,
            newTokens,
            adapters,
            resident,
            switches,
            rank,
            threads),
        WriterPrintStream.of(spec.commandLine().getOut()));
    return 0;
  }
}
