package dev.armory.engine.generate;

/**
 * A generation request breaks a rule or a configured limit; the message names the field and, for
 * limits, the limit (gRPC: INVALID_ARGUMENT).
 */
public class InvalidRequestException extends IllegalArgumentException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
