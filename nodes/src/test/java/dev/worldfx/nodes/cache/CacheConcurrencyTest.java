package dev.worldfx.nodes.cache;

import static dev.worldfx.nodes.cache.SequenceCacheTest.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent writers and readers of one key, and the per-key solve lock. */
@Timeout(20)
class CacheConcurrencyTest {
  @TempDir
  Path root;

  private static byte[] payload(int writer) {
    byte[] b = new byte[200_000];
    Arrays.fill(b, (byte) writer);
    b[0] = (byte) (writer + 100); // so a mix of two writers' bytes would show
    return b;
  }

  @Test
  void concurrentPutsOfOneKeyAllCompleteAndReadersSeeOnlyWholeEntries() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 64 << 20);
    int writers = 4;
    List<byte[]> candidates = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      candidates.add(payload(w));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger wholeReads = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(writers + 1)) {
      CountDownLatch start = new CountDownLatch(1);
      Future<?> reader = pool.submit(() -> {
        start.await();
        while (writing.get()) {
          Optional<CacheEntry> hit = cache.get(key("shot"));
          if (hit.isPresent()) {
            try (CacheEntry e = hit.get()) {
              byte[] got = e.payloadCopy();
              assertTrue(candidates.stream().anyMatch(c -> Arrays.equals(c, got)), "a reader saw a mixed or partial entry");
              wholeReads.incrementAndGet();
            }
          }
        }
        return null;
      });
      List<Future<CacheEntryInfo>> puts = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int id = w;
        puts.add(pool.submit(() -> {
          start.await();
          CacheEntryInfo last = null;
          for (int round = 0; round < 5; round++) {
            last = cache.put(key("shot"), Map.of("writer", Integer.toString(id)), candidates.get(id));
          }
          return last;
        }));
      }
      start.countDown();
      try {
        for (Future<CacheEntryInfo> f : puts) {
          assertEquals(200_000, f.get().payloadBytes(), "every writer completes");
        }
      } finally {
        writing.set(false); // else a failed writer would leave the reader, and the pool's close, waiting forever
      }
      reader.get();
    }
    try (CacheEntry e = cache.get(key("shot")).orElseThrow()) {
      int winner = Integer.parseInt(e.metadata().get("writer"));
      assertArrayEquals(candidates.get(winner), e.payloadCopy(), "header and payload come from the same writer");
    }
    assertEquals(1, SequenceCacheTest.entryAndTempFiles(root).size(), "one entry, no temp files left");
    assertEquals(0, cache.stats().corruptDiscarded());
    assertTrue(wholeReads.get() > 0);
  }

  /** The pattern of the package documentation: two renders of an unsolved shot solve it once. */
  @Test
  void twoThreadsMissingTheSameKeySolveItOnce() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    AtomicInteger solves = new AtomicInteger();
    CountDownLatch bothMissed = new CountDownLatch(2);
    Callable<byte[]> render = () -> {
      Optional<CacheEntry> hit = cache.get(key("shot"));
      bothMissed.countDown();
      assertTrue(bothMissed.await(5, TimeUnit.SECONDS)); // both have missed before either solves
      if (hit.isEmpty()) {
        hit = cache.withSolveLock(key("shot"), () -> {
          Optional<CacheEntry> again = cache.get(key("shot"));
          if (again.isPresent()) {
            return again;
          }
          solves.incrementAndGet();
          Thread.sleep(100); // a slow solve, so the other thread surely waits on the lock
          cache.put(key("shot"), Map.of(), new byte[] {4, 2});
          return cache.get(key("shot"));
        });
      }
      try (CacheEntry e = hit.orElseThrow()) {
        return e.payloadCopy();
      }
    };
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      Future<byte[]> a = pool.submit(render);
      Future<byte[]> b = pool.submit(render);
      assertArrayEquals(new byte[] {4, 2}, a.get());
      assertArrayEquals(new byte[] {4, 2}, b.get());
    }
    assertEquals(1, solves.get());
  }

  @Test
  void solveLockIsExclusivePerKeyAndReleasedOnExceptions() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger maxInside = new AtomicInteger();
    try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 10; i++) {
            int round = i;
            try {
              cache.withSolveLock(key("shot"), () -> {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                Thread.sleep(2);
                inside.decrementAndGet();
                if ((round + thread) % 3 == 0) {
                  throw new IllegalStateException("solve failed");
                }
                return null;
              });
            } catch (IllegalStateException expected) {
              assertEquals("solve failed", expected.getMessage());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get(15, TimeUnit.SECONDS); // a lock not released after a throw would hang here
      }
    }
    assertEquals(1, maxInside.get());
  }

  @Test
  void differentKeysDoNotWaitForEachOther() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    CountDownLatch bothInside = new CountDownLatch(2);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<Future<Boolean>> runs = new ArrayList<>();
      for (String k : List.of("a", "b")) {
        runs.add(pool.submit(() -> cache.withSolveLock(key(k), () -> {
          bothInside.countDown();
          return bothInside.await(5, TimeUnit.SECONDS);
        })));
      }
      for (Future<Boolean> f : runs) {
        assertTrue(f.get(), "the two solves ran at the same time");
      }
    }
  }

  /** The lock is an OS file lock too, which is what keeps a second process out. */
  @Test
  void solveLockHoldsTheOsFileLockAndIsNotReentrant() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    Path lockFile = cache.entryPath(key("shot")).resolveSibling(key("shot").hex() + ".lock");
    cache.withSolveLock(key("shot"), () -> {
      try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
        // The JVM reports its own held lock this way; another process's tryLock would get null.
        assertThrows(OverlappingFileLockException.class, other::tryLock);
      }
      IllegalStateException nested = assertThrows(IllegalStateException.class,
          () -> cache.withSolveLock(key("shot"), () -> null));
      assertTrue(nested.getMessage().contains("already holds"), nested.getMessage());
      return null;
    });
    try (FileChannel other = FileChannel.open(lockFile, StandardOpenOption.WRITE); FileLock lock = other.tryLock()) {
      assertTrue(lock != null && lock.isValid(), "released after the solve");
    }
  }

  @Test
  void aSecondProcessHoldingTheLockKeepsThisOneWaiting() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        LockHolderMain.class.getName(), root.toString(), "shot").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try (var out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
         var in = new PrintWriter(holder.getOutputStream(), true, StandardCharsets.UTF_8)) {
      assertEquals("locked", out.readLine());
      AtomicBoolean entered = new AtomicBoolean();
      Future<?> waiter = pool.submit(() -> cache.withSolveLock(key("shot"), () -> {
        entered.set(true);
        return null;
      }));
      Thread.sleep(300);
      assertTrue(!entered.get() && !waiter.isDone(), "this process solved while the other held the lock");
      in.println("release");
      waiter.get(10, TimeUnit.SECONDS);
      assertTrue(entered.get());
      assertTrue(holder.waitFor(10, TimeUnit.SECONDS));
      assertEquals(0, holder.exitValue());
    } finally {
      holder.destroyForcibly(); // these two only matter when an assertion above failed
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingPutLeavesNoLockOrEntryBehind() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    assertThrows(IOException.class, () -> cache.withSolveLock(key("shot"), () -> {
      cache.put(key("shot"), Map.of(), channel -> {
        throw new IOException("disk full");
      });
      return null;
    }));
    assertEquals(List.of(), SequenceCacheTest.entryAndTempFiles(root));
  }
}
