package dev.armory.engine.judge.llm;

import java.util.List;

/**
 * One pairwise comparison asked in both orders.
 *
 * @param outcome what the two orders say together
 * @param replies the judge's replies: the first with the first answer shown as A, the second with
 *     the answers swapped (absent when the first was unparseable)
 * @param votesFirst replies preferring the first answer
 * @param votesSecond replies preferring the second answer
 * @param unparseableReplies how many of the replies had no verdict
 * @param problem why a reply was unparseable, else null
 */
public record PairwiseResult(
    Outcome outcome,
    List<String> replies,
    int votesFirst,
    int votesSecond,
    int unparseableReplies,
    String problem) {
  /** What both orders say about the first answer versus the second. */
  public enum Outcome {
    /** Both orders prefer the first answer. */
    FIRST,
    /** Both orders prefer the second answer. */
    SECOND,
    /** Both orders call it a tie. */
    TIE,
    /** The orders disagree (the judge followed the position, not the content). */
    POSITION_DISAGREEMENT,
    /** A reply had no verdict. */
    UNPARSEABLE
  }

  public PairwiseResult {
    replies = List.copyOf(replies);
  }
}
