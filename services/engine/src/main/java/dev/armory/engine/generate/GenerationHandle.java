package dev.armory.engine.generate;

import java.util.concurrent.CompletableFuture;

/** A submitted request: its id, its eventual result, and a way to cancel it. */
public final class GenerationHandle {
  private final String requestId;
  private final CompletableFuture<GenerationResult> result = new CompletableFuture<>();
  private final Runnable wake;
  private volatile boolean cancelRequested;

  GenerationHandle(String requestId, Runnable wake) {
    this.requestId = requestId;
    this.wake = wake;
  }

  public String requestId() {
    return requestId;
  }

  /**
   * Asks the engine to stop this request; it ends (CANCELLED) at the next step and frees its row.
   * Harmless after the end.
   */
  public void cancel() {
    cancelRequested = true;
    wake.run();
  }

  public boolean cancelRequested() {
    return cancelRequested;
  }

  /** Completes when the request ends, whatever the reason (never exceptionally). */
  public CompletableFuture<GenerationResult> result() {
    return result;
  }

  void complete(GenerationResult r) {
    result.complete(r);
  }
}
