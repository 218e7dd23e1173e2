package dev.armory.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code armory dev}: tools for developing Armory itself (fixtures, debugging aids). */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = "Developer tools: test fixtures and debugging aids.",
    subcommands = {MakeTinyModelCommand.class, DumpGraphCommand.class})
final class DevCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
