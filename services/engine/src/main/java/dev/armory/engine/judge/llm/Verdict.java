package dev.armory.engine.judge.llm;

/** A pairwise judge's answer, in the positions it was shown. */
public enum Verdict {
  /** The answer shown first ("Answer A") is better. */
  A,
  /** The answer shown second ("Answer B") is better. */
  B,
  /** Neither is better. */
  TIE
}
