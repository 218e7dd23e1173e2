package dev.armory.engine.generate;

/** The engine's request queue is full; retry later (gRPC: RESOURCE_EXHAUSTED). */
public class QueueFullException extends RuntimeException {
  public QueueFullException(String message) {
    super(message);
  }
}
