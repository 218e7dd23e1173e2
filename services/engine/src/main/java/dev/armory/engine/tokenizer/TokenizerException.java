package dev.armory.engine.tokenizer;

/** A tokenizer file cannot be used as asked; the message names the file, the fault and a remedy. */
public class TokenizerException extends RuntimeException {
  public TokenizerException(String message) {
    super(message);
  }

  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
