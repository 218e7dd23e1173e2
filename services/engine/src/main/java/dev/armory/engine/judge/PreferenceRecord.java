package dev.armory.engine.judge;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One kept preference pair, as written to the preference dataset.
 *
 * @param promptId the prompt set's id for the prompt
 * @param prompt the prompt text
 * @param chosen the better answer
 * @param rejected the worse answer
 * @param format how the prompt was given to the model (decides the JSON layout of the answers)
 * @param judge the id of the judge that decided ({@code rules:NAME} or {@code llm:MODEL}, several
 *     LLM judges joined by "+")
 * @param rationale the rules' view and the LLM judges' replies
 * @param chosenRuleScore the chosen answer's rule score (null without a constitution)
 * @param rejectedRuleScore the rejected answer's rule score (null without a constitution)
 * @param chosenVotes LLM replies preferring the chosen answer
 * @param rejectedVotes LLM replies preferring the rejected answer
 */
public record PreferenceRecord(
    String promptId,
    String prompt,
    String chosen,
    String rejected,
    PromptFormat format,
    String judge,
    String rationale,
    Double chosenRuleScore,
    Double rejectedRuleScore,
    int chosenVotes,
    int rejectedVotes) {
  public PreferenceRecord {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(chosen, "chosen");
    Objects.requireNonNull(rejected, "rejected");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(judge, "judge");
  }

  /**
   * The JSONL object: {@code prompt}, {@code chosen}, {@code rejected} as the engine's dataset
   * reader reads preference pairs (strings for {@link PromptFormat#RAW}; for {@link
   * PromptFormat#CHAT} the answers are single assistant messages), then {@code prompt_id}, {@code
   * judge}, {@code rationale} and {@code scores}, which readers ignore.
   */
  public ObjectNode toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode node = f.objectNode();
    node.put("prompt", prompt);
    if (format == PromptFormat.CHAT) {
      node.putArray("chosen").addObject().put("role", "assistant").put("content", chosen);
      node.putArray("rejected").addObject().put("role", "assistant").put("content", rejected);
    } else {
      node.put("chosen", chosen);
      node.put("rejected", rejected);
    }
    node.put("prompt_id", promptId);
    node.put("judge", judge);
    node.put("rationale", rationale);
    ObjectNode scores = node.putObject("scores");
    if (chosenRuleScore != null) {
      scores.put("chosen_rules", chosenRuleScore);
      scores.put("rejected_rules", rejectedRuleScore);
    }
    scores.put("chosen_votes", chosenVotes);
    scores.put("rejected_votes", rejectedVotes);
    return node;
  }
}
