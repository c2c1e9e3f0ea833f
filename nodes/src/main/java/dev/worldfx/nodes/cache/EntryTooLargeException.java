package dev.worldfx.nodes.cache;

import dev.worldfx.nodes.NodeException;

/** A single entry bigger than the whole cache cap; it is not stored. */
public final class EntryTooLargeException extends NodeException {
  private static final long serialVersionUID = 1L;

  EntryTooLargeException(CacheKey key, long entryBytes, long maxBytes) {
    super("the solve result " + key + " needs " + entryBytes + " bytes but the sequence cache holds at most "
        + maxBytes + "; raise WORLDFX_CACHE_MAX_BYTES");
  }
}
