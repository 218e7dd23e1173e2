package dev.armory.inference;

/** The server is shutting down and takes no new generations (gRPC: UNAVAILABLE). */
public class ShuttingDownException extends RuntimeException {
  public ShuttingDownException(String message) {
    super(message);
  }
}
