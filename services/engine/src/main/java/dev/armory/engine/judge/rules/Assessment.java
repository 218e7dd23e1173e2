package dev.armory.engine.judge.rules;

import java.util.List;
import java.util.stream.Collectors;

/** Every rule of a constitution applied to one answer: whether it is vetoed, and its score. */
public record Assessment(List<RuleResult> results) {
  /** The assessment of an answer when there are no rules: not vetoed, score 0. */
  public static final Assessment NONE = new Assessment(List.of());

  public Assessment {
    results = List.copyOf(results);
  }

  /** True when some veto rule failed. */
  public boolean vetoed() {
    return !vetoes().isEmpty();
  }

  /** The failed veto rules. */
  public List<RuleResult> vetoes() {
    return results.stream().filter(r -> r.action() == RuleAction.VETO && !r.passed()).toList();
  }

  /** Sum of the weights of the score rules the answer passed. */
  public double score() {
    return results.stream()
        .filter(r -> r.action() == RuleAction.SCORE && r.passed())
        .mapToDouble(RuleResult::weight)
        .sum();
  }

  /** The ids of the score rules the answer passed, e.g. for a rationale. */
  public List<String> passedScoreRules() {
    return results.stream()
        .filter(r -> r.action() == RuleAction.SCORE && r.passed())
        .map(RuleResult::ruleId)
        .toList();
  }

  /** One line: the failed vetoes, or the score and the score rules passed. */
  public String describe() {
    if (vetoed()) {
      return "vetoed by "
          + vetoes().stream().map(RuleResult::describe).collect(Collectors.joining("; "));
    }
    boolean scored = results.stream().anyMatch(r -> r.action() == RuleAction.SCORE);
    return scored
        ? "rule score " + score() + " (passed " + passedScoreRules() + ")"
        : "passes every rule";
  }
}
