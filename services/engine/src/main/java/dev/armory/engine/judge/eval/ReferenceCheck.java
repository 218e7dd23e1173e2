package dev.armory.engine.judge.eval;

/**
 * Whether an answer agrees with a reference answer: {@link ReferenceMatch} (text matching) or
 * {@link LlmReferenceGrader} (a judge model grades it).
 */
public interface ReferenceCheck {

  /** Grades {@code answer} to {@code prompt} against {@code reference}. */
  Grade grade(String prompt, String reference, String answer);

  /**
   * A grade.
   *
   * @param passed true or false, or null when it could not be determined (an unparseable or failed
   *     judge reply)
   * @param detail why (shown for failures and undetermined grades)
   */
  record Grade(Boolean passed, String detail) {}
}
