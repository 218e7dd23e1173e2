package dev.armory.engine.judge.llm;

/**
 * A judge model could not answer. Not fatal (e.g. retries exhausted on 429/5xx, a time-out, a
 * prompt too long for the model): the pair is dropped and counted. Fatal (bad credentials, unknown
 * model, a malformed endpoint): every further call would fail the same way, so the run stops.
 */
public final class JudgeCallException extends RuntimeException {
  private final boolean fatal;

  public JudgeCallException(String message, boolean fatal) {
    super(message);
    this.fatal = fatal;
  }

  public JudgeCallException(String message, boolean fatal, Throwable cause) {
    super(message, cause);
    this.fatal = fatal;
  }

  public boolean fatal() {
    return fatal;
  }
}
