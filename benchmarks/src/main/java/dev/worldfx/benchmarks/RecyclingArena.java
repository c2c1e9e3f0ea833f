package dev.worldfx.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A per-frame arena as a render loop keeps one: a fixed, already-touched block handed out by bumping
 * a pointer and taken back whole by {@link #reset}. Allocations are zeroed, like those of the JDK's
 * arenas. Timing ops with it measures the kernels and the zeroing, not the operating system mapping
 * fresh pages for every output.
 */
final class RecyclingArena implements Arena {
  private final Arena backing = Arena.ofShared();
  private final MemorySegment block;
  private long used;

  RecyclingArena(long bytes) {
    block = backing.allocate(bytes, 64);
  }

  @Override
  public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
    long start = (used + byteAlignment - 1) / byteAlignment * byteAlignment;
    if (start + byteSize > block.byteSize()) {
      throw new IllegalStateException("RecyclingArena of " + block.byteSize() + " bytes is full");
    }
    used = start + byteSize;
    return block.asSlice(start, byteSize).fill((byte) 0);
  }

  synchronized void reset() {
    used = 0;
  }

  @Override
  public MemorySegment.Scope scope() {
    return backing.scope();
  }

  @Override
  public void close() {
    backing.close();
  }
}
