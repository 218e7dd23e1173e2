package dev.armory.engine.judge;

import java.util.Objects;

/**
 * One sampled answer.
 *
 * @param index its position among the prompt's samples (0-based)
 * @param text the answer text (special tokens removed)
 * @param tokens its length in the candidate model's tokens, or −1 when unknown
 */
public record Candidate(int index, String text, int tokens) {
  public Candidate {
    Objects.requireNonNull(text, "text");
  }
}
