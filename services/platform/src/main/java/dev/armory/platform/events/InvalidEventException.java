package dev.armory.platform.events;

/**
 * An event that cannot be used: undecodable bytes or an unacceptable payload. Consumers send it to
 * the dead-letter topic instead of retrying it.
 */
public class InvalidEventException extends Exception {

  /** Why the event is unusable; written to the dead-letter header {@code armory-dlq-kind}. */
  public enum Kind {
    /** The bytes are not an envelope in the declared content type. */
    DECODE,
    /** An envelope, but not one this consumer can act on (missing fields, wrong topic ...). */
    INVALID
  }

  private final Kind kind;

  public InvalidEventException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public InvalidEventException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  /** An event a handler refuses: missing or inconsistent fields. */
  public static InvalidEventException invalid(String message) {
    return new InvalidEventException(Kind.INVALID, message);
  }

  public Kind kind() {
    return kind;
  }
}
