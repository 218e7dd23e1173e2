package dev.armory.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/** The {@code armory} command: entry point to every Armory operation. */
@Command(
    name = "armory",
    mixinStandardHelpOptions = true,
    version = "armory 0.1.0-SNAPSHOT",
    description = "Fine-tune, merge, export, judge and serve LLM adapters on the JVM.",
    subcommands = {
      CommandLine.HelpCommand.class,
      DemoCommand.class,
      UpCommand.class,
      InspectCommand.class,
      DevCommand.class,
      GenerateCommand.class,
      ServeCommand.class,
      TrainCommand.class,
      TrainWorkerCommand.class,
      MergeCommand.class,
      ExportCommand.class,
      BenchCommand.class,
      JudgeCommand.class
    })
public final class Armory implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "On errors, print the full stack trace as well as the one-line message.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * The configured command line: lower-case enum values, and errors as one line on stderr (the
   * stack trace only with {@code --verbose}) with exit code 1.
   */
  public static CommandLine commandLine() {
    CommandLine cmd = new CommandLine(new Armory());
    cmd.setCaseInsensitiveEnumValuesAllowed(true);
    cmd.setExecutionExceptionHandler(Armory::handleError);
    // Their option names are long; keep each description beside its option.
    for (String name : new String[] {"up", "train-worker"}) {
      cmd.getSubcommands().get(name).getCommandSpec().usageMessage().longOptionsMaxWidth(32);
    }
    return cmd;
  }

  private static int handleError(Exception e, CommandLine cmd, ParseResult parseResult) {
    PrintWriter err = cmd.getErr();
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    err.println("armory " + cmd.getCommandName() + ": " + message);
    if (verbose(parseResult)) {
      e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static boolean verbose(ParseResult result) {
    for (ParseResult r = result; r != null; r = r.subcommand()) {
      if (r.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
