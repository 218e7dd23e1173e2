package dev.armory.engine.judge.llm;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a single-answer grade from a judge's reply: a line {@code Verdict: PASS} / {@code Verdict:
 * FAIL} (also "Grade:", "Result:"; values pass/fail, correct/incorrect, yes/no) or JSON {@code
 * {"verdict": "pass"}}. Same rules as {@link VerdictParser}: nothing found or disagreeing grades
 * are unparseable, never guessed.
 */
public final class GradeParser {
  private static final LabelledAnswerParser<Boolean> PARSER =
      new LabelledAnswerParser<>(
          List.of("final verdict", "verdict", "grade", "result"),
          Set.of("verdict", "grade", "result", "pass"),
          Map.of(
              "pass", true,
              "passed", true,
              "correct", true,
              "yes", true,
              "fail", false,
              "failed", false,
              "incorrect", false,
              "no", false),
          false);

  private GradeParser() {}

  /** True for a pass, false for a fail, empty when the reply has no grade or conflicting ones. */
  public static Optional<Boolean> parse(String reply) {
    return PARSER.parse(reply).asOptional();
  }

  /** Why {@code reply} has no grade, or null when it has one. */
  public static String problem(String reply) {
    return PARSER.parse(reply).problem();
  }
}
