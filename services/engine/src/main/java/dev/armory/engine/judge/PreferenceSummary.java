package dev.armory.engine.judge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a preference run did, in counts.
 *
 * @param prompts prompts processed
 * @param candidates answers sampled
 * @param blankCandidates answers that were empty or whitespace (not judged)
 * @param duplicateCandidates answers equal to an earlier answer to the same prompt (not judged)
 * @param vetoedCandidates answers failing a veto rule
 * @param vetoesByRule failed veto rules by rule id (an answer may fail several)
 * @param pairsCompared candidate pairs put to the panel
 * @param pairsKept pairs written (keptByRules + keptByLlm)
 * @param keptByRules pairs the rules decided
 * @param keptByLlm pairs the LLM judges decided
 * @param bothVetoed pairs dropped because both answers were vetoed
 * @param undecided pairs the rules could not split, with no LLM judge
 * @param ties pairs every LLM judge called a tie
 * @param positionDisagreements pairs dropped because a judge's two orders disagreed
 * @param judgeDisagreements pairs dropped because LLM judges disagreed with each other
 * @param unparseable pairs dropped because a judge reply had no verdict
 * @param unparseableReplies judge replies without a verdict
 * @param judgeErrors pairs dropped because a judge could not be asked
 * @param firstJudgeError the first such error's message, or null
 */
public record PreferenceSummary(
    int prompts,
    int candidates,
    int blankCandidates,
    int duplicateCandidates,
    int vetoedCandidates,
    Map<String, Integer> vetoesByRule,
    int pairsCompared,
    int pairsKept,
    int keptByRules,
    int keptByLlm,
    int bothVetoed,
    int undecided,
    int ties,
    int positionDisagreements,
    int judgeDisagreements,
    int unparseable,
    int unparseableReplies,
    int judgeErrors,
    String firstJudgeError) {
  public PreferenceSummary {
    vetoesByRule = Map.copyOf(vetoesByRule);
  }

  /** The summary as JSON (snake_case keys), e.g. for an event or a summary file. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("prompts", prompts);
    n.put("candidates", candidates);
    n.put("blank_candidates", blankCandidates);
    n.put("duplicate_candidates", duplicateCandidates);
    n.put("vetoed_candidates", vetoedCandidates);
    ObjectNode byRule = n.putObject("vetoes_by_rule");
    new TreeMap<>(vetoesByRule).forEach(byRule::put);
    n.put("pairs_compared", pairsCompared);
    n.put("pairs_kept", pairsKept);
    n.put("kept_by_rules", keptByRules);
    n.put("kept_by_llm", keptByLlm);
    n.put("dropped_both_vetoed", bothVetoed);
    n.put("dropped_undecided", undecided);
    n.put("dropped_ties", ties);
    n.put("dropped_position_disagreement", positionDisagreements);
    n.put("dropped_judges_disagree", judgeDisagreements);
    n.put("dropped_unparseable", unparseable);
    n.put("unparseable_replies", unparseableReplies);
    n.put("dropped_judge_errors", judgeErrors);
    if (firstJudgeError != null) {
      n.put("first_judge_error", firstJudgeError);
    }
    return n;
  }

  /** A few lines for people. */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append(pairsKept)
        .append(" preference pairs kept (")
        .append(keptByRules)
        .append(" by rules, ")
        .append(keptByLlm)
        .append(" by LLM judges) from ")
        .append(pairsCompared)
        .append(" pairs compared over ")
        .append(prompts)
        .append(" prompts and ")
        .append(candidates)
        .append(" candidates\n");
    out.append("candidates: ")
        .append(vetoedCandidates)
        .append(" vetoed by rules")
        .append(vetoesByRule.isEmpty() ? "" : " " + new TreeMap<>(vetoesByRule))
        .append(", ")
        .append(blankCandidates)
        .append(" blank, ")
        .append(duplicateCandidates)
        .append(" duplicates\n");
    out.append("dropped: ")
        .append(positionDisagreements)
        .append(" position disagreement, ")
        .append(unparseable)
        .append(" unparseable (")
        .append(unparseableReplies)
        .append(" replies), ")
        .append(bothVetoed)
        .append(" both vetoed, ")
        .append(ties)
        .append(" ties, ")
        .append(undecided)
        .append(" undecided, ")
        .append(judgeDisagreements)
        .append(" judges disagree, ")
        .append(judgeErrors)
        .append(" judge errors");
    if (firstJudgeError != null) {
      out.append("\nfirst judge error: ").append(firstJudgeError);
    }
    return out.toString();
  }
}
