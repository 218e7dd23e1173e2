/**
 * External judges: {@link dev.armory.engine.judge.external.OpenAiChatModel} calls any
 * OpenAI-compatible chat-completions endpoint described by an {@link
 * dev.armory.engine.judge.external.OpenAiEndpoint} (API key from a named environment variable),
 * with time-outs, retries with exponential backoff and jitter, Retry-After ({@code RetryAfter}) and
 * a client-side rate limit ({@code RequestRateLimiter}).
 */
package dev.armory.engine.judge.external;
