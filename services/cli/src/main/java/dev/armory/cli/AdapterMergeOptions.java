package dev.armory.cli;

import dev.armory.engine.finetune.BaseWeights;
import dev.armory.engine.merge.MergeMethod;
import dev.armory.engine.merge.MergeRequest;
import dev.armory.engine.merge.SignElection;
import dev.armory.engine.merge.WeightedAdapter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The adapter options {@code armory merge} and {@code armory export} share. */
final class AdapterMergeOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description =
          "A PEFT LoRA adapter directory (adapter_config.json + adapter_model.safetensors), or an"
              + " Armory run directory holding adapter/. Repeat to merge several adapters.")
  List<Path> adapters = new ArrayList<>();

  @Option(
      names = "--weights",
      split = ",",
      paramLabel = "W",
      description =
          "One weight per --adapter, comma separated, in the same order (default: 1 each). The"
              + " merge adds Σ wᵢ·scaleᵢ·Bᵢ·Aᵢ; weight 0 leaves an adapter out.")
  List<Double> weights = new ArrayList<>();

  @Option(
      names = "--method",
      defaultValue = "linear",
      paramLabel = "linear|ties",
      description =
          "How several adapters combine (default: ${DEFAULT-VALUE}). linear: the weighted sum of"
              + " their full deltas. ties: TIES merging of the full deltas (trim each to --density"
              + " by magnitude, elect a sign per weight, average the weighted values that agree).")
  String method;

  @Option(
      names = "--density",
      paramLabel = "D",
      description =
          "ties: fraction of each adapter's delta entries kept, largest magnitudes first, in (0, 1]"
              + " (default: 0.2, as in the TIES paper).")
  Double density;

  @Option(
      names = "--sign-election",
      defaultValue = "total",
      paramLabel = "total|frequency",
      description =
          "ties: elect each entry's sign from the sum of the trimmed values (total) or from the"
              + " count of positive vs negative adapters (frequency) (default: ${DEFAULT-VALUE}).")
  String signElection;

  @Option(
      names = "--base-weights",
      defaultValue = "auto",
      paramLabel = "auto|fp32|nf4|nf4-no-dq",
      description =
          "The base the adapters were trained against. nf4 (QLoRA): the base is quantised to NF4"
              + " exactly as training did and dequantised, and the deltas are added in float32 to"
              + " that. auto (default): read lineage.base_weights from the adapter's run"
              + " manifest.json, else fp32.")
  String baseWeights;

  List<WeightedAdapter> weighted() {
    if (!weights.isEmpty() && weights.size() != adapters.size()) {
      throw new ParameterException(
          spec.commandLine(),
          "--weights has "
              + weights.size()
              + " value(s) for "
              + adapters.size()
              + " --adapter(s); give one weight per adapter, in order");
    }
    List<WeightedAdapter> out = new ArrayList<>();
    for (int i = 0; i < adapters.size(); i++) {
      out.add(new WeightedAdapter(adapters.get(i), weights.isEmpty() ? 1.0 : weights.get(i)));
    }
    return out;
  }

  MergeMethod method() {
    return MergeMethod.parse(method);
  }

  double density() {
    if (density != null && method() != MergeMethod.TIES) {
      throw new ParameterException(spec.commandLine(), "--density applies to --method ties only");
    }
    return density != null ? density : MergeRequest.DEFAULT_TIES_DENSITY;
  }

  SignElection signElection() {
    return SignElection.parse(signElection);
  }

  /** null for auto. */
  BaseWeights baseWeights() {
    return baseWeights.trim().toLowerCase(Locale.ROOT).equals("auto")
        ? null
        : BaseWeights.parse(baseWeights);
  }
}
