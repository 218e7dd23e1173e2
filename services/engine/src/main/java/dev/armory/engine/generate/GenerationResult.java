package dev.armory.engine.generate;

/**
 * How a generation ended.
 *
 * @param tokens the new token ids (an ending EOS id included; tokens after a stop string's start
 *     included too, as they were generated)
 * @param text the new text, up to (not including) a stop string, special tokens skipped
 * @param promptTokens prompt length in tokens
 * @param completionTokens new tokens generated
 * @param error the failure's message when {@code finishReason} is ERROR, else null
 * @param seed the seed the request's sampler used
 * @param timeToFirstTokenNanos from submission to the first new token (−1 if none)
 * @param totalNanos from submission to the end
 */
public record GenerationResult(
    String requestId,
    int[] tokens,
    String text,
    FinishReason finishReason,
    int promptTokens,
    int completionTokens,
    String error,
    long seed,
    long timeToFirstTokenNanos,
    long totalNanos) {}
