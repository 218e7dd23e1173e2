package dev.armory.engine.judge.rules;

/** What failing a rule does to a candidate. */
public enum RuleAction {
  /** Failing disqualifies the candidate: it can only ever be the rejected answer of a pair. */
  VETO,
  /** Passing adds the rule's weight to the candidate's rule score, which ranks candidates. */
  SCORE
}
