package dev.armory.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code armory judge}: AI-judged preference data (RLAIF) and win-rate evaluation. */
@Command(
    name = "judge",
    mixinStandardHelpOptions = true,
    description = {
      "AI feedback: sample answers, judge them with rules (a YAML constitution), an LLM judge"
          + " (in-process model, asked in both orders) and/or an OpenAI-compatible endpoint, and"
          + " write preference pairs for DPO; or evaluate an adapter's win rate against the base.",
    },
    subcommands = {CommandLine.HelpCommand.class, JudgePairsCommand.class, JudgeEvalCommand.class})
final class JudgeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
