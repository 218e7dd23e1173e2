package dev.armory.cli;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.HfModelDir;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelInspection;
import dev.armory.engine.models.ModelInspector;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code armory demo}: for now, generates a tiny model of each supported architecture and inspects
 * it. The end-to-end demo (ingest, train, export, serve) replaces this as those parts land.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run Armory's main job (for now: make and inspect a tiny model per architecture).",
      "",
      "Until the end-to-end demo lands, this generates a tiny random-weight model of each",
      "supported architecture (llama, mistral, qwen2, gpt2) and inspects each one."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--workdir",
      paramLabel = "DIR",
      description = "Where to write the generated models (default: a new temporary directory).")
  Path workdir;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + TinyModelGenerator.DEFAULT_SEED,
      description = "Random seed for the generated weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Path dir = workdir != null ? workdir : Files.createTempDirectory("armory-demo-");
    PrintWriter out = spec.commandLine().getOut();
    out.println("Armory demo: generating and inspecting a tiny model per architecture in " + dir);
    for (ModelType type : ModelType.values()) {
      Path modelDir = dir.resolve("tiny-" + type.hfName());
      TinyModelGenerator.generate(type, modelDir, seed);
      try (HfModelDir model = HfModelDir.open(modelDir)) {
        ModelInspection report = ModelInspector.inspect(model);
        out.println();
        out.println("=".repeat(100));
        out.print(report.toText());
      }
    }
    out.println();
    out.println("Done: " + ModelType.values().length + " models generated and inspected in " + dir);
    out.flush();
    return 0;
  }
}
