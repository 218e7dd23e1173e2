package dev.armory.engine.train;

/** A training configuration value is missing, malformed or out of its allowed range. */
public class InvalidConfigException extends IllegalArgumentException {
  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
