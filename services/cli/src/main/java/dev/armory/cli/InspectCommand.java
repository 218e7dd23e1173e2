package dev.armory.cli;

import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.models.ModelInspection;
import dev.armory.engine.models.ModelInspector;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code armory inspect}: a model directory's module tree, parameters and adapter targets. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a model's module tree, parameters and adapter-targetable layers.",
      "",
      "Prints a Hugging Face model directory's module tree as PyTorch's print(model) shows it,",
      "every parameter's dtype and shape, total and per-kind parameter counts, and the linear",
      "layers an adapter can target, with the default LoRA targets marked."
    })
final class InspectCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "MODEL_DIR",
      description = "Model directory holding config.json and model.safetensors (or shards).")
  Path modelDir;

  @Option(names = "--json", description = "Print the report as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    try (HfModelDir model = HfModelDir.open(modelDir)) {
      ModelInspection report = ModelInspector.inspect(model);
      spec.commandLine().getOut().print(json ? Json.pretty(report.toJson()) : report.toText());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
