package dev.worldfx.nodes.cache;

import static dev.worldfx.nodes.cache.SequenceCacheTest.key;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.worldfx.nodes.proto.CacheEntryHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damaged entries are deleted and reported as misses, never returned. */
class CacheCorruptionTest {
  @TempDir
  Path root;

  private static final byte[] PAYLOAD = "forty bytes of a solved shot, roughly...".getBytes(StandardCharsets.US_ASCII);

  private SequenceCache cacheWithOneEntry() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    cache.put(key("a"), Map.of("layout", "bytes"), PAYLOAD);
    return cache;
  }

  /** Puts {@code damaged} where entry "a" lives; reading it must miss and delete it. */
  private static void assertDiscarded(SequenceCache cache, byte[] damaged, String what) throws IOException {
    Path file = cache.entryPath(key("a"));
    Files.write(file, damaged);
    assertEquals(Optional.empty(), cache.get(key("a")), what);
    assertFalse(Files.exists(file), what + ": the entry was deleted");
  }

  @Test
  void everyTruncationIsAMissAndDeletesTheEntry() throws IOException {
    SequenceCache cache = cacheWithOneEntry();
    byte[] good = Files.readAllBytes(cache.entryPath(key("a")));
    for (int length = 0; length < good.length; length++) {
      assertDiscarded(cache, Arrays.copyOf(good, length), "truncated to " + length + " of " + good.length);
    }
    assertEquals(good.length, cache.stats().corruptDiscarded());
  }

  @Test
  void everyFlippedByteIsAMissAndDeletesTheEntry() throws IOException {
    SequenceCache cache = cacheWithOneEntry();
    Path file = cache.entryPath(key("a"));
    byte[] good = Files.readAllBytes(file);
    for (int i = 0; i < good.length; i++) {
      byte[] bad = good.clone();
      bad[i] ^= (byte) 0x40;
      assertDiscarded(cache, bad, "byte " + i + " of " + good.length + " flipped");
    }
    Files.write(file, good);
    try (CacheEntry e = cache.get(key("a")).orElseThrow()) {
      assertArrayEquals(PAYLOAD, e.payloadCopy(), "the undamaged bytes still read back");
    }
  }

  /** An entry of another format version, with every checksum right, is still discarded. */
  @Test
  void otherFormatVersionIsAMiss() throws IOException {
    SequenceCache cache = SequenceCache.open(root, 1 << 20);
    Path file = cache.entryPath(key("a"));
    Files.createDirectories(file.getParent());
    Files.write(file, entryBytes(2, key("a"), PAYLOAD));
    assertEquals(Optional.empty(), cache.get(key("a")));
    assertFalse(Files.exists(file));

    Files.write(file, entryBytes(1, key("a"), PAYLOAD)); // the same bytes at version 1 are a valid entry
    try (CacheEntry e = cache.get(key("a")).orElseThrow()) {
      assertArrayEquals(PAYLOAD, e.payloadCopy());
    }
  }

  @Test
  void anEntryFiledUnderTheWrongKeyIsAMiss() throws IOException {
    SequenceCache cache = cacheWithOneEntry();
    Path wrong = cache.entryPath(key("b"));
    Files.createDirectories(wrong.getParent());
    Files.copy(cache.entryPath(key("a")), wrong);
    assertEquals(Optional.empty(), cache.get(key("b")));
    assertFalse(Files.exists(wrong));
    assertTrue(cache.get(key("a")).isPresent());
  }

  @Test
  void verifyRemovesCorruptEntriesAndStaleTempFilesOnly() throws IOException {
    Instant now = Instant.parse("2026-05-01T12:00:00Z");
    SequenceCache cache = SequenceCache.open(root, 1 << 20, () -> now);
    for (String k : List.of("a", "b", "c")) {
      cache.put(key(k), Map.of(), PAYLOAD);
    }
    Path damaged = cache.entryPath(key("b"));
    byte[] bytes = Files.readAllBytes(damaged);
    bytes[3] ^= 1;
    Files.write(damaged, bytes);
    Path dir = cache.entryPath(key("a")).getParent();
    Path stale = Files.write(dir.resolve(".deadwriter.123.tmp"), new byte[10]);
    Files.setLastModifiedTime(stale, FileTime.from(now.minus(Duration.ofHours(2))));
    Path live = Files.write(dir.resolve(".livewriter.456.tmp"), new byte[10]);
    Files.setLastModifiedTime(live, FileTime.from(now.minus(Duration.ofMinutes(5))));

    VerifyReport report = cache.verify();
    assertEquals(3, report.checked());
    assertEquals(2, report.ok());
    assertEquals(1, report.corruptRemoved().size());
    assertTrue(report.corruptRemoved().getFirst().contains("payload checksum mismatch"), report.toString());
    assertEquals(1, report.staleTempFilesRemoved());
    assertFalse(Files.exists(damaged));
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(live), "a writer still at work keeps its temp file");
    assertEquals(2, cache.list().size());
  }

  /** Builds an entry file by the documented layout, independently of EntryFile. */
  private static byte[] entryBytes(int version, CacheKey key, byte[] payload) {
    byte[] header = CacheEntryHeader.newBuilder()
        .setFormatVersion(version)
        .setKey(ByteString.copyFrom(key.digest()))
        .setPayloadLength(payload.length)
        .setPayloadSha256(ByteString.copyFrom(CacheKey.sha256(payload)))
        .setNodeId(key.nodeId())
        .build().toByteArray();
    CRC32C crc = new CRC32C();
    crc.update(header);
    return ByteBuffer.allocate(payload.length + header.length + 16)
        .put(payload).put(header).putInt(header.length).putInt((int) crc.getValue())
        .put("WFXCACHE".getBytes(StandardCharsets.US_ASCII)).array();
  }
}
