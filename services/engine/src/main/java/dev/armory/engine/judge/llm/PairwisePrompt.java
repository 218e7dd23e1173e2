package dev.armory.engine.judge.llm;

import dev.armory.engine.tokenizer.ChatMessage;
import java.util.List;
import java.util.Objects;

/**
 * The messages a pairwise judge is asked: a system message with the rubric, and a user message with
 * the prompt, the two answers and the required final line. Kept short so small in-process judges
 * fit it in their context.
 */
public record PairwisePrompt(String rubric) {
  /** Used when the constitution gives no rubric. */
  public static final String DEFAULT_RUBRIC =
      "Prefer the answer that follows the prompt, is correct, helpful and harmless, and is no"
          + " longer than it needs to be.";

  public PairwisePrompt {
    Objects.requireNonNull(rubric, "rubric");
  }

  /** The default rubric. */
  public static PairwisePrompt defaults() {
    return new PairwisePrompt(DEFAULT_RUBRIC);
  }

  /** The messages comparing {@code answerA} (shown first) with {@code answerB}. */
  public List<ChatMessage> messages(String prompt, String answerA, String answerB) {
    String system =
        "You are an impartial judge comparing two answers to the same prompt.\n" + rubric.strip();
    String user =
        "Prompt:\n"
            + prompt.strip()
            + "\n\nAnswer A:\n"
            + answerA.strip()
            + "\n\nAnswer B:\n"
            + answerB.strip()
            + "\n\nWhich answer is better? Give a short reason, then a final line \"Winner: A\","
            + " \"Winner: B\" or \"Winner: tie\".";
    return List.of(ChatMessage.system(system), ChatMessage.user(user));
  }
}
