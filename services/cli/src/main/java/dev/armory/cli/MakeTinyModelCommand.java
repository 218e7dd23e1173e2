package dev.armory.cli;

import dev.armory.engine.fixtures.TinyModelGenerator;
import dev.armory.engine.hf.ModelConfig;
import dev.armory.engine.hf.ModelType;
import dev.armory.engine.models.ModelArchitecture;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code armory dev make-tiny-model}: writes a tiny random-weight model directory. */
@Command(
    name = "make-tiny-model",
    mixinStandardHelpOptions = true,
    description = {
      "Write a tiny random-weight Hugging Face model directory.",
      "",
      "Writes config.json, generation_config.json, model.safetensors and tokenizer files.",
      "Deterministic for a seed; tests and the demo use these, so nothing is downloaded."
    })
final class MakeTinyModelCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--arch",
      required = true,
      converter = ModelTypeOption.class,
      completionCandidates = ModelTypeOption.class,
      description = "Architecture to generate: ${COMPLETION-CANDIDATES}.")
  ModelType arch;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Directory to write (created if missing; existing model files are replaced).")
  Path out;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "" + TinyModelGenerator.DEFAULT_SEED,
      description = "Random seed for the weights (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    ModelConfig config = TinyModelGenerator.generate(arch, out, seed);
    PrintWriter w = spec.commandLine().getOut();
    w.printf(
        "Wrote a tiny %s model (%s, %,d parameters, vocabulary %d, seed %d) to %s%n",
        arch.hfName(),
        arch.causalLmClass(),
        ModelArchitecture.of(config).parameterCount(),
        config.vocabularySize(),
        seed,
        out.toAbsolutePath());
    w.flush();
    return 0;
  }
}
