package dev.worldfx.inference.cuda;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory reused across ops: blocks are rounded up to a size class and kept on a free list per class when
 * released, so steady-state rendering allocates nothing (cudaMalloc synchronises the device and is slow). Size
 * classes: powers of two up to 1 MiB, then steps of a quarter of the power of two below (at most 25 % waste). Cached
 * blocks beyond {@code cacheLimitBytes} are freed; an allocation that fails for lack of memory frees every cached
 * block and tries once more. Thread-safe.
 */
public final class DevicePool {
  /** The raw device allocator (cudaMalloc / cudaFree; a fake in tests). */
  public interface Allocator {
    /** A new block's device address; throws a CudaException (outOfMemory) when the device is full. */
    long allocate(long bytes);

    void free(long address);
  }

  /** A block of device memory of {@code bytes} (its size class), at {@code address}. */
  public record Block(long address, long bytes) {}

  /** Counters: raw allocations, reuses from the free lists, trims after out-of-memory; bytes in use and cached. */
  public record Stats(long allocations, long reuses, long trims, long bytesInUse, long bytesCached) {}

  static final long MIN_CLASS = 512;
  private static final long SMALL_LIMIT = 1L << 20;

  private final Allocator allocator;
  private final long cacheLimitBytes;
  private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
  private long allocations;
  private long reuses;
  private long trims;
  private long bytesInUse;
  private long bytesCached;

  public DevicePool(Allocator allocator, long cacheLimitBytes) {
    this.allocator = allocator;
    this.cacheLimitBytes = cacheLimitBytes;
  }

  /** The size class holding {@code bytes}. */
  static long sizeClass(long bytes) {
    if (bytes <= MIN_CLASS) {
      return MIN_CLASS;
    }
    if (bytes <= SMALL_LIMIT) {
      return Long.highestOneBit(bytes - 1) << 1;
    }
    long step = Long.highestOneBit(bytes - 1) >> 2;
    return (bytes + step - 1) / step * step;
  }

  public synchronized Block acquire(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("negative allocation: " + bytes);
    }
    long cls = sizeClass(bytes);
    ArrayDeque<Block> list = free.get(cls);
    Block b;
    if (list != null && !list.isEmpty()) {
      b = list.pop();
      bytesCached -= cls;
      reuses++;
    } else {
      b = new Block(allocateOrTrim(cls), cls);
      allocations++;
    }
    bytesInUse += cls;
    return b;
  }

  private long allocateOrTrim(long cls) {
    try {
      return allocator.allocate(cls);
    } catch (CudaException e) {
      if (!e.outOfMemory() || bytesCached == 0) {
        throw e;
      }
      trim();
      trims++;
      return allocator.allocate(cls); // a second out-of-memory goes to the caller (tiles or the CPU)
    }
  }

  public synchronized void release(Block b) {
    bytesInUse -= b.bytes();
    if (bytesCached + b.bytes() > cacheLimitBytes) {
      allocator.free(b.address());
      return;
    }
    free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
    bytesCached += b.bytes();
  }

  /** Frees every cached block (blocks in use stay). */
  public synchronized void trim() {
    for (ArrayDeque<Block> list : free.values()) {
      for (Block b : list) {
        allocator.free(b.address());
      }
      list.clear();
    }
    bytesCached = 0;
  }

  public synchronized Stats stats() {
    return new Stats(allocations, reuses, trims, bytesInUse, bytesCached);
  }
}
