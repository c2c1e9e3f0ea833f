package dev.worldfx.nodes.cache;

/**
 * What the cache holds on disk now ({@code entries}, {@code bytes}, shared by every process) and
 * what this {@link SequenceCache} instance did since it was opened (the counters).
 */
public record CacheStats(long entries, long bytes, long maxBytes, long hits, long misses, long corruptDiscarded,
                         long evicted) {}
