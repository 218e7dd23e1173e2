package dev.armory.engine.judge.rules;

/**
 * A constitution file (or an inline schema) that cannot be used; the message names the file, the
 * key and what is wrong.
 */
public final class ConstitutionException extends RuntimeException {
  public ConstitutionException(String message) {
    super(message);
  }

  public ConstitutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
