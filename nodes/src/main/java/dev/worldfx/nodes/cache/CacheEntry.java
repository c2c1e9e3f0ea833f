package dev.worldfx.nodes.cache;

import dev.worldfx.nodes.proto.CacheEntryHeader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Instant;
import java.util.Map;

/**
 * A verified cache hit: the header and a read-only memory map of the payload. The map stays
 * valid until {@link #close()} even if the entry is evicted or replaced meanwhile (eviction
 * unlinks the file, replacement renames over it; neither touches the mapped bytes).
 */
public final class CacheEntry implements AutoCloseable {
  private final CacheKey key;
  private final CacheEntryHeader header;
  private final MemorySegment payload;
  private final Arena arena;

  CacheEntry(CacheKey key, CacheEntryHeader header, MemorySegment payload, Arena arena) {
    this.key = key;
    this.header = header;
    this.payload = payload;
    this.arena = arena;
  }

  public CacheKey key() {
    return key;
  }

  public String nodeId() {
    return header.getNodeId();
  }

  public Instant created() {
    return Instant.ofEpochMilli(header.getCreatedUnixMillis());
  }

  public Map<String, String> metadata() {
    return header.getMetadataMap();
  }

  public long payloadBytes() {
    return payload.byteSize();
  }

  /** The payload, read-only and readable from any thread, until this entry is closed. */
  public MemorySegment payload() {
    return payload;
  }

  /** A copy of the payload on the heap; for small payloads (under 2 GiB). */
  public byte[] payloadCopy() {
    return payload.toArray(ValueLayout.JAVA_BYTE);
  }

  /** Unmaps the payload; segments from {@link #payload()} must not be used afterwards. */
  @Override
  public void close() {
    arena.close();
  }
}
