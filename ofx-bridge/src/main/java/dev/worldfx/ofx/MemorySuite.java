package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * OfxMemorySuiteV1: memory counted against the host's own cache budget. For large
 * per-render buffers that the host should see (its memory panels, its purge logic).
 */
final class MemorySuite {
  private final MemorySegment alloc, free;

  MemorySuite(MemorySegment suite) {
    alloc = Native.function(suite, 0);
    free = Native.function(suite, 1);
  }

  /** A host allocation of {@code bytes}; throws kOfxStatErrMemory when the host has none. */
  MemorySegment allocate(MemorySegment effect, long bytes) {
    MemorySegment out = Scratch.get();
    int st = Native.iPJP(alloc, effect, bytes, out);
    if (st != Ofx.STAT_OK) {
      throw new OfxStatusException(Ofx.STAT_ERR_MEMORY, "host could not allocate " + bytes + " bytes");
    }
    return out.get(ValueLayout.ADDRESS, 0).reinterpret(bytes);
  }

  void free(MemorySegment data) {
    Native.iP(free, data);
  }
}
