package dev.armory.engine.generate;

/** The request checks every engine makes, with messages naming the field and the limit. */
final class RequestChecks {
  private RequestChecks() {}

  /**
   * Checks the prompt against the prompt cap and the context, max_tokens against its cap, prompt
   * ids against the vocabulary, and that stop strings have a tokenizer to match text with.
   *
   * @param modelDescription names the model in errors (e.g. its directory)
   */
  static void check(
      GenerationRequest r,
      EngineLimits limits,
      int context,
      int vocabulary,
      boolean hasTokenizer,
      String modelDescription) {
    int prompt = r.promptTokens().length;
    if (prompt > limits.maxPromptTokens()) {
      throw new InvalidRequestException(
          "the prompt has "
              + prompt
              + " tokens; the limit is "
              + limits.maxPromptTokens()
              + " tokens (max_prompt_tokens)");
    }
    if (prompt >= context) {
      throw new InvalidRequestException(
          "the prompt has "
              + prompt
              + " tokens; the model's context is "
              + context
              + " tokens, so the limit is "
              + (context - 1)
              + " to leave room for a new token");
    }
    if (r.maxNewTokens() > limits.maxNewTokens()) {
      throw new InvalidRequestException(
          "max_tokens is "
              + r.maxNewTokens()
              + "; the limit is "
              + limits.maxNewTokens()
              + " (max_new_tokens)");
    }
    for (int t : r.promptTokens()) {
      if (t < 0 || t >= vocabulary) {
        throw new InvalidRequestException(
            "prompt token id " + t + " is outside the vocabulary [0, " + vocabulary + ")");
      }
    }
    if (!r.stopStrings().isEmpty() && !hasTokenizer) {
      throw new InvalidRequestException(
          "stop strings need the model's tokenizer, and "
              + modelDescription
              + " has no tokenizer.json");
    }
  }
}
