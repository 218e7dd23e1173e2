package dev.armory.engine.judge.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares two answers with a chat model, asking twice with the answers' positions swapped to
 * cancel position bias: a preference counts only when both orders agree. A reply without a
 * parseable verdict makes the comparison unparseable (the second order is then not asked).
 */
public final class LlmPairwiseJudge {
  private final ChatModel model;
  private final PairwisePrompt prompt;
  private final ChatOptions options;

  public LlmPairwiseJudge(ChatModel model, PairwisePrompt prompt, ChatOptions options) {
    this.model = model;
    this.prompt = prompt;
    this.options = options;
  }

  /** {@code llm:} and the model's id. */
  public String id() {
    return "llm:" + model.id();
  }

  public ChatModel model() {
    return model;
  }

  /**
   * Compares {@code first} with {@code second} as answers to {@code question}.
   *
   * @throws JudgeCallException when the model cannot answer
   */
  public PairwiseResult compare(String question, String first, String second) {
    List<String> replies = new ArrayList<>(2);
    String forward = model.complete(prompt.messages(question, first, second), options);
    replies.add(forward);
    Optional<Verdict> v1 = VerdictParser.parse(forward);
    if (v1.isEmpty()) {
      return new PairwiseResult(
          PairwiseResult.Outcome.UNPARSEABLE, replies, 0, 0, 1, VerdictParser.problem(forward));
    }
    String backward = model.complete(prompt.messages(question, second, first), options);
    replies.add(backward);
    Optional<Verdict> v2 = VerdictParser.parse(backward);
    if (v2.isEmpty()) {
      return new PairwiseResult(
          PairwiseResult.Outcome.UNPARSEABLE,
          replies,
          votes(v1.get(), Verdict.A),
          votes(v1.get(), Verdict.B),
          1,
          VerdictParser.problem(backward));
    }
    // In the swapped order "A" is the second answer.
    Verdict forwardSays = v1.get();
    Verdict backwardSays =
        switch (v2.get()) {
          case A -> Verdict.B;
          case B -> Verdict.A;
          case TIE -> Verdict.TIE;
        };
    PairwiseResult.Outcome outcome;
    if (forwardSays != backwardSays) {
      outcome = PairwiseResult.Outcome.POSITION_DISAGREEMENT;
    } else {
      outcome =
          switch (forwardSays) {
            case A -> PairwiseResult.Outcome.FIRST;
            case B -> PairwiseResult.Outcome.SECOND;
            case TIE -> PairwiseResult.Outcome.TIE;
          };
    }
    int votesFirst = votes(forwardSays, Verdict.A) + votes(backwardSays, Verdict.A);
    int votesSecond = votes(forwardSays, Verdict.B) + votes(backwardSays, Verdict.B);
    return new PairwiseResult(outcome, replies, votesFirst, votesSecond, 0, null);
  }

  private static int votes(Verdict said, Verdict side) {
    return said == side ? 1 : 0;
  }
}
