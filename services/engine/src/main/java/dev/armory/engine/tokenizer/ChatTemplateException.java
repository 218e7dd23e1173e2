package dev.armory.engine.tokenizer;

/**
 * A chat template failed to parse or render. When the template itself called {@code
 * raise_exception(msg)}, {@link #templateMessage()} carries {@code msg} verbatim.
 */
public class ChatTemplateException extends RuntimeException {
  private final String templateMessage;

  public ChatTemplateException(String message) {
    this(message, null, null);
  }

  public ChatTemplateException(String message, String templateMessage, Throwable cause) {
    super(message, cause);
    this.templateMessage = templateMessage;
  }

  /** The message the template passed to {@code raise_exception}, or null for other failures. */
  public String templateMessage() {
    return templateMessage;
  }

  /** Whether the template rejected its input by calling {@code raise_exception}. */
  public boolean raisedByTemplate() {
    return templateMessage != null;
  }
}
