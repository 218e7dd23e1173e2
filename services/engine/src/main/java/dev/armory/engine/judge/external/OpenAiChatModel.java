package dev.armory.engine.judge.external;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.armory.engine.judge.llm.ChatModel;
import dev.armory.engine.judge.llm.ChatOptions;
import dev.armory.engine.judge.llm.JudgeCallException;
import dev.armory.engine.tokenizer.ChatMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A judge model behind an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp's
 * server, Ollama, ...): {@code POST {base}/chat/completions} with {@code model}, {@code messages},
 * {@code temperature}, {@code max_tokens} (and {@code seed} when set); the reply is {@code
 * choices[0].message.content}.
 *
 * <p>Transient failures (408, 409, 429, 5xx, time-outs, connection errors) are retried with
 * exponential backoff and jitter; a Retry-After header is honoured instead of the backoff. Every
 * attempt waits for the client-side rate limit. 401/403/404 are fatal (credentials, model or URL
 * are wrong); other 4xx fail this call only. The API key is read from the environment once, sent
 * only in the Authorization header, and removed from every message this class produces.
 */
public final class OpenAiChatModel implements ChatModel {
  private static final Logger LOG = LoggerFactory.getLogger(OpenAiChatModel.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REDACTED = "[redacted]";

  private final OpenAiEndpoint endpoint;
  private final URI uri;
  private final String apiKey;
  private final HttpClient http;
  private final RequestRateLimiter limiter;
  private final Consumer<String> retryLog;

  private OpenAiChatModel(OpenAiEndpoint endpoint, String apiKey, Consumer<String> retryLog) {
    this.endpoint = endpoint;
    this.uri = endpoint.chatCompletionsUri();
    this.apiKey = apiKey;
    this.retryLog = retryLog;
    this.limiter = new RequestRateLimiter(endpoint.requestsPerSecond());
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(endpoint.timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A client reading the API key from the process environment; retries are logged (WARN). */
  public static OpenAiChatModel create(OpenAiEndpoint endpoint) {
    return create(endpoint, System::getenv, LOG::warn);
  }

  /**
   * A client reading the API key through {@code environment} (variable name to value) and reporting
   * each retry to {@code retryLog}.
   *
   * @throws IllegalArgumentException when the endpoint names a key variable that is unset or empty
   */
  public static OpenAiChatModel create(
      OpenAiEndpoint endpoint, Function<String, String> environment, Consumer<String> retryLog) {
    String key = null;
    if (endpoint.apiKeyEnv() != null) {
      key = environment.apply(endpoint.apiKeyEnv());
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException(
            "environment variable "
                + endpoint.apiKeyEnv()
                + " (the external judge's API key) is not set or empty; export it, or drop the"
                + " key option for endpoints without authentication");
      }
      key = key.strip();
    }
    return new OpenAiChatModel(endpoint, key, retryLog);
  }

  public OpenAiEndpoint endpoint() {
    return endpoint;
  }

  @Override
  public String id() {
    return "openai:"
        + endpoint.model()
        + "@"
        + uri.getHost()
        + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
  }

  @Override
  public String complete(List<ChatMessage> messages, ChatOptions options) {
    HttpRequest request = request(body(messages, options));
    String last = "no attempt made";
    int attempts = endpoint.maxRetries() + 1;
    for (int attempt = 1; attempt <= attempts; attempt++) {
      Optional<Duration> retryAfter = Optional.empty();
      try {
        limiter.acquire();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return content(response.body());
        }
        last = "HTTP " + status + errorMessage(response.body());
        if (!retryable(status)) {
          boolean fatal = status == 401 || status == 403 || status == 404;
          throw new JudgeCallException(
              "external judge "
                  + uri
                  + " refused the request: "
                  + last
                  + (status == 401 || status == 403
                      ? " (check the API key variable " + endpoint.apiKeyEnv() + ")"
                      : "")
                  + (status == 404
                      ? " (check the URL and the model name '" + endpoint.model() + "')"
                      : ""),
              fatal);
        }
        retryAfter = RetryAfter.of(response.headers(), Instant.now());
      } catch (HttpTimeoutException e) {
        last = "no response within " + seconds(endpoint.timeout());
      } catch (IOException e) {
        last = "connection failed (" + redact(String.valueOf(e.getMessage())) + ")";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JudgeCallException(
            "interrupted while calling the external judge " + uri, true, e);
      }
      if (attempt == attempts) {
        break;
      }
      Duration delay;
      if (retryAfter.isEmpty()) {
        delay = backoff(attempt);
      } else if (retryAfter.get().compareTo(endpoint.maxRetryAfter()) <= 0) {
        delay = retryAfter.get();
      } else {
        throw new JudgeCallException(
            "external judge "
                + uri
                + ": "
                + last
                + " and asked to retry after "
                + seconds(retryAfter.get())
                + ", longer than the "
                + seconds(endpoint.maxRetryAfter())
                + " limit",
            false);
      }
      retryLog.accept(
          "external judge "
              + uri
              + ": "
              + last
              + "; retry "
              + attempt
              + " of "
              + endpoint.maxRetries()
              + " in "
              + seconds(delay)
              + (retryAfter.isPresent() ? " (Retry-After)" : ""));
      try {
        TimeUnit.NANOSECONDS.sleep(delay.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new JudgeCallException(
            "interrupted while waiting to retry the external judge " + uri, true, e);
      }
    }
    throw new JudgeCallException(
        "external judge "
            + uri
            + ": gave up after "
            + attempts
            + " attempt"
            + (attempts == 1 ? "" : "s")
            + ": "
            + last,
        false);
  }

  /** Exponential backoff with "equal jitter": half the capped delay plus up to the other half. */
  private Duration backoff(int retry) {
    double base = endpoint.initialBackoff().toNanos() * Math.pow(2, retry - 1);
    double capped = Math.min(base, endpoint.maxBackoff().toNanos());
    return Duration.ofNanos(
        (long) (capped / 2 + ThreadLocalRandom.current().nextDouble() * capped / 2));
  }

  private static boolean retryable(int status) {
    return status == 408 || status == 409 || status == 429 || status >= 500;
  }

  private HttpRequest request(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(endpoint.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b.build();
  }

  private String body(List<ChatMessage> messages, ChatOptions options) {
    ObjectNode root = JSON.createObjectNode();
    root.put("model", endpoint.model());
    ArrayNode list = root.putArray("messages");
    for (ChatMessage m : messages) {
      list.addObject().put("role", m.role()).put("content", m.content());
    }
    root.put("temperature", options.temperature());
    root.put("max_tokens", options.maxTokens());
    if (options.seed() != null) {
      root.put("seed", options.seed());
    }
    return root.toString();
  }

  private String content(String body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new JudgeCallException(
          "external judge "
              + uri
              + " answered 200 with a body that is not JSON: "
              + excerpt(redact(body)),
          false);
    }
    JsonNode choices = root.path("choices");
    if (!choices.isArray() || choices.isEmpty()) {
      throw new JudgeCallException(
          "external judge " + uri + " answered without choices: " + excerpt(redact(body)), false);
    }
    JsonNode message = choices.get(0).path("message");
    JsonNode content = message.path("content");
    if (content.isTextual()) {
      return content.asText();
    }
    // A refusal or an empty reply: no verdict in it, so the caller counts it as unparseable.
    return message.path("refusal").isTextual() ? message.path("refusal").asText() : "";
  }

  /** ": message" from an OpenAI error body ({"error": {"message": ...}}), or a body excerpt. */
  private String errorMessage(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    try {
      JsonNode error = JSON.readTree(body).path("error");
      if (error.path("message").isTextual()) {
        return ": " + excerpt(redact(error.path("message").asText()));
      }
      if (error.isTextual()) {
        return ": " + excerpt(redact(error.asText()));
      }
    } catch (JsonProcessingException notJson) {
      // fall through to the raw excerpt
    }
    return ": " + excerpt(redact(body));
  }

  private String redact(String text) {
    if (text == null || apiKey == null || apiKey.isEmpty()) {
      return text;
    }
    return text.replace(apiKey, REDACTED);
  }

  private static String excerpt(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 300 ? one : one.substring(0, 297) + "...";
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
  }

  @Override
  public String toString() {
    return "OpenAiChatModel[" + id() + "]";
  }
}
