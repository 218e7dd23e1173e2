package dev.armory.engine.judge;

import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Reply;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Request;
import dev.armory.engine.judge.external.OpenAiChatModel;
import dev.armory.engine.judge.external.OpenAiEndpoint;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.LlmPairwiseJudge;
import dev.armory.engine.judge.llm.PairwisePrompt;
import java.time.Duration;
import java.util.function.Function;

/** Judges behind the local chat-completions server, deciding by what the answers say. */
public final class JudgeBrains {
  private JudgeBrains() {}

  /** The two answers shown in a pairwise request, [A, B]. */
  public static String[] answers(Request r) {
    String user = r.lastMessage("user");
    int a = user.indexOf("Answer A:\n");
    int b = user.indexOf("\n\nAnswer B:\n");
    int end = user.indexOf("\n\nWhich answer is better?");
    return new String[] {user.substring(a + 10, b), user.substring(b + 12, end)};
  }

  /** Prefers the answer containing {@code word}; a tie when both or neither do. */
  public static Function<Request, Reply> prefers(String word) {
    return r -> {
      String[] ab = answers(r);
      boolean a = ab[0].contains(word);
      boolean b = ab[1].contains(word);
      String verdict = a == b ? "tie" : a ? "A" : "B";
      return Reply.completion("One of them mentions " + word + ".\nWinner: " + verdict);
    };
  }

  /** Prefers the longer answer (a tie for equal lengths), in JSON. */
  public static Function<Request, Reply> prefersLonger() {
    return r -> {
      String[] ab = answers(r);
      int c = Integer.compare(ab[0].length(), ab[1].length());
      String verdict = c == 0 ? "tie" : c > 0 ? "A" : "B";
      return Reply.completion("{\"reason\": \"more detail\", \"winner\": \"" + verdict + "\"}");
    };
  }

  /** Always says A: pure position bias. */
  public static Function<Request, Reply> alwaysA() {
    return r -> Reply.completion("The first one reads better.\nWinner: A");
  }

  /** Never gives a verdict. */
  public static Function<Request, Reply> rambles() {
    return r -> Reply.completion("Both answers have their merits and I would rather not choose.");
  }

  /** A pairwise judge over {@code server}, no key, no rate limit, no retries. */
  public static LlmPairwiseJudge judge(LocalChatCompletionsServer server) {
    OpenAiEndpoint endpoint =
        OpenAiEndpoint.of(server.baseUrl().toString(), "local-judge")
            .withRequestsPerSecond(0)
            .withRetries(0, Duration.ofMillis(1), Duration.ofMillis(1))
            .withTimeout(Duration.ofSeconds(10));
    return new LlmPairwiseJudge(
        OpenAiChatModel.create(endpoint, name -> null, message -> {}),
        PairwisePrompt.defaults(),
        ChatOptions.greedy(64));
  }
}
