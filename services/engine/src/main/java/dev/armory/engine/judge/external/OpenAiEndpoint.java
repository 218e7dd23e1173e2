package dev.armory.engine.judge.external;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how to call an OpenAI-compatible chat-completions endpoint. Holds the NAME of the
 * environment variable with the API key, never the key itself, so this record can be logged.
 *
 * @param baseUrl e.g. {@code https://api.openai.com/v1} ({@code /chat/completions} is appended
 *     unless the URL already ends with it)
 * @param model the model name sent in each request
 * @param apiKeyEnv environment variable holding the API key (sent as a bearer token), or null for
 *     endpoints without authentication (local servers)
 * @param timeout per attempt, connection and response
 * @param maxRetries retries after the first attempt, on 408/409/429/5xx, time-outs and connection
 *     failures
 * @param initialBackoff the first retry's delay before jitter; it doubles per retry
 * @param maxBackoff the longest delay between retries (Retry-After excepted)
 * @param maxRetryAfter a server asking to wait longer than this (Retry-After) is not waited for:
 *     the call fails
 * @param requestsPerSecond at most this many requests start per second, retries included (0: no
 *     limit)
 */
public record OpenAiEndpoint(
    URI baseUrl,
    String model,
    String apiKeyEnv,
    Duration timeout,
    int maxRetries,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration maxRetryAfter,
    double requestsPerSecond) {
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  public OpenAiEndpoint {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || baseUrl.getHost() == null) {
      throw new IllegalArgumentException(
          "external judge URL '"
              + baseUrl
              + "' must be an http(s) URL such as https://api.openai.com/v1");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("the external judge needs a model name");
    }
    if (apiKeyEnv != null && !ENV_NAME.matcher(apiKeyEnv).matches()) {
      throw new IllegalArgumentException(
          "'" + apiKeyEnv + "' is not an environment variable name (letters, digits, _)");
    }
    positive(timeout, "timeout");
    positive(initialBackoff, "initial backoff");
    positive(maxBackoff, "max backoff");
    positive(maxRetryAfter, "max Retry-After");
    if (maxRetries < 0) {
      throw new IllegalArgumentException("max retries must be >= 0, got " + maxRetries);
    }
    if (!(requestsPerSecond >= 0) || Double.isInfinite(requestsPerSecond)) {
      throw new IllegalArgumentException(
          "requests per second must be a finite number >= 0 (0: no limit), got "
              + requestsPerSecond);
    }
  }

  private static void positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
    }
  }

  /**
   * {@code baseUrl} and {@code model}, no key, 60 s time-out, 4 retries from 0.5 s up to 20 s,
   * Retry-After up to 60 s honoured, 2 requests per second.
   */
  public static OpenAiEndpoint of(String baseUrl, String model) {
    return new OpenAiEndpoint(
        URI.create(baseUrl),
        model,
        null,
        Duration.ofSeconds(60),
        4,
        Duration.ofMillis(500),
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        2);
  }

  public OpenAiEndpoint withApiKeyEnv(String name) {
    return new OpenAiEndpoint(
        baseUrl,
        model,
        name,
        timeout,
        maxRetries,
        initialBackoff,
        maxBackoff,
        maxRetryAfter,
        requestsPerSecond);
  }

  public OpenAiEndpoint withTimeout(Duration t) {
    return new OpenAiEndpoint(
        baseUrl,
        model,
        apiKeyEnv,
        t,
        maxRetries,
        initialBackoff,
        maxBackoff,
        maxRetryAfter,
        requestsPerSecond);
  }

  public OpenAiEndpoint withRetries(int retries, Duration initial, Duration max) {
    return new OpenAiEndpoint(
        baseUrl,
        model,
        apiKeyEnv,
        timeout,
        retries,
        initial,
        max,
        maxRetryAfter,
        requestsPerSecond);
  }

  public OpenAiEndpoint withMaxRetryAfter(Duration d) {
    return new OpenAiEndpoint(
        baseUrl,
        model,
        apiKeyEnv,
        timeout,
        maxRetries,
        initialBackoff,
        maxBackoff,
        d,
        requestsPerSecond);
  }

  public OpenAiEndpoint withRequestsPerSecond(double rps) {
    return new OpenAiEndpoint(
        baseUrl,
        model,
        apiKeyEnv,
        timeout,
        maxRetries,
        initialBackoff,
        maxBackoff,
        maxRetryAfter,
        rps);
  }

  /** The chat-completions URL requests go to. */
  public URI chatCompletionsUri() {
    String base = baseUrl.toString();
    if (base.endsWith("/chat/completions")) {
      return baseUrl;
    }
    return URI.create(base + (base.endsWith("/") ? "" : "/") + "chat/completions");
  }
}
