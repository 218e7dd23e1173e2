package dev.armory.engine.judge;

import dev.armory.engine.judge.rules.Assessment;
import java.util.List;

/**
 * What a {@link JudgePanel} decided about two answers to one prompt, "first" and "second" in the
 * order they were given (the LLM judges saw both orders).
 *
 * @param outcome the decision
 * @param decidedBy the judge id that decided (rules or LLM judges), or null when nothing did
 * @param first the first answer's rule assessment
 * @param second the second answer's rule assessment
 * @param replies every LLM reply, in the order asked
 * @param votesFirst LLM replies preferring the first answer
 * @param votesSecond LLM replies preferring the second answer
 * @param unparseableReplies LLM replies without a verdict
 * @param problem why the pair was dropped (unparseable reply, judge error), or null
 */
public record PairDecision(
    Outcome outcome,
    String decidedBy,
    Assessment first,
    Assessment second,
    List<JudgeReply> replies,
    int votesFirst,
    int votesSecond,
    int unparseableReplies,
    String problem) {

  /** The decision about the first answer versus the second. */
  public enum Outcome {
    /** The first answer is better (by the rules, or every LLM judge in both orders). */
    FIRST,
    /** The second answer is better. */
    SECOND,
    /** Every LLM judge called it a tie in both orders. */
    TIE,
    /** The two answers are the same text. */
    IDENTICAL,
    /** Both answers fail a veto rule: neither is worth choosing. */
    BOTH_VETOED,
    /** The rules see no difference and there is no LLM judge. */
    UNDECIDED,
    /** An LLM judge's two orders disagree. */
    POSITION_DISAGREEMENT,
    /** LLM judges each agree with themselves but not with each other. */
    JUDGES_DISAGREE,
    /** An LLM reply had no parseable verdict. */
    UNPARSEABLE,
    /** An LLM judge could not be asked (time-out, retries exhausted, prompt too long). */
    JUDGE_ERROR;

    /** Whether the pair has a winner. */
    public boolean decided() {
      return this == FIRST || this == SECOND;
    }
  }

  /**
   * One LLM reply.
   *
   * @param judgeId the judge asked
   * @param firstShownAsA whether the first answer was shown as "Answer A"
   * @param text the reply
   */
  public record JudgeReply(String judgeId, boolean firstShownAsA, String text) {}

  public PairDecision {
    replies = List.copyOf(replies);
  }

  /**
   * Why, in words, naming the answers {@code firstName} and {@code secondName} (e.g. "chosen" and
   * "rejected"): the rules' view, then each LLM reply with which answer it saw as A.
   */
  public String rationale(String firstName, String secondName) {
    StringBuilder out = new StringBuilder();
    if (!first.results().isEmpty() || !second.results().isEmpty()) {
      out.append("rules: ")
          .append(firstName)
          .append(' ')
          .append(first.describe())
          .append("; ")
          .append(secondName)
          .append(' ')
          .append(second.describe());
    }
    for (JudgeReply r : replies) {
      if (out.length() > 0) {
        out.append('\n');
      }
      out.append(r.judgeId())
          .append(" with the ")
          .append(r.firstShownAsA() ? firstName : secondName)
          .append(" answer as A: ")
          .append(r.text().strip());
    }
    if (problem != null) {
      out.append(out.length() > 0 ? "\n" : "").append(problem);
    }
    return out.toString();
  }
}
