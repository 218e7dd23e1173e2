package dev.armory.engine.judge.eval;

import java.text.Normalizer;
import java.util.Locale;

/**
 * Grades by text: the answer passes when, after Unicode NFKC normalisation, lower-casing and
 * collapsing whitespace, it contains the reference ({@link Mode#CONTAINS}) or equals it ({@link
 * Mode#EXACT}, trailing punctuation ignored).
 */
public record ReferenceMatch(Mode mode) implements ReferenceCheck {
  /** How answer and reference are compared. */
  public enum Mode {
    /** The answer contains the reference. */
    CONTAINS,
    /** The answer is the reference. */
    EXACT
  }

  @Override
  public Grade grade(String prompt, String reference, String answer) {
    String a = normalise(answer);
    String r = normalise(reference);
    boolean passed = mode == Mode.CONTAINS ? a.contains(r) : stripEnd(a).equals(stripEnd(r));
    return new Grade(
        passed,
        passed
            ? "matches the reference"
            : (mode == Mode.CONTAINS ? "does not contain" : "differs from") + " the reference");
  }

  static String normalise(String s) {
    return Normalizer.normalize(s, Normalizer.Form.NFKC)
        .toLowerCase(Locale.ROOT)
        .replaceAll("\\s+", " ")
        .strip();
  }

  private static String stripEnd(String s) {
    return s.replaceAll("[\\p{Punct}\\s]+$", "");
  }
}
