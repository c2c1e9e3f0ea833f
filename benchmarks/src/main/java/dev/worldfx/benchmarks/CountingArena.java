package dev.worldfx.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/** A shared arena that reports its allocations to a meter of live and peak bytes across arenas. */
final class CountingArena implements Arena {
  /** Live bytes of the open arenas that share it, and their peak. */
  static final class Meter {
    private final AtomicLong live = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();

    long peak() {
      return peak.get();
    }

    private void add(long bytes) {
      long now = live.addAndGet(bytes);
      peak.accumulateAndGet(now, Math::max);
    }
  }

  private final Arena inner = Arena.ofShared();
  private final Meter meter;
  private long allocated;

  CountingArena(Meter meter) {
    this.meter = meter;
  }

  @Override
  public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
    allocated += byteSize;
    meter.add(byteSize);
    return inner.allocate(byteSize, byteAlignment);
  }

  @Override
  public MemorySegment.Scope scope() {
    return inner.scope();
  }

  @Override
  public synchronized void close() {
    inner.close();
    meter.add(-allocated);
  }
}
