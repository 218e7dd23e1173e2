package dev.armory.engine.judge.external;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * How long a server asked the client to wait: {@code Retry-After} as delay-seconds or an HTTP date
 * (RFC 9110), or OpenAI's {@code retry-after-ms} when present (it is more precise).
 */
final class RetryAfter {
  private RetryAfter() {}

  static Optional<Duration> of(HttpHeaders headers, Instant now) {
    Optional<String> ms = headers.firstValue("retry-after-ms");
    if (ms.isPresent()) {
      try {
        double v = Double.parseDouble(ms.get().trim());
        if (v >= 0 && !Double.isInfinite(v)) {
          return Optional.of(Duration.ofNanos((long) (v * 1e6)));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    return headers.firstValue("retry-after").flatMap(v -> parse(v.trim(), now));
  }

  static Optional<Duration> parse(String value, Instant now) {
    try {
      double seconds = Double.parseDouble(value);
      if (seconds >= 0 && !Double.isInfinite(seconds)) {
        return Optional.of(Duration.ofNanos((long) (seconds * 1e9)));
      }
      return Optional.empty();
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }
}
