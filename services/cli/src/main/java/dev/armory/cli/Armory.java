package dev.armory.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code armory} command: entry point to every Armory operation. */
@Command(
    name = "armory",
    mixinStandardHelpOptions = true,
    version = "armory 0.1.0-SNAPSHOT",
    description = "Fine-tune, merge, export, judge and serve LLM adapters on the JVM.",
    subcommands = {CommandLine.HelpCommand.class})
public final class Armory implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new Armory()).execute(args));
  }
}
