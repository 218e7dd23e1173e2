package dev.armory.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code armory bench}: benchmarks that print measured figures (never pass/fail tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks: each prints its figures, measured in one run on this machine.",
    subcommands = {
      CommandLine.HelpCommand.class,
      BenchTrainCommand.class,
      BenchDecodeCommand.class,
      BenchMergeCommand.class
    })
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
