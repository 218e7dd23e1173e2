package dev.armory.engine.generate.adapters;

/** No adapter is registered under the requested id (gRPC: NOT_FOUND). */
public class UnknownAdapterException extends RuntimeException {
  public UnknownAdapterException(String message) {
    super(message);
  }
}
