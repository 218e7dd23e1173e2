package dev.armory.engine.judge;

import dev.armory.engine.generate.SamplingParams;
import java.util.Objects;

/**
 * Ask for {@code k} answers to one prompt.
 *
 * @param prompt the prompt text
 * @param format raw continuation or chat turn
 * @param k how many answers (at least 1)
 * @param sampling how tokens are chosen; with a seed s, sample i uses seed s + i so the set is
 *     reproducible and the samples differ
 * @param maxNewTokens most tokens per answer
 * @param adapterId the adapter to answer with, or null for the base model
 */
public record CandidateRequest(
    String prompt,
    PromptFormat format,
    int k,
    SamplingParams sampling,
    int maxNewTokens,
    String adapterId) {
  public CandidateRequest {
    Objects.requireNonNull(prompt, "prompt");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(sampling, "sampling");
    if (k < 1) {
      throw new IllegalArgumentException("k (samples per prompt) must be >= 1, got " + k);
    }
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("max new tokens must be >= 1, got " + maxNewTokens);
    }
  }
}
