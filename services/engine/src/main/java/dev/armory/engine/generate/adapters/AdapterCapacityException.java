package dev.armory.engine.generate.adapters;

/**
 * An adapter cannot be made resident: alone it exceeds the memory budget, or every resident adapter
 * is in use by running requests (gRPC: RESOURCE_EXHAUSTED).
 */
public class AdapterCapacityException extends RuntimeException {
  public AdapterCapacityException(String message) {
    super(message);
  }
}
