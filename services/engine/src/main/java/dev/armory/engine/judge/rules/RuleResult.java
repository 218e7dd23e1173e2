package dev.armory.engine.judge.rules;

/**
 * One rule applied to one answer.
 *
 * @param ruleId the rule's id from the constitution
 * @param action veto or score
 * @param weight what passing adds to the score (0 for veto rules)
 * @param passed whether the answer passed
 * @param detail why it failed (empty when it passed)
 */
public record RuleResult(
    String ruleId, RuleAction action, double weight, boolean passed, String detail) {
  /** "ruleId: detail" for a failure, "ruleId: passed" otherwise. */
  public String describe() {
    return ruleId + ": " + (passed ? "passed" : detail);
  }
}
