package dev.armory.engine.generate;

import java.util.List;

/**
 * One generation: the prompt as token ids (see {@link DecodeEngine#encode}), an optional adapter,
 * sampling, a cap on new tokens and stop strings.
 *
 * @param promptTokens the prompt, non-empty
 * @param adapterId a registered adapter's id, or null for the base model
 * @param sampling how tokens are picked
 * @param maxNewTokens at most this many new tokens (at least 1)
 * @param stopStrings generation stops before the first of these appears in the text (which then
 *     excludes it); empty strings are not allowed
 */
public record GenerationRequest(
    int[] promptTokens,
    String adapterId,
    SamplingParams sampling,
    int maxNewTokens,
    List<String> stopStrings) {
  public GenerationRequest {
    if (promptTokens == null || promptTokens.length == 0) {
      throw new InvalidRequestException("the prompt is empty: give at least one token");
    }
    promptTokens = promptTokens.clone();
    if (sampling == null) {
      sampling = SamplingParams.greedy();
    }
    if (maxNewTokens < 1) {
      throw new InvalidRequestException("max_tokens must be at least 1, got " + maxNewTokens);
    }
    stopStrings = stopStrings == null ? List.of() : List.copyOf(stopStrings);
    for (String s : stopStrings) {
      if (s.isEmpty()) {
        throw new InvalidRequestException("stop strings must not be empty");
      }
    }
  }

  /** Greedy decoding of {@code maxNewTokens} tokens on the base model. */
  public static GenerationRequest greedy(int[] promptTokens, int maxNewTokens) {
    return new GenerationRequest(
        promptTokens, null, SamplingParams.greedy(), maxNewTokens, List.of());
  }

  public GenerationRequest withAdapter(String id) {
    return new GenerationRequest(promptTokens, id, sampling, maxNewTokens, stopStrings);
  }

  public GenerationRequest withSampling(SamplingParams s) {
    return new GenerationRequest(promptTokens, adapterId, s, maxNewTokens, stopStrings);
  }

  public GenerationRequest withStopStrings(List<String> stops) {
    return new GenerationRequest(promptTokens, adapterId, sampling, maxNewTokens, stops);
  }
}
