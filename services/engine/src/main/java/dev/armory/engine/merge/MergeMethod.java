package dev.armory.engine.merge;

import java.util.Locale;

/** How several adapters' weight deltas combine into one. */
public enum MergeMethod {
  /** Σ wᵢ·ΔWᵢ: the weighted sum of each adapter's full delta scaleᵢ·Bᵢ·Aᵢ. */
  LINEAR,
  /**
   * TIES: trim each delta to its largest-magnitude entries, elect a sign per entry, then average
   * the weighted entries that agree with it (see {@link TaskArithmetic#ties}).
   */
  TIES;

  /** Parses linear or ties (any case). */
  public static MergeMethod parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "linear" -> LINEAR;
      case "ties" -> TIES;
      default ->
          throw new IllegalArgumentException(
              "unknown merge method '" + s + "': expected linear or ties");
    };
  }
}
