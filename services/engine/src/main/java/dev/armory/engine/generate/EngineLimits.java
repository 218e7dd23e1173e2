package dev.armory.engine.generate;

/**
 * Caps the engine enforces.
 *
 * @param maxBatchSize rows decoded together per step
 * @param maxQueuedRequests requests waiting for a row; more are rejected ({@link
 *     QueueFullException})
 * @param maxPromptTokens longest prompt accepted (the model's context also applies)
 * @param maxNewTokens largest max_tokens accepted
 * @param maxKvCacheBytes the KV cache's allocation may not exceed this; requests wait for room
 */
public record EngineLimits(
    int maxBatchSize,
    int maxQueuedRequests,
    int maxPromptTokens,
    int maxNewTokens,
    long maxKvCacheBytes) {
  public EngineLimits {
    if (maxBatchSize < 1 || maxQueuedRequests < 0 || maxPromptTokens < 1 || maxNewTokens < 1) {
      throw new IllegalArgumentException(
          "engine limits must be positive (max queued requests may be 0), got " + this);
    }
    if (maxKvCacheBytes < 1) {
      throw new IllegalArgumentException(
          "max KV cache bytes must be positive, got " + maxKvCacheBytes);
    }
  }

  /** Batch 8, queue 256, prompts up to 8192 tokens, 2048 new tokens, a 2 GiB KV cache. */
  public static EngineLimits defaults() {
    return new EngineLimits(8, 256, 8192, 2048, 2L << 30);
  }

  public EngineLimits withMaxBatchSize(int n) {
    return new EngineLimits(n, maxQueuedRequests, maxPromptTokens, maxNewTokens, maxKvCacheBytes);
  }

  public EngineLimits withMaxQueuedRequests(int n) {
    return new EngineLimits(maxBatchSize, n, maxPromptTokens, maxNewTokens, maxKvCacheBytes);
  }

  public EngineLimits withMaxPromptTokens(int n) {
    return new EngineLimits(maxBatchSize, maxQueuedRequests, n, maxNewTokens, maxKvCacheBytes);
  }

  public EngineLimits withMaxNewTokens(int n) {
    return new EngineLimits(maxBatchSize, maxQueuedRequests, maxPromptTokens, n, maxKvCacheBytes);
  }

  public EngineLimits withMaxKvCacheBytes(long n) {
    return new EngineLimits(maxBatchSize, maxQueuedRequests, maxPromptTokens, maxNewTokens, n);
  }
}
