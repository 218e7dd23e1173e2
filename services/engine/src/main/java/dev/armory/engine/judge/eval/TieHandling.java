package dev.armory.engine.judge.eval;

/** How ties enter a win rate. */
public enum TieHandling {
  /** A tie is half a win: rate = (wins + ties/2) / (wins + losses + ties). */
  HALF,
  /** Ties are left out: rate = wins / (wins + losses). */
  EXCLUDE
}
