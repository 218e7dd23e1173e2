package dev.armory.cli;

import dev.armory.engine.examples.ExampleGraphs;
import dev.armory.engine.graph.Graph;
import dev.armory.engine.graph.OnnxWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code armory dev dump-graph}: writes a graph to an .onnx file for viewing in Netron. */
@Command(
    name = "dump-graph",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a graph to an .onnx file (tensors over 4 KiB go to FILE.data beside it; keep the"
          + " two together) for viewing in Netron.",
      "Backward nodes appended by --with-gradients are named under grad/.",
      "A later release adds --model DIR to dump a model's training graph."
    })
final class DumpGraphCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--example",
      required = true,
      paramLabel = "NAME",
      completionCandidates = ExampleNames.class,
      description = "Example graph to write: ${COMPLETION-CANDIDATES}.")
  String example;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "The .onnx file to write (its directory is created).")
  Path out;

  @Option(
      names = "--with-gradients",
      description = "Append the backward pass and output the gradients of the trainable weights.")
  boolean withGradients;

  /** The example names, for the help text and shell completion. */
  static final class ExampleNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return ExampleGraphs.NAMES.iterator();
    }
  }

  @Override
  public Integer call() throws Exception {
    if (!ExampleGraphs.NAMES.contains(example)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown example '"
              + example
              + "' for --example: expected one of "
              + String.join(", ", ExampleGraphs.NAMES));
    }
    Graph graph = ExampleGraphs.build(example, withGradients);
    OnnxWriter.write(graph, out);
    PrintWriter w = spec.commandLine().getOut();
    Path data = out.resolveSibling(out.getFileName() + ".data");
    w.printf(
        "wrote %s: graph '%s', %d nodes, %d initializers, %d inputs, %d outputs%n",
        out,
        graph.name(),
        graph.nodes().size(),
        graph.initializers().size(),
        graph.inputs().size(),
        graph.outputs().size());
    if (Files.exists(data)) {
      w.printf("external data: %s (%d bytes; keep it beside the .onnx)%n", data, Files.size(data));
    }
    w.flush();
    return 0;
  }
}
