package dev.armory.engine.judge.rules;

import java.util.Objects;

/**
 * One rule of a constitution: a check and what failing it does.
 *
 * @param id unique within the constitution, shown in rationales and summaries
 * @param action veto or score
 * @param weight what passing adds to the score (score rules; 0 for veto rules)
 * @param description optional human text ("" when absent)
 * @param check what is tested
 */
public record Rule(String id, RuleAction action, double weight, String description, Check check) {
  public Rule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(check, "check");
    description = description == null ? "" : description;
  }

  /** Applies the rule to {@code answer} ({@code tokens} is its token count, −1 when unknown). */
  public RuleResult apply(String answer, int tokens) {
    return check
        .failure(answer, tokens)
        .map(why -> new RuleResult(id, action, weight, false, why))
        .orElseGet(() -> new RuleResult(id, action, weight, true, ""));
  }
}
