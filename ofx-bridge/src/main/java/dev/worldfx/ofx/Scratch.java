package dev.worldfx.ofx;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Per-thread out-parameter memory for host calls (a handle, an int, four doubles).
 * Host property and parameter functions never call back into us, so one buffer per
 * thread is never in use twice at once; it saves an arena per property read.
 */
final class Scratch {
  static final long BYTES = 64;
  private static final ThreadLocal<MemorySegment> BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BYTES, 8));

  private Scratch() {}

  static MemorySegment get() {
    return BUFFER.get();
  }
}
