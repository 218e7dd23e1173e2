package dev.armory.engine.merge;

import java.util.Locale;

/** How TIES elects each entry's sign from the trimmed deltas. */
public enum SignElection {
  /** The sign of the sum of the trimmed, unweighted values (PEFT's "total"). */
  TOTAL,
  /** The sign held by more of the adapters (sum of signs; PEFT's "frequency"). */
  FREQUENCY;

  /** Parses total or frequency (any case). */
  public static SignElection parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "total" -> TOTAL;
      case "frequency" -> FREQUENCY;
      default ->
          throw new IllegalArgumentException(
              "unknown sign election '" + s + "': expected total or frequency");
    };
  }
}
