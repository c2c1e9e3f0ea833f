package dev.worldfx.inference.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The device memory pool's bookkeeping on a fake device: size classes, reuse, trimming on out-of-memory. */
class DevicePoolTest {
  /** A device of {@code capacity} bytes: hands out distinct addresses, fails like cudaMalloc when full. */
  private static final class FakeDevice implements DevicePool.Allocator {
    final long capacity;
    long used;
    long next = 0x1000;
    final List<Long> mallocs = new ArrayList<>();
    final Set<Long> live = new HashSet<>();
    final java.util.Map<Long, Long> sizes = new java.util.HashMap<>();

    FakeDevice(long capacity) {
      this.capacity = capacity;
    }

    @Override
    public long allocate(long bytes) {
      if (used + bytes > capacity) {
        throw new CudaException(CudaStatus.Api.RUNTIME, 2, "cudaErrorMemoryAllocation", "cudaMalloc(" + bytes + ")");
      }
      used += bytes;
      long a = next;
      next += bytes;
      mallocs.add(bytes);
      live.add(a);
      sizes.put(a, bytes);
      return a;
    }

    @Override
    public void free(long address) {
      assertTrue(live.remove(address), "double or foreign free of " + address);
      used -= sizes.remove(address);
    }
  }

  @Test
  void sizeClassesArePowersOfTwoThenQuarterSteps() {
    assertEquals(512, DevicePool.sizeClass(0));
    assertEquals(512, DevicePool.sizeClass(512));
    assertEquals(1024, DevicePool.sizeClass(513));
    assertEquals(1 << 20, DevicePool.sizeClass((1 << 20) - 5));
    assertEquals((1 << 20) + (1 << 18), DevicePool.sizeClass((1 << 20) + 1));
    assertEquals(3L << 20, DevicePool.sizeClass(3L << 20));
    long frame = 1920L * 1080 * 64 * 4; // a 1080p 64-channel activation
    long cls = DevicePool.sizeClass(frame);
    assertTrue(cls >= frame && cls <= frame * 1.25, cls + " for " + frame);
  }

  @Test
  void releasedBlocksAreReusedWithoutNewAllocations() {
    FakeDevice dev = new FakeDevice(1L << 30);
    DevicePool pool = new DevicePool(dev, 1L << 30);
    DevicePool.Block a = pool.acquire(1000);
    DevicePool.Block b = pool.acquire(100_000);
    pool.release(a);
    pool.release(b);
    for (int frame = 0; frame < 10; frame++) { // a render loop: the same sizes every frame
      DevicePool.Block x = pool.acquire(900);
      DevicePool.Block y = pool.acquire(99_000);
      assertEquals(a.address(), x.address());
      assertEquals(b.address(), y.address());
      pool.release(y);
      pool.release(x);
    }
    assertEquals(2, dev.mallocs.size(), "no allocation after the first frame");
    DevicePool.Stats s = pool.stats();
    assertEquals(2, s.allocations());
    assertEquals(20, s.reuses());
    assertEquals(0, s.bytesInUse());
    assertEquals(1024 + 131072, s.bytesCached());
  }

  @Test
  void outOfMemoryTrimsTheCacheAndRetriesOnce() {
    FakeDevice dev = new FakeDevice(4L << 20);
    DevicePool pool = new DevicePool(dev, 1L << 30);
    pool.release(pool.acquire(3L << 20)); // 3 MiB cached, 1 MiB free on the device
    DevicePool.Block big = pool.acquire(2L << 20); // does not fit beside the cached block: trim, then it does
    assertEquals(2L << 20, big.bytes());
    assertEquals(1, pool.stats().trims());
    assertEquals(0, pool.stats().bytesCached());
    CudaException e = assertThrows(CudaException.class, () -> pool.acquire(3L << 20)); // nothing left to trim
    assertTrue(e.outOfMemory());
    assertTrue(e.getMessage().contains("cudaErrorMemoryAllocation"), e.getMessage());
  }

  @Test
  void otherFailuresAreNotMistakenForOutOfMemory() {
    DevicePool pool = new DevicePool(new DevicePool.Allocator() {
      @Override
      public long allocate(long bytes) {
        throw new CudaException(CudaStatus.Api.RUNTIME, 46, "cudaErrorDevicesUnavailable", "cudaMalloc");
      }

      @Override
      public void free(long address) {
        throw new AssertionError("nothing to free");
      }
    }, 1L << 30);
    CudaException e = assertThrows(CudaException.class, () -> pool.acquire(10));
    assertEquals("cudaErrorDevicesUnavailable", e.statusName());
    assertEquals(0, pool.stats().trims());
  }

  @Test
  void blocksBeyondTheCacheLimitGoBackToTheDevice() {
    FakeDevice dev = new FakeDevice(1L << 30);
    DevicePool pool = new DevicePool(dev, 1L << 20);
    DevicePool.Block a = pool.acquire(1L << 20);
    DevicePool.Block b = pool.acquire(1L << 20);
    pool.release(a);
    pool.release(b); // over the 1 MiB cache limit: freed at once
    assertEquals(1L << 20, dev.used);
    assertEquals(1L << 20, pool.stats().bytesCached());
    pool.trim();
    assertEquals(0, dev.used);
    assertTrue(dev.live.isEmpty());
  }
}
