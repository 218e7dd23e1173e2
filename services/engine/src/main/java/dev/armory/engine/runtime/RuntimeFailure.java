package dev.armory.engine.runtime;

/** ONNX Runtime failed to load or run a graph; the message names the graph and the inputs. */
public class RuntimeFailure extends RuntimeException {
  public RuntimeFailure(String message, Throwable cause) {
    super(message, cause);
  }

  public RuntimeFailure(String message) {
    super(message);
  }
}
