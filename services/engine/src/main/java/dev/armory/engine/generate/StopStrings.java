package dev.armory.engine.generate;

import java.util.List;

/**
 * Finds stop strings in streamed text. Text that could still grow into a stop string (a suffix that
 * is a prefix of one) is held back, so a stop string split across tokens is caught and none of it
 * is ever emitted; at a match, the text before it is released and generation stops.
 */
final class StopStrings {
  private final List<String> stops;
  private final StringBuilder pending = new StringBuilder();
  private boolean matched;

  StopStrings(List<String> stops) {
    this.stops = List.copyOf(stops);
  }

  /** True once a stop string was found; nothing more is released after it. */
  boolean matched() {
    return matched;
  }

  /** Adds decoded text and returns what is safe to emit now. */
  String push(String text) {
    if (matched) {
      return "";
    }
    pending.append(text);
    if (stops.isEmpty()) {
      return drain(pending.length());
    }
    int earliest = -1;
    for (String s : stops) {
      int at = pending.indexOf(s);
      if (at >= 0 && (earliest < 0 || at < earliest)) {
        earliest = at;
      }
    }
    if (earliest >= 0) {
      matched = true;
      String out = pending.substring(0, earliest);
      pending.setLength(0);
      return out;
    }
    return drain(pending.length() - heldBack());
  }

  /** Whatever is held back, at the end of generation (no stop string completed). */
  String finish() {
    return matched ? "" : drain(pending.length());
  }

  /** Length of the longest suffix of the pending text that starts some stop string. */
  private int heldBack() {
    int best = 0;
    for (String s : stops) {
      for (int k = Math.min(s.length() - 1, pending.length()); k > best; k--) {
        if (endsWith(pending, s, k)) {
          best = k;
          break;
        }
      }
    }
    return best;
  }

  private static boolean endsWith(StringBuilder text, String stop, int k) {
    int start = text.length() - k;
    for (int i = 0; i < k; i++) {
      if (text.charAt(start + i) != stop.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private String drain(int upTo) {
    String out = pending.substring(0, upTo);
    pending.delete(0, upTo);
    return out;
  }
}
