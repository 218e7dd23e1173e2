package dev.armory.engine.generate;

import dev.armory.engine.generate.adapters.AdapterStats;

/**
 * A snapshot of the engine's state and counters (for metrics).
 *
 * @param queued requests waiting for a row
 * @param active requests decoding
 * @param kvCacheBytes the KV cache's current allocation
 * @param kvCacheLimitBytes its cap
 * @param steps decoding steps run
 * @param prefills prompts run
 * @param tokensGenerated new tokens produced, all requests
 * @param finished requests ended (any reason)
 * @param sessionBuilds inference sessions built (1 + rebuilds when the adapters' modules grew)
 * @param adapters the adapter registry's counters
 */
public record EngineStats(
    int queued,
    int active,
    long kvCacheBytes,
    long kvCacheLimitBytes,
    long steps,
    long prefills,
    long tokensGenerated,
    long finished,
    long sessionBuilds,
    AdapterStats adapters) {}
