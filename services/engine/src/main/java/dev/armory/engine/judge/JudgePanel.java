package dev.armory.engine.judge;

import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.judge.llm.LlmPairwiseJudge;
import dev.armory.engine.judge.llm.PairwiseResult;
import dev.armory.engine.judge.rules.Assessment;
import dev.armory.engine.judge.rules.Constitution;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The judges combined, in order: the constitution's rules first, then every LLM judge.
 *
 * <ol>
 *   <li>Identical answers are not compared.
 *   <li>Rules: if both answers are vetoed nothing is chosen; if one is, the other wins; if their
 *       rule scores differ, the higher wins. No LLM is asked in these cases.
 *   <li>LLM judges (when the rules see no difference): each compares the pair in both orders. Any
 *       unparseable reply, error or position disagreement drops the pair; the pair is decided only
 *       when every judge reaches the same verdict ({@code JUDGES_DISAGREE} otherwise). Judges after
 *       a failing one are not asked.
 *   <li>Without LLM judges, a pair the rules cannot split is {@code UNDECIDED}.
 * </ol>
 *
 * Thread-safe when its judges' models are.
 */
public final class JudgePanel {
  private final Constitution constitution;
  private final List<LlmPairwiseJudge> judges;

  /**
   * @param constitution the rules, or null for none
   * @param judges LLM judges, asked in this order (may be empty)
   */
  public JudgePanel(Constitution constitution, List<LlmPairwiseJudge> judges) {
    this.constitution = constitution;
    this.judges = List.copyOf(judges);
    if (constitution == null && judges.isEmpty()) {
      throw new IllegalArgumentException(
          "a judge panel needs a constitution (rules), an LLM judge, or both");
    }
  }

  public boolean hasRules() {
    return constitution != null && !constitution.rules().isEmpty();
  }

  public boolean hasLlmJudges() {
    return !judges.isEmpty();
  }

  /** The constitution, or null. */
  public Constitution constitution() {
    return constitution;
  }

  public List<LlmPairwiseJudge> judges() {
    return judges;
  }

  /** {@code rules:NAME}, or null without a constitution. */
  public String rulesId() {
    return constitution == null ? null : "rules:" + constitution.name();
  }

  /** The LLM judges' ids joined with "+", or null without LLM judges. */
  public String llmId() {
    return judges.isEmpty()
        ? null
        : judges.stream().map(LlmPairwiseJudge::id).collect(Collectors.joining("+"));
  }

  /** The rules applied to {@code answer} (no rules: not vetoed, score 0). */
  public Assessment assess(Candidate answer) {
    return constitution == null
        ? Assessment.NONE
        : constitution.assess(answer.text(), answer.tokens());
  }

  /** Decides between two answers to {@code prompt}; assesses them with the rules first. */
  public PairDecision decide(String prompt, Candidate first, Candidate second) {
    return decide(prompt, first, assess(first), second, assess(second));
  }

  /**
   * Decides between two already assessed answers to {@code prompt}.
   *
   * @throws JudgeCallException when an LLM judge fails fatally
   */
  public PairDecision decide(
      String prompt,
      Candidate first,
      Assessment firstRules,
      Candidate second,
      Assessment secondRules) {
    if (first.text().equals(second.text())) {
      return decision(
          PairDecision.Outcome.IDENTICAL, null, firstRules, secondRules, List.of(), 0, 0, 0, null);
    }
    if (firstRules.vetoed() && secondRules.vetoed()) {
      return decision(
          PairDecision.Outcome.BOTH_VETOED,
          null,
          firstRules,
          secondRules,
          List.of(),
          0,
          0,
          0,
          null);
    }
    if (firstRules.vetoed() != secondRules.vetoed()) {
      PairDecision.Outcome o =
          firstRules.vetoed() ? PairDecision.Outcome.SECOND : PairDecision.Outcome.FIRST;
      return decision(o, rulesId(), firstRules, secondRules, List.of(), 0, 0, 0, null);
    }
    int byScore = Double.compare(firstRules.score(), secondRules.score());
    if (byScore != 0) {
      PairDecision.Outcome o =
          byScore > 0 ? PairDecision.Outcome.FIRST : PairDecision.Outcome.SECOND;
      return decision(o, rulesId(), firstRules, secondRules, List.of(), 0, 0, 0, null);
    }
    if (judges.isEmpty()) {
      return decision(
          PairDecision.Outcome.UNDECIDED, null, firstRules, secondRules, List.of(), 0, 0, 0, null);
    }
    List<PairDecision.JudgeReply> replies = new ArrayList<>();
    int votesFirst = 0;
    int votesSecond = 0;
    PairwiseResult.Outcome agreed = null;
    for (LlmPairwiseJudge judge : judges) {
      PairwiseResult r;
      try {
        r = judge.compare(prompt, first.text(), second.text());
      } catch (JudgeCallException e) {
        if (e.fatal()) {
          throw e;
        }
        return decision(
            PairDecision.Outcome.JUDGE_ERROR,
            null,
            firstRules,
            secondRules,
            replies,
            votesFirst,
            votesSecond,
            0,
            judge.id() + ": " + e.getMessage());
      }
      votesFirst += r.votesFirst();
      votesSecond += r.votesSecond();
      for (int i = 0; i < r.replies().size(); i++) {
        replies.add(new PairDecision.JudgeReply(judge.id(), i == 0, r.replies().get(i)));
      }
      switch (r.outcome()) {
        case UNPARSEABLE -> {
          return decision(
              PairDecision.Outcome.UNPARSEABLE,
              null,
              firstRules,
              secondRules,
              replies,
              votesFirst,
              votesSecond,
              r.unparseableReplies(),
              judge.id() + ": reply without a verdict (" + r.problem() + ")");
        }
        case POSITION_DISAGREEMENT -> {
          return decision(
              PairDecision.Outcome.POSITION_DISAGREEMENT,
              null,
              firstRules,
              secondRules,
              replies,
              votesFirst,
              votesSecond,
              0,
              null);
        }
        case FIRST, SECOND, TIE -> {}
      }
      if (agreed != null && agreed != r.outcome()) {
        return decision(
            PairDecision.Outcome.JUDGES_DISAGREE,
            null,
            firstRules,
            secondRules,
            replies,
            votesFirst,
            votesSecond,
            0,
            null);
      }
      agreed = r.outcome();
    }
    PairDecision.Outcome o =
        switch (agreed) {
          case FIRST -> PairDecision.Outcome.FIRST;
          case SECOND -> PairDecision.Outcome.SECOND;
          default -> PairDecision.Outcome.TIE;
        };
    return decision(
        o,
        o.decided() ? llmId() : null,
        firstRules,
        secondRules,
        replies,
        votesFirst,
        votesSecond,
        0,
        null);
  }

  private static PairDecision decision(
      PairDecision.Outcome outcome,
      String decidedBy,
      Assessment first,
      Assessment second,
      List<PairDecision.JudgeReply> replies,
      int votesFirst,
      int votesSecond,
      int unparseable,
      String problem) {
    return new PairDecision(
        outcome, decidedBy, first, second, replies, votesFirst, votesSecond, unparseable, problem);
  }
}
