package dev.worldfx.nodes.cache;

import java.time.Instant;
import java.util.Map;

/** One stored entry as listed (header checked, payload not read). {@code fileBytes} counts toward the cap. */
public record CacheEntryInfo(CacheKey key, String nodeId, Instant created, Instant lastAccess, long payloadBytes,
                             long fileBytes, Map<String, String> metadata) {}
