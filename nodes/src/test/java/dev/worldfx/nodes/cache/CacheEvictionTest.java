package dev.worldfx.nodes.cache;

import static dev.worldfx.nodes.cache.SequenceCacheTest.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LRU by last access, the cap after every put, and readers unharmed by eviction. */
class CacheEvictionTest {
  @TempDir
  Path root;

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T00:00:00Z"));
  private final InstantSource clock = () -> now.get();

  private void tick() {
    now.set(now.get().plus(Duration.ofSeconds(1)));
  }

  private static byte[] payload(int bytes, int fill) {
    byte[] b = new byte[bytes];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  private long entryBytes(int payloadBytes) throws IOException {
    SequenceCache probe = SequenceCache.open(root.resolve("probe"), 1 << 20, clock);
    return probe.put(key("probe"), Map.of(), payload(payloadBytes, 0)).fileBytes();
  }

  @Test
  void leastRecentlyAccessedEntryIsEvictedFirst() throws IOException {
    long one = entryBytes(1000);
    SequenceCache cache = SequenceCache.open(root.resolve("cache"), 3 * one, clock);
    for (String k : List.of("A", "B", "C")) {
      cache.put(key(k), Map.of(), payload(1000, k.charAt(0)));
      tick();
    }
    cache.get(key("A")).orElseThrow().close(); // A is now the most recently used
    tick();
    cache.put(key("D"), Map.of(), payload(1000, 'D'));
    assertFalse(cache.get(key("B")).isPresent(), "B was the least recently used");
    tick();
    for (String k : List.of("A", "C", "D")) {
      assertTrue(cache.get(key(k)).isPresent(), k);
      tick();
    }
    assertEquals(1, cache.stats().evicted());

    // Access order is now A, C, D (oldest first): E evicts A, then F evicts C.
    cache.put(key("E"), Map.of(), payload(1000, 'E'));
    tick();
    cache.put(key("F"), Map.of(), payload(1000, 'F'));
    assertEquals(List.of(key("D"), key("E"), key("F")), cache.list().stream().map(CacheEntryInfo::key).toList(),
        "listed least recently used first");
  }

  @Test
  void capIsRespectedAfterEveryPut() throws IOException {
    long cap = 50_000;
    SequenceCache cache = SequenceCache.open(root, cap, clock);
    Random random = new Random(3);
    for (int i = 0; i < 40; i++) {
      int size = 1 + random.nextInt(15_000);
      CacheEntryInfo put = cache.put(key("k" + i), Map.of("i", Integer.toString(i)), payload(size, i));
      CacheStats s = cache.stats();
      assertTrue(s.bytes() <= cap, "after put " + i + ": " + s.bytes() + " > " + cap);
      assertTrue(cache.get(key("k" + i)).isPresent(), "the entry just put is never its own victim");
      assertEquals(put.fileBytes(), Files.size(cache.entryPath(key("k" + i))));
      tick();
    }
    assertTrue(cache.stats().evicted() > 0);
  }

  @Test
  void pruneShrinksToTheGivenSizeOldestFirst() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20, clock);
    for (String k : List.of("A", "B", "C", "D")) {
      cache.put(key(k), Map.of(), payload(1000, 1));
      tick();
    }
    long one = cache.list().getFirst().fileBytes();
    assertEquals(2 * one, cache.prune(2 * one + 10));
    assertEquals(java.util.Set.of(key("C"), key("D")),
        cache.list().stream().map(CacheEntryInfo::key).collect(java.util.stream.Collectors.toSet()));
    assertEquals(0, cache.prune(1 << 20));
  }

  @Test
  void anEntryBeingReadSurvivesItsEviction() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20, clock);
    byte[] data = payload(100_000, 0x3C);
    cache.put(key("A"), Map.of(), data);
    try (CacheEntry open = cache.get(key("A")).orElseThrow()) {
      assertTrue(cache.prune(0) > 0);
      assertFalse(Files.exists(cache.entryPath(key("A"))), "evicted from disk");
      assertArrayEquals(data, open.payloadCopy(), "the reader still has every byte");
      cache.put(key("A"), Map.of(), payload(100_000, 0x11)); // and a new entry under the same key is independent
      assertArrayEquals(data, open.payloadCopy());
    }
  }
}
