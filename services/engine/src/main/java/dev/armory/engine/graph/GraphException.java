package dev.armory.engine.graph;

/** A graph cannot be built or differentiated as asked; the message names the node and values. */
public class GraphException extends RuntimeException {
  public GraphException(String message) {
    super(message);
  }

  public GraphException(String message, Throwable cause) {
    super(message, cause);
  }
}
