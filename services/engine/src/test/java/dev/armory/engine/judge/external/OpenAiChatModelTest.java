package dev.armory.engine.judge.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.armory.engine.fixtures.LocalChatCompletionsServer;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Reply;
import dev.armory.engine.fixtures.LocalChatCompletionsServer.Request;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.tokenizer.ChatMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The external judge client against a real local HTTP server speaking the chat-completions API.
 * Waits are checked from the server's arrival timestamps (lower bounds only).
 */
class OpenAiChatModelTest {
  static final String KEY = "sk-test-9f8e7d6c5b4a";
  static final List<ChatMessage> MESSAGES =
      List.of(ChatMessage.system("You judge."), ChatMessage.user("Which is better?"));

  final List<String> retryLog = Collections.synchronizedList(new ArrayList<>());
  LocalChatCompletionsServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private OpenAiChatModel client(
      Function<Request, Reply> responder, Function<OpenAiEndpoint, OpenAiEndpoint> tune)
      throws Exception {
    server = LocalChatCompletionsServer.start(responder);
    OpenAiEndpoint endpoint =
        tune.apply(
            OpenAiEndpoint.of(server.baseUrl().toString(), "judge-model")
                .withApiKeyEnv("JUDGE_KEY")
                .withRequestsPerSecond(0)
                .withTimeout(Duration.ofSeconds(10))
                .withRetries(3, Duration.ofMillis(5), Duration.ofMillis(50)));
    return OpenAiChatModel.create(
        endpoint, name -> name.equals("JUDGE_KEY") ? KEY : null, retryLog::add);
  }

  /** Replies with {@code first} in order, then completions saying "Winner: A". */
  private static Function<Request, Reply> script(Reply... first) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      int i = n.getAndIncrement();
      return i < first.length ? first[i] : Reply.completion("Winner: A");
    };
  }

  private static double gapMillis(List<Request> requests, int i) {
    return (requests.get(i).receivedNanos() - requests.get(i - 1).receivedNanos()) / 1e6;
  }

  @Test
  void sendsAChatCompletionsRequestAndReadsTheReply() throws Exception {
    OpenAiChatModel model = client(r -> Reply.completion("Shorter is better.\nWinner: B"), e -> e);
    String reply = model.complete(MESSAGES, new ChatOptions(64, 0, null));
    assertEquals("Shorter is better.\nWinner: B", reply);
    Request r = server.requests().get(0);
    assertEquals("POST", r.method());
    assertEquals("/v1/chat/completions", r.path());
    assertEquals("Bearer " + KEY, r.header("Authorization"));
    assertTrue(r.header("Content-Type").startsWith("application/json"));
    JsonNode body = r.body();
    assertEquals("judge-model", body.path("model").asText());
    assertEquals(2, body.path("messages").size());
    assertEquals("system", body.path("messages").get(0).path("role").asText());
    assertEquals("Which is better?", body.path("messages").get(1).path("content").asText());
    assertEquals(0.0, body.path("temperature").asDouble());
    assertEquals(64, body.path("max_tokens").asInt());
    assertFalse(body.has("seed"));
    assertEquals("openai:judge-model@127.0.0.1:" + server.baseUrl().getPort(), model.id());
  }

  @Test
  void waitsOutA429RetryAfterFromTheServersClock() throws Exception {
    // Backoff alone would wait ~5 ms: a gap of a second means Retry-After was honoured.
    OpenAiChatModel model = client(script(Reply.tooManyRequests(1)), e -> e);
    assertEquals("Winner: A", model.complete(MESSAGES, ChatOptions.greedy(16)));
    List<Request> requests = server.requests();
    assertEquals(2, requests.size());
    double gap = gapMillis(requests, 1);
    System.out.println(
        "429 Retry-After: 1 -> retry arrived " + gap + " ms later; log: " + retryLog);
    assertTrue(gap >= 1000, "the retry came " + gap + " ms after the 429");
    assertEquals(1, retryLog.size());
    assertTrue(
        retryLog.get(0).contains("HTTP 429: Rate limit reached")
            && retryLog.get(0).contains("Retry-After"),
        retryLog.get(0));
  }

  @Test
  void backsOffExponentiallyOnServerErrors() throws Exception {
    OpenAiChatModel model =
        client(
            script(
                Reply.error(503, "overloaded", Map.of()),
                Reply.error(502, "bad gateway", Map.of()),
                Reply.error(500, "oops", Map.of())),
            e -> e.withRetries(3, Duration.ofMillis(80), Duration.ofMillis(400)));
    assertEquals("Winner: A", model.complete(MESSAGES, ChatOptions.greedy(16)));
    List<Request> requests = server.requests();
    assertEquals(4, requests.size());
    // Equal jitter: retry n waits between half and all of 80 ms · 2^(n-1).
    double[] floor = {40, 80, 160};
    for (int i = 1; i < requests.size(); i++) {
      double gap = gapMillis(requests, i);
      System.out.println("retry " + i + " arrived " + gap + " ms after the previous attempt");
      assertTrue(gap >= floor[i - 1], "retry " + i + " came after " + gap + " ms");
    }
    assertEquals(3, retryLog.size());
  }

  @Test
  void givesUpAfterTheLastRetry() throws Exception {
    OpenAiChatModel model =
        client(
            r -> Reply.error(500, "boom", Map.of()),
            e -> e.withRetries(2, Duration.ofMillis(1), Duration.ofMillis(2)));
    JudgeCallException e =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    assertFalse(e.fatal());
    assertTrue(e.getMessage().contains("gave up after 3 attempts: HTTP 500: boom"), e.getMessage());
    assertEquals(3, server.requests().size());
  }

  @Test
  void aRetryAfterBeyondTheLimitIsNotWaitedFor() throws Exception {
    OpenAiChatModel model = client(script(Reply.tooManyRequests(3600)), e -> e);
    JudgeCallException e =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    assertTrue(
        e.getMessage().contains("asked to retry after 3600.0 s, longer than the 60.0 s limit"),
        e.getMessage());
    assertEquals(1, server.requests().size());
  }

  @Test
  void timesOutCleanly() throws Exception {
    OpenAiChatModel model =
        client(
            r -> Reply.hang(),
            e ->
                e.withTimeout(Duration.ofMillis(300))
                    .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2)));
    JudgeCallException e =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    System.out.println(e.getMessage());
    assertFalse(e.fatal());
    assertTrue(
        e.getMessage().contains("gave up after 2 attempts: no response within 0.3 s"),
        e.getMessage());
    assertEquals(2, server.requests().size());
    assertEquals(0, server.served());
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    OpenAiChatModel model =
        client(
            r -> Reply.error(400, "This model's maximum context length is 8192 tokens", Map.of()),
            e -> e);
    JudgeCallException e =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    assertFalse(e.fatal(), "a too-long request fails this pair only");
    assertTrue(
        e.getMessage().contains("HTTP 400: This model's maximum context length"), e.getMessage());
    assertEquals(1, server.requests().size());
  }

  @Test
  void aWrongUrlIsFatal() throws Exception {
    server = LocalChatCompletionsServer.start(r -> Reply.completion("Winner: A"));
    OpenAiEndpoint endpoint =
        OpenAiEndpoint.of(server.baseUrl().toString().replace("/v1", "/v2"), "m");
    OpenAiChatModel model = OpenAiChatModel.create(endpoint, name -> null, retryLog::add);
    JudgeCallException e =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    assertTrue(e.fatal());
    assertTrue(
        e.getMessage().contains("HTTP 404") && e.getMessage().contains("check the URL"),
        e.getMessage());
    assertNull(server.requests().get(0).header("Authorization"), "no key, no Authorization header");
  }

  @Test
  void neverLeaksTheKeyIntoLogsOrExceptions() throws Exception {
    // A server that echoes the credentials back, as some proxies and error pages do.
    Function<Request, Reply> echo =
        r -> {
          String auth = r.header("Authorization");
          return switch (server.requests().size()) {
            case 1 -> Reply.error(503, "upstream saw " + auth, Map.of());
            case 2 ->
                Reply.error(401, "Incorrect API key provided: " + auth.substring(7), Map.of());
            default -> new Reply(200, Map.of(), "<html>" + auth + "</html>", false);
          };
        };
    OpenAiChatModel model = client(echo, e -> e);
    JudgeCallException unauthorised =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    JudgeCallException notJson =
        assertThrows(
            JudgeCallException.class, () -> model.complete(MESSAGES, ChatOptions.greedy(8)));
    assertTrue(unauthorised.fatal());
    assertTrue(
        unauthorised.getMessage().contains("Incorrect API key provided: [redacted]"),
        unauthorised.getMessage());
    assertTrue(
        unauthorised.getMessage().contains("check the API key variable JUDGE_KEY"),
        unauthorised.getMessage());
    assertTrue(notJson.getMessage().contains("not JSON"), notJson.getMessage());
    List<String> everything = new ArrayList<>(retryLog);
    everything.add(unauthorised.getMessage());
    everything.add(notJson.getMessage());
    everything.add(model.toString());
    everything.add(model.id());
    everything.add(model.endpoint().toString());
    System.out.println(everything);
    assertEquals(1, retryLog.size());
    for (String text : everything) {
      assertFalse(text.contains(KEY), "the key leaked into: " + text);
      assertFalse(text.contains(KEY.substring(3, 15)), "part of the key leaked into: " + text);
    }
  }

  @Test
  void anUnsetKeyVariableIsNamedNotGuessed() {
    OpenAiEndpoint endpoint =
        OpenAiEndpoint.of("http://127.0.0.1:9/v1", "m").withApiKeyEnv("NO_SUCH_KEY_VAR");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OpenAiChatModel.create(endpoint, name -> null, retryLog::add));
    assertTrue(e.getMessage().contains("environment variable NO_SUCH_KEY_VAR"), e.getMessage());
  }

  @Test
  void theRateLimitSpacesRequestsAcrossThreads() throws Exception {
    OpenAiChatModel model =
        client(r -> Reply.completion("Winner: tie"), e -> e.withRequestsPerSecond(5));
    List<CompletableFuture<String>> calls = new ArrayList<>();
    long before = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      calls.add(
          CompletableFuture.supplyAsync(() -> model.complete(MESSAGES, ChatOptions.greedy(8))));
    }
    calls.forEach(c -> assertEquals("Winner: tie", c.join()));
    List<Request> requests = server.requests();
    assertEquals(4, requests.size());
    // 5 per second: the fourth start is reserved at least 600 ms after the first reservation,
    // which comes after `before`; the server clock is this JVM's nanoTime, so this bound is exact.
    // Gaps between neighbours vary with each request's trip; the limiter test checks spacing.
    double span = (requests.get(3).receivedNanos() - before) / 1e6;
    System.out.println("4 requests at 5/s: last arrived " + span + " ms after the first call");
    assertTrue(span >= 600, "4 requests at 5/s all arrived within " + span + " ms");
  }
}
