package dev.armory.cli;

import dev.armory.engine.bench.TrainBenchmark;
import dev.armory.engine.finetune.BaseWeights;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code armory bench train}: LoRA/QLoRA training throughput against the machine's GEMM rate. */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Trains LoRA on a generated Llama of a few million parameters and prints training"
          + " tokens/s, the FLOP/s that implies, its ratio to an fp32 GEMM measured in the same"
          + " run, and peak RSS."
    })
final class BenchTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--hidden",
      defaultValue = "256",
      description = "Model width (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(
      names = "--layers",
      defaultValue = "6",
      description = "Decoder layers (default: ${DEFAULT-VALUE}).")
  int layers;

  @Option(
      names = "--batch",
      defaultValue = "8",
      description = "Rows per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--seq",
      defaultValue = "128",
      description = "Tokens per row (default: ${DEFAULT-VALUE}).")
  int seq;

  @Option(
      names = "--steps",
      defaultValue = "10",
      description = "Timed steps after two warm-up steps (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--quant",
      defaultValue = "nf4",
      description = "Base weights: nf4, nf4-no-dq or none (default: ${DEFAULT-VALUE}).")
  String quant;

  @Option(
      names = "--rank",
      defaultValue = "16",
      description = "LoRA rank on every linear layer (default: ${DEFAULT-VALUE}).")
  int rank;

  @Option(
      names = "--threads",
      defaultValue = "0",
      description = "ONNX Runtime threads per op; 0 = one per core.")
  int threads;

  @Option(
      names = "--profile",
      description = "Also print kernel time by op type from ONNX Runtime's profiler.")
  boolean profile;

  @Override
  public Integer call() throws Exception {
    TrainBenchmark.run(
        new TrainBenchmark.Options(
            hidden, layers, batch, seq, steps, BaseWeights.parse(quant), rank, threads, profile),
        WriterPrintStream.of(spec.commandLine().getOut()));
    return 0;
  }
}
