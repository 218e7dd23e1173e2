package dev.armory.inference;

/** A request names a model this server does not serve (gRPC: NOT_FOUND). */
public class UnknownModelException extends RuntimeException {
  public UnknownModelException(String message) {
    super(message);
  }
}
