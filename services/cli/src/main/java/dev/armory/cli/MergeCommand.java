package dev.armory.cli;

import dev.armory.engine.merge.MergeRequest;
import dev.armory.engine.merge.MergeResult;
import dev.armory.engine.merge.ModelMerger;
import dev.armory.engine.merge.WeightDType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code armory merge}: LoRA adapters merged into the base, written as an HF model directory. */
@Command(
    name = "merge",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Merges LoRA adapters into a base model (merge_and_unload) and writes a Hugging Face model"
          + " directory: config.json, safetensors weights, generation and tokenizer files, and"
          + " armory_merge.json recording what was merged. Every LoRA-wrapped linear weight"
          + " becomes W + scale·B·A (GPT-2's Conv1D weights get the transpose); several adapters"
          + " combine as the weighted sum of their full deltas, or by TIES.",
      "The merge runs in float32, one tensor at a time. From an NF4 (QLoRA) base the weights are"
          + " dequantised first; the adapters are never merged into 4-bit codes."
    })
final class MergeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description = "The base model directory (config.json and safetensors weights).")
  Path model;

  @Mixin AdapterMergeOptions adapters;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write the merged model to; must not exist or be empty.")
  Path out;

  @Option(
      names = "--dtype",
      defaultValue = "fp32",
      paramLabel = "fp32|fp16|bf16",
      description =
          "Element type of the written weights (default: ${DEFAULT-VALUE}, the exact merge); the"
              + " merge itself is always computed in float32.")
  String dtype;

  @Option(
      names = "--max-shard-size",
      defaultValue = "5GB",
      paramLabel = "SIZE",
      description =
          "Largest safetensors file, e.g. 5GB, 500MB, 2GiB (default: ${DEFAULT-VALUE}); bigger"
              + " checkpoints are sharded with model.safetensors.index.json.")
  String maxShardSize;

  @Override
  public Integer call() throws Exception {
    if (adapters.adapters.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "give at least one --adapter to merge");
    }
    MergeRequest request =
        new MergeRequest(
            model,
            adapters.weighted(),
            adapters.method(),
            adapters.density(),
            adapters.signElection(),
            adapters.baseWeights(),
            WeightDType.parse(dtype),
            out,
            ByteSizes.parse(maxShardSize, "--max-shard-size"));
    PrintWriter err = spec.commandLine().getErr();
    MergeResult r;
    ProgressBar[] bar = {null};
    try {
      r =
          ModelMerger.merge(
              request,
              (name, done, total) -> {
                if (bar[0] == null) {
                  bar[0] =
                      new ProgressBarBuilder()
                          .setTaskName("merge")
                          .setInitialMax(total)
                          .setStyle(ProgressBarStyle.ASCII)
                          .setConsumer(
                              new me.tongfei.progressbar.ConsoleProgressBarConsumer(
                                  WriterPrintStream.of(err)))
                          .setUnit(" tensors", 1)
                          .build();
                }
                bar[0].stepTo(done);
              });
    } finally {
      if (bar[0] != null) {
        bar[0].close();
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    o.println(
        String.format(
            Locale.ROOT,
            "merged %d adapter(s) (%s) into %d linear layer(s) of %s over a %s base (%s)",
            request.adapters().size(),
            request.method().name().toLowerCase(Locale.ROOT),
            r.mergedModules(),
            model,
            r.baseWeights().name().toLowerCase(Locale.ROOT),
            r.baseWeightsSource()));
    o.println(
        String.format(
            Locale.ROOT,
            "wrote %s: %d tensors, %.1f MB of %s weights in %d file(s)",
            r.directory(),
            r.tensors(),
            r.bytes() / 1e6,
            request.dtype().name().toLowerCase(Locale.ROOT),
            r.weightFiles().size()));
    o.flush();
    return 0;
  }
}
