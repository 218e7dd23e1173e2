package dev.armory.engine.generate;

/** Why a generation ended. */
public enum FinishReason {
  /** An end-of-sequence token or a stop string. */
  STOP,
  /** max_new_tokens, or the model's context was full. */
  LENGTH,
  /** The request was cancelled (client gone, deadline, shutdown). */
  CANCELLED,
  /** The engine failed on this request; the result carries the message. */
  ERROR
}
