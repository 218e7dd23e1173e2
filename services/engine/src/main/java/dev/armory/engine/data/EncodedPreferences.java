package dev.armory.engine.data;

import java.util.List;

/**
 * Tokenised preference pairs and what happened on the way.
 *
 * @param pairs the pairs, in dataset order
 * @param truncated how many kept pairs had a completion cut to the maximum sequence length
 * @param dropped lines dropped because the prompt left no room for a completion token
 * @param skipped lines the chat template rejected (only when skipping bad lines)
 */
public record EncodedPreferences(
    List<PreferenceExample> pairs, int truncated, List<Integer> dropped, List<BadLine> skipped) {
  public EncodedPreferences {
    pairs = List.copyOf(pairs);
    dropped = List.copyOf(dropped);
    skipped = List.copyOf(skipped);
  }
}
