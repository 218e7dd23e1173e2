package dev.armory.inference;

/**
 * LoadAdapter named a directory outside the adapter roots the server may read (gRPC:
 * PERMISSION_DENIED).
 */
public class AdapterPathException extends RuntimeException {
  public AdapterPathException(String message) {
    super(message);
  }
}
