package dev.armory.engine.generate;

/**
 * Receives a request's output as it is produced. Called on the engine's scheduler thread: return
 * quickly and never block (hand work to another thread), or every request in the batch waits.
 */
public interface GenerationListener {
  /** One new token and the text it released. */
  default void onToken(TokenDelta delta) {}

  /** The end of the request, once. */
  default void onFinish(GenerationResult result) {}

  /** A listener that ignores everything (use the handle's result). */
  static GenerationListener none() {
    return new GenerationListener() {};
  }
}
