package dev.armory.engine.judge.eval;

import dev.armory.engine.judge.llm.ChatModel;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.GradeParser;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.tokenizer.ChatMessage;
import java.util.List;
import java.util.Optional;

/**
 * Grades with a judge model: it sees the prompt, the reference answer and the answer, and must end
 * with "Verdict: PASS" or "Verdict: FAIL" ({@link GradeParser}). An unparseable reply or a
 * non-fatal judge error leaves the grade undetermined; it is never guessed.
 */
public final class LlmReferenceGrader implements ReferenceCheck {
  private final ChatModel model;
  private final ChatOptions options;

  public LlmReferenceGrader(ChatModel model, ChatOptions options) {
    this.model = model;
    this.options = options;
  }

  @Override
  public Grade grade(String prompt, String reference, String answer) {
    List<ChatMessage> messages =
        List.of(
            ChatMessage.system(
                "You check whether an answer agrees with a reference answer. Wording may differ;"
                    + " facts and conclusions must agree."),
            ChatMessage.user(
                "Prompt:\n"
                    + prompt.strip()
                    + "\n\nReference answer:\n"
                    + reference.strip()
                    + "\n\nAnswer:\n"
                    + answer.strip()
                    + "\n\nDoes the answer agree with the reference? Give a short reason, then a"
                    + " final line \"Verdict: PASS\" or \"Verdict: FAIL\"."));
    String reply;
    try {
      reply = model.complete(messages, options);
    } catch (JudgeCallException e) {
      if (e.fatal()) {
        throw e;
      }
      return new Grade(null, "llm:" + model.id() + " could not grade: " + e.getMessage());
    }
    Optional<Boolean> grade = GradeParser.parse(reply);
    if (grade.isEmpty()) {
      return new Grade(
          null,
          "llm:" + model.id() + " reply without a verdict (" + GradeParser.problem(reply) + ")");
    }
    return new Grade(grade.get(), "llm:" + model.id() + ": " + reply.strip());
  }
}
