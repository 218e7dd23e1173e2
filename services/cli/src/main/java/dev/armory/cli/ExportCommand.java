package dev.armory.cli;

import dev.armory.engine.export.ExportPrecision;
import dev.armory.engine.export.ExportRequest;
import dev.armory.engine.export.ExportResult;
import dev.armory.engine.export.OnnxExporter;
import dev.armory.engine.export.ParitySettings;
import dev.armory.engine.runtime.SessionConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory export}: a validated standalone ONNX model with a KV cache. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Exports a model, with adapters merged in, as a standalone ONNX inference model:"
          + " model.onnx + model.onnx.data with inputs input_ids, attention_mask, position_ids and"
          + " past_key_values.{layer}.key/value, outputs logits and present.{layer}.key/value"
          + " (Hugging Face / Optimum conventions), Armory's metadata in the model, and"
          + " model.onnx.json describing inputs, outputs, the KV-cache layout, tokenizer and"
          + " generation defaults; config and tokenizer files are copied beside it.",
      "Validation is part of the export: the file is loaded in a fresh ONNX Runtime session and"
          + " its logits are compared with the engine's adapter-applied logits on a set of"
          + " prompts, decoding greedily through the cache. parity_report.json records max/mean"
          + " absolute differences per prompt and greedy agreement; the export fails (exit 1,"
          + " files left in OUT.rejected) when the largest difference exceeds the precision's"
          + " threshold."
    })
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The base model directory (config.json, safetensors weights, tokenizer).")
  Path model;

  @Mixin AdapterMergeOptions adapters;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write the export to; must not exist or be empty.")
  Path out;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      paramLabel = "fp32|fp16|int4",
      description =
          "Weight precision (default: ${DEFAULT-VALUE}). fp32: exact. fp16: weights stored in"
              + " float16 and cast to float32 in the graph (half the size; runs on any provider)."
              + " int4: decoder linear layers quantised to 4 bits for com.microsoft.MatMulNBits."
              + " Activations, KV cache and logits are float32 in all three.")
  String precision;

  @Option(
      names = "--int4-block-size",
      defaultValue = "32",
      paramLabel = "N",
      description =
          "int4: weights per quantisation block along the input dimension, a power of two >= 16"
              + " (default: ${DEFAULT-VALUE}).")
  int int4BlockSize;

  @Option(
      names = "--int4-accuracy-level",
      defaultValue = "4",
      paramLabel = "0..4",
      description =
          "int4: MatMulNBits accuracy_level, the activations' precision inside the kernel: 0"
              + " unset, 1 fp32, 2 fp16, 3 bf16, 4 int8 (fastest on CPU) (default:"
              + " ${DEFAULT-VALUE}).")
  int int4AccuracyLevel;

  @Option(
      names = "--parity-prompt",
      paramLabel = "TEXT",
      description =
          "A prompt for the parity check, encoded with the model's tokenizer; repeat for"
              + " several (default: five built-in prompts).")
  List<String> parityPrompts = new ArrayList<>();

  @Option(
      names = "--parity-tokens",
      defaultValue = "16",
      paramLabel = "N",
      description = "Tokens decoded greedily per parity prompt (default: ${DEFAULT-VALUE}).")
  int parityTokens;

  @Option(
      names = "--max-abs-fp32",
      defaultValue = "1e-4",
      paramLabel = "X",
      description =
          "Largest max-abs logit difference accepted for fp32 (default: ${DEFAULT-VALUE}).")
  double maxAbsFp32;

  @Option(
      names = "--max-abs-fp16",
      defaultValue = "0.1",
      paramLabel = "X",
      description =
          "Largest max-abs logit difference accepted for fp16 (default: ${DEFAULT-VALUE}).")
  double maxAbsFp16;

  @Option(
      names = "--max-abs-int4",
      defaultValue = "10",
      paramLabel = "X",
      description =
          "Largest max-abs logit difference accepted for int4 (default: ${DEFAULT-VALUE}, a"
              + " bound that catches a broken export; judge int4 quality by the report's mean"
              + " difference and greedy agreement).")
  double maxAbsInt4;

  @Option(
      names = "--threads",
      defaultValue = "0",
      paramLabel = "N",
      description = "ONNX Runtime threads for the parity check; 0 (the default) uses one per core.")
  int threads;

  @Override
  public Integer call() throws Exception {
    if (threads < 0) {
      throw new ParameterException(spec.commandLine(), "--threads must be >= 0, was " + threads);
    }
    ExportRequest request =
        new ExportRequest(
            model,
            adapters.weighted(),
            adapters.method(),
            adapters.density(),
            adapters.signElection(),
            adapters.baseWeights(),
            ExportPrecision.parse(precision),
            int4BlockSize,
            int4AccuracyLevel,
            out,
            new ParitySettings(parityPrompts, parityTokens, maxAbsFp32, maxAbsFp16, maxAbsInt4));
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    ExportResult r =
        OnnxExporter.export(
            request,
            SessionConfig.defaults().withThreads(threads),
            message -> {
              if (message.startsWith("parity")) {
                o.println(message);
                o.flush();
              } else {
                err.println(message);
                err.flush();
              }
            });
    o.println(
        String.format(
            Locale.ROOT,
            "exported %s: %s (%.1f KB) + %s.data (%.1f MB), %s weights",
            r.directory(),
            OnnxExporter.MODEL_FILE,
            r.onnxBytes() / 1e3,
            OnnxExporter.MODEL_FILE,
            r.dataBytes() / 1e6,
            r.precision().label()));
    o.flush();
    return 0;
  }
}
