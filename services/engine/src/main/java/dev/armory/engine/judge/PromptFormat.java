package dev.armory.engine.judge;

/** How a prompt reaches the candidate model, and how the resulting pairs are written. */
public enum PromptFormat {
  /**
   * The prompt text as is (with the tokenizer's BOS); the answer continues it. Pairs are written as
   * strings: {@code prompt}, {@code chosen}, {@code rejected}.
   */
  RAW,
  /**
   * The prompt as a user turn through the model's chat template; the answer is the assistant turn.
   * Pairs are written chat-formatted: {@code prompt} a string (the user turn), {@code chosen} and
   * {@code rejected} one assistant message each, so DPO renders them with the same template.
   */
  CHAT
}
