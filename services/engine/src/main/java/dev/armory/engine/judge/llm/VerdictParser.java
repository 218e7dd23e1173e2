package dev.armory.engine.judge.llm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a pairwise judge's verdict from its reply. Accepted: a line {@code Winner: A} (also "winner
 * - b", {@code **Winner:** Answer A}, "Final verdict: [[B]]", "Winner: tie"), a JSON object with a
 * {@code winner} or {@code verdict} key ({@code {"winner": "B"}}, also inside a code fence), or
 * {@code [[A]]}/{@code [[B]]}/{@code [[tie]]}. Ties may also be written draw, equal, neither or
 * both. A reply with none of these, or with verdicts that disagree, is unparseable: it is counted
 * by the caller and never guessed at.
 */
public final class VerdictParser {
  private static final LabelledAnswerParser<Verdict> PARSER =
      new LabelledAnswerParser<>(
          List.of(
              "final winner",
              "winner",
              "final verdict",
              "verdict",
              "better answer",
              "preferred answer"),
          Set.of("winner", "verdict", "better_answer", "better", "preferred"),
          Map.of(
              "a", Verdict.A,
              "b", Verdict.B,
              "tie", Verdict.TIE,
              "draw", Verdict.TIE,
              "equal", Verdict.TIE,
              "neither", Verdict.TIE,
              "both", Verdict.TIE),
          true);

  private VerdictParser() {}

  /** The verdict in {@code reply}, or empty when there is none or they conflict. */
  public static Optional<Verdict> parse(String reply) {
    return PARSER.parse(reply).asOptional();
  }

  /** Why {@code reply} has no verdict, or null when it has one. */
  public static String problem(String reply) {
    return PARSER.parse(reply).problem();
  }
}
