package dev.worldfx.nodes.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SequenceCacheTest {
  @TempDir
  Path root;

  static CacheKey key(String name) {
    return CacheKey.builder("dev.worldfx.Test", "1", 7).param("name", name).build();
  }

  @Test
  void putThenGetReturnsTheSamePayloadAndHeader() throws IOException {
    Instant t = Instant.parse("2026-01-02T03:04:05Z");
    SequenceCache cache = SequenceCache.open(root, 1 << 20, InstantSource.fixed(t));
    byte[] payload = new byte[1000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) (i * 31);
    }
    CacheEntryInfo info = cache.put(key("a"), Map.of("frames", "1-10", "layout", "f32"), payload);
    assertEquals(1000, info.payloadBytes());

    try (CacheEntry e = cache.get(key("a")).orElseThrow()) {
      assertArrayEquals(payload, e.payloadCopy());
      assertEquals(Map.of("frames", "1-10", "layout", "f32"), e.metadata());
      assertEquals("dev.worldfx.Test", e.nodeId());
      assertEquals(t, e.created());
      assertEquals(key("a"), e.key());
    }
    Path file = root.resolve(key("a").hex().substring(0, 2)).resolve(key("a").hex() + ".wfxc");
    assertTrue(Files.isRegularFile(file));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(List.of(file), entryAndTempFiles(root), "no temporary file is left behind");

    CacheEntryInfo listed = cache.list().getFirst();
    assertEquals(key("a"), listed.key());
    assertEquals(Files.size(file), listed.fileBytes());
    assertEquals(Map.of("frames", "1-10", "layout", "f32"), listed.metadata());
  }

  @Test
  void missingKeyIsAMiss() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    cache.put(key("a"), Map.of(), new byte[] {1});
    assertEquals(Optional.empty(), cache.get(key("b")));
    assertTrue(cache.get(key("a")).isPresent());
    CacheStats s = cache.stats();
    assertEquals(1, s.hits());
    assertEquals(1, s.misses());
    assertEquals(1, s.entries());
  }

  @Test
  void streamedPayloadIsReadAsMappedFloats() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 64 << 20);
    int floats = 3 * 256 * 256; // [C=3,H=256,W=256] planes, written back to front by positional writes
    cache.put(key("planes"), Map.of("shape", "3x256x256"), channel -> {
      for (int c = 2; c >= 0; c--) {
        ByteBuffer plane = ByteBuffer.allocate(256 * 256 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 256 * 256; i++) {
          plane.putFloat(c * 1000f + i * 0.5f);
        }
        plane.flip();
        long pos = (long) c * plane.capacity();
        while (plane.hasRemaining()) {
          pos += channel.write(plane, pos);
        }
      }
    });
    try (CacheEntry e = cache.get(key("planes")).orElseThrow()) {
      MemorySegment p = e.payload();
      assertEquals(floats * 4L, p.byteSize());
      assertTrue(p.isReadOnly());
      assertEquals(0, p.address() % 4096, "the payload starts page-aligned");
      for (int c = 0; c < 3; c++) {
        for (int i = 0; i < 256 * 256; i += 997) {
          assertEquals(c * 1000f + i * 0.5f, p.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN),
              (long) c * 256 * 256 + i));
        }
      }
    }
  }

  @Test
  void payloadWrittenThroughAMapWorksAndEmptyPayloadsToo() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    cache.put(key("mapped"), Map.of(), channel -> {
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment m = channel.map(FileChannel.MapMode.READ_WRITE, 0, 4096, arena);
        m.fill((byte) 0x5A);
      }
    });
    cache.put(key("empty"), Map.of(), new byte[0]);
    try (CacheEntry e = cache.get(key("mapped")).orElseThrow()) {
      assertEquals(4096, e.payloadBytes());
      assertEquals((byte) 0x5A, e.payload().get(ValueLayout.JAVA_BYTE, 4095));
    }
    try (CacheEntry e = cache.get(key("empty")).orElseThrow()) {
      assertEquals(0, e.payloadBytes());
    }
  }

  @Test
  void aFailingWriterStoresNothing() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    assertThrows(IOException.class, () -> cache.put(key("a"), Map.of(), channel -> {
      channel.write(ByteBuffer.wrap(new byte[100]));
      throw new IOException("solver gave up");
    }));
    assertEquals(Optional.empty(), cache.get(key("a")));
    assertEquals(List.of(), entryAndTempFiles(root));
  }

  @Test
  void anEntryLargerThanTheCapIsRefusedAndNotStored() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 4096);
    cache.put(key("small"), Map.of(), new byte[100]);
    EntryTooLargeException e = assertThrows(EntryTooLargeException.class,
        () -> cache.put(key("big"), Map.of(), new byte[5000]));
    assertTrue(e.getMessage().contains("WORLDFX_CACHE_MAX_BYTES"), e.getMessage());
    assertTrue(cache.get(key("small")).isPresent(), "a refused entry evicts nothing");
    assertEquals(1, entryAndTempFiles(root).size());
  }

  @Test
  void rootAndCapComeFromTheEnvironment() throws IOException {
    Path override = root.resolve("elsewhere");
    assertEquals(override, SequenceCache.defaultRoot(Map.of("WORLDFX_CACHE", override.toString())));
    assertEquals(Path.of(System.getProperty("user.home"), ".worldfx", "cache"), SequenceCache.defaultRoot(Map.of()));
    assertEquals(Path.of(System.getProperty("user.home"), ".worldfx", "cache"),
        SequenceCache.defaultRoot(Map.of("WORLDFX_CACHE", " ")));

    SequenceCache cache = SequenceCache.open(SequenceCache.defaultRoot(Map.of("WORLDFX_CACHE", override.toString())),
        SequenceCache.defaultMaxBytes(Map.of()));
    cache.put(key("a"), Map.of(), new byte[] {1, 2});
    assertTrue(Files.exists(override.resolve(key("a").hex().substring(0, 2)).resolve(key("a").hex() + ".wfxc")));
    assertEquals(20L << 30, cache.maxBytes());

    assertEquals(50L << 30, SequenceCache.defaultMaxBytes(Map.of("WORLDFX_CACHE_MAX_BYTES", "50G")));
    assertEquals(512L << 20, SequenceCache.defaultMaxBytes(Map.of("WORLDFX_CACHE_MAX_BYTES", "512m")));
    assertEquals(123456, SequenceCache.defaultMaxBytes(Map.of("WORLDFX_CACHE_MAX_BYTES", "123456")));
    for (String bad : List.of("lots", "-5", "0", "5X", "99999999999T")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> SequenceCache.defaultMaxBytes(Map.of("WORLDFX_CACHE_MAX_BYTES", bad)), bad);
      assertTrue(e.getMessage().contains("WORLDFX_CACHE_MAX_BYTES=" + bad), e.getMessage());
    }
  }

  @Test
  void twoInstancesOnOneRootShareEntries() throws IOException {
    SequenceCache a = SequenceCache.open(root, 1 << 20);
    SequenceCache b = SequenceCache.open(root, 1 << 20);
    a.put(key("shot"), Map.of(), new byte[] {9, 8, 7});
    try (CacheEntry e = b.get(key("shot")).orElseThrow()) {
      assertArrayEquals(new byte[] {9, 8, 7}, e.payloadCopy());
    }
    assertFalse(b.list().isEmpty());
  }

  /** Entry files and temporary files under the root (lock files excluded). */
  static List<Path> entryAndTempFiles(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".lock")).sorted().toList();
    }
  }
}
