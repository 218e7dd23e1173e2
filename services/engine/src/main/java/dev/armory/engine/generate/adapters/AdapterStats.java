package dev.armory.engine.generate.adapters;

/**
 * Counters of an adapter registry.
 *
 * @param registered adapters registered
 * @param loaded adapters resident
 * @param residentBytes their factors' bytes (counted against the budget)
 * @param budgetBytes the memory budget
 * @param stackBytes bytes of the stacked slot buffers the graph reads (ranks padded to the largest)
 * @param hits requests whose adapter was resident
 * @param misses requests whose adapter had to be loaded
 * @param loads loads from disk (misses and explicit loads)
 * @param evictions adapters unloaded to make room
 */
public record AdapterStats(
    int registered,
    int loaded,
    long residentBytes,
    long budgetBytes,
    long stackBytes,
    long hits,
    long misses,
    long loads,
    long evictions) {}
