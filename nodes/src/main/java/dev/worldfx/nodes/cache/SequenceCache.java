package dev.worldfx.nodes.cache;

import dev.worldfx.nodes.proto.CacheEntryHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The content-addressed store of whole-shot solve results (DESIGN.md §4), shared by every
 * thread, instance and process that opens the same root. Entry files live at
 * {@code <root>/<first 2 hex digits>/<key hex>.wfxc} (layout in {@link EntryFile}).
 *
 * <p>Writes go to a temporary file in the entry's folder, are forced to disk and renamed over
 * the entry, so readers see the old entry, the new one or none, never a partial one; of two
 * writers of one key the last rename wins and both succeed. Every read checks the header CRC and
 * the payload SHA-256; an entry that fails is deleted and reported as a miss. The total size is
 * capped: after each put the least recently used entries (file mtime, set on put and on every
 * hit) are unlinked until the cache fits. The state lives only on disk, so several processes can
 * share a root; each put scans the root's folders to size it, which costs a directory listing.
 */
public final class SequenceCache {
  public static final String ROOT_ENV = "WORLDFX_CACHE";
  public static final String MAX_BYTES_ENV = "WORLDFX_CACHE_MAX_BYTES";
  public static final long DEFAULT_MAX_BYTES = 20L << 30;

  private static final Logger LOG = Logger.getLogger(SequenceCache.class.getName());
  private static final String ENTRY_SUFFIX = ".wfxc";
  private static final String TEMP_SUFFIX = ".tmp";
  private static final Pattern ENTRY_NAME = Pattern.compile("[0-9a-f]{64}\\.wfxc");
  private static final Pattern SHARD_NAME = Pattern.compile("[0-9a-f]{2}");
  /** A temp file this old belongs to a writer that died; live writers finish in far less. */
  private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

  private final Path root;
  private final long maxBytes;
  private final InstantSource clock;
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong misses = new AtomicLong();
  private final AtomicLong corruptDiscarded = new AtomicLong();
  private final AtomicLong evicted = new AtomicLong();

  private SequenceCache(Path root, long maxBytes, InstantSource clock) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("the sequence cache cap must be positive, got " + maxBytes + " bytes");
    }
    this.root = root.toAbsolutePath().normalize();
    this.maxBytes = maxBytes;
    this.clock = clock;
  }

  public static SequenceCache open(Path root, long maxBytes) throws IOException {
    return open(root, maxBytes, InstantSource.system());
  }

  /** With a clock of the caller's choice, so tests can order accesses exactly. */
  static SequenceCache open(Path root, long maxBytes, InstantSource clock) throws IOException {
    Files.createDirectories(root);
    return new SequenceCache(root, maxBytes, clock);
  }

  /** The cache this process's environment selects ({@value #ROOT_ENV}, {@value #MAX_BYTES_ENV}). */
  public static SequenceCache openDefault() throws IOException {
    return open(defaultRoot(System.getenv()), defaultMaxBytes(System.getenv()));
  }

  /** {@value #ROOT_ENV} if set, else {@code ~/.worldfx/cache}. */
  public static Path defaultRoot(Map<String, String> env) {
    String override = env.get(ROOT_ENV);
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    return Path.of(System.getProperty("user.home"), ".worldfx", "cache");
  }

  /** {@value #MAX_BYTES_ENV} (bytes, or with a binary suffix K, M, G or T: "50G") if set, else 20 GiB. */
  public static long defaultMaxBytes(Map<String, String> env) {
    String text = env.get(MAX_BYTES_ENV);
    if (text == null || text.isBlank()) {
      return DEFAULT_MAX_BYTES;
    }
    long value = parseSize(MAX_BYTES_ENV + "=" + text, text);
    if (value == 0) {
      throw new IllegalArgumentException(MAX_BYTES_ENV + "=" + text + " is not a positive size");
    }
    return value;
  }

  /** A size in bytes, or with a binary suffix K, M, G or T ("50G"); {@code what} names it in errors. */
  public static long parseSize(String what, String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    int shift = t.isEmpty() ? 0 : switch (t.charAt(t.length() - 1)) {
      case 'K' -> 10;
      case 'M' -> 20;
      case 'G' -> 30;
      case 'T' -> 40;
      default -> 0;
    };
    String digits = shift == 0 ? t : t.substring(0, t.length() - 1);
    try {
      long value = Long.parseLong(digits);
      if (value < 0 || value > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException("out of range");
      }
      return value << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " is not a size; write bytes or a number with K, M, G or T, e.g. 50G", e);
    }
  }

  public Path root() {
    return root;
  }

  public long maxBytes() {
    return maxBytes;
  }

  /** The verified entry, or empty on a miss; a corrupt entry is deleted and counts as a miss. Close the entry. */
  public Optional<CacheEntry> get(CacheKey key) throws IOException {
    Path file = entryPath(key);
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      misses.incrementAndGet();
      return Optional.empty();
    }
    try (channel) {
      Arena arena = Arena.ofShared();
      try {
        CacheEntryHeader header = EntryFile.readHeader(channel);
        if (!Arrays.equals(header.getKey().toByteArray(), key.digest())) {
          throw new CorruptEntryException("holds the entry of another key");
        }
        MemorySegment payload = EntryFile.mapVerifiedPayload(channel, header, arena);
        touch(file);
        hits.incrementAndGet();
        return Optional.of(new CacheEntry(key, header, payload, arena));
      } catch (CorruptEntryException e) {
        arena.close();
        discard(file, e);
        misses.incrementAndGet();
        return Optional.empty();
      } catch (IOException | RuntimeException | Error e) {
        arena.close();
        throw e;
      }
    }
  }

  /** Stores a payload held in memory; see {@link #put(CacheKey, Map, PayloadWriter)}. */
  public CacheEntryInfo put(CacheKey key, Map<String, String> metadata, byte[] payload) throws IOException {
    return put(key, metadata, channel -> {
      ByteBuffer buf = ByteBuffer.wrap(payload);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
    });
  }

  /**
   * Stores the payload the writer produces under {@code key}, replacing an existing entry, then
   * evicts least recently used entries until the cache fits its cap again.
   *
   * @throws EntryTooLargeException if this one entry is larger than the whole cap (nothing is stored)
   */
  public CacheEntryInfo put(CacheKey key, Map<String, String> metadata, PayloadWriter writer) throws IOException {
    Path target = entryPath(key);
    Path dir = Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(dir, "." + key.hex() + ".", TEMP_SUFFIX);
    boolean moved = false;
    try {
      long createdMillis = clock.millis();
      CacheEntryHeader header;
      long fileBytes;
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        writer.write(channel);
        header = EntryFile.finish(channel, key, metadata, createdMillis);
        fileBytes = channel.size();
        if (fileBytes > maxBytes) {
          throw new EntryTooLargeException(key, fileBytes, maxBytes);
        }
        channel.force(true);
      }
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        // Temp files are created owner-only; entries are readable by every user of a shared cache.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      FileTime now = FileTime.from(clock.instant());
      Files.setLastModifiedTime(tmp, now);
      // No fsync of the folder: an entry lost in a crash is only a miss, solved again.
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
      evictBeyond(maxBytes, target);
      return new CacheEntryInfo(key, key.nodeId(), Instant.ofEpochMilli(createdMillis), now.toInstant(),
          header.getPayloadLength(), fileBytes, header.getMetadataMap());
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** Every entry whose header checks out, least recently used first; entries with a bad header are deleted. */
  public List<CacheEntryInfo> list() throws IOException {
    List<CacheEntryInfo> infos = new ArrayList<>();
    for (Stored s : scan()) {
      try (FileChannel channel = FileChannel.open(s.file, StandardOpenOption.READ)) {
        CacheEntryHeader h = EntryFile.readHeader(channel);
        CacheKey key = CacheKey.fromDigest(h.getKey().toByteArray(), h.getNodeId());
        infos.add(new CacheEntryInfo(key, h.getNodeId(), Instant.ofEpochMilli(h.getCreatedUnixMillis()),
            s.lastAccess.toInstant(), h.getPayloadLength(), s.bytes, h.getMetadataMap()));
      } catch (NoSuchFileException e) {
        continue; // evicted or discarded by someone else since the scan
      } catch (CorruptEntryException e) {
        discard(s.file, e);
      }
    }
    return infos;
  }

  /**
   * Checks every entry completely (header, file name against key, payload checksum), deletes
   * corrupt ones and temporary files left by writers that died. Does not count as access.
   */
  public VerifyReport verify() throws IOException {
    int checked = 0;
    List<String> removed = new ArrayList<>();
    for (Stored s : scan()) {
      try (FileChannel channel = FileChannel.open(s.file, StandardOpenOption.READ); Arena arena = Arena.ofConfined()) {
        checked++;
        try {
          CacheEntryHeader h = EntryFile.readHeader(channel);
          String expected = CacheKey.fromDigest(h.getKey().toByteArray(), h.getNodeId()).hex() + ENTRY_SUFFIX;
          if (!s.file.getFileName().toString().equals(expected)) {
            throw new CorruptEntryException("holds the entry of another key");
          }
          EntryFile.mapVerifiedPayload(channel, h, arena);
        } catch (CorruptEntryException e) {
          discard(s.file, e);
          removed.add(root.relativize(s.file) + ": " + e.getMessage());
        }
      } catch (NoSuchFileException e) {
        continue; // evicted or discarded by someone else since the scan
      }
    }
    return new VerifyReport(checked, List.copyOf(removed), removeStaleTemps());
  }

  /**
   * Removes the entry whose key has these 64 hex digits ({@link CacheKey#hex}); false when there is
   * none. A reader that has it open keeps its bytes until it closes them.
   */
  public boolean remove(String keyHex) throws IOException {
    if (!keyHex.matches("[0-9a-f]{64}")) {
      throw new IllegalArgumentException("a cache key is 64 lower-case hex digits, not '" + keyHex + "'");
    }
    return Files.deleteIfExists(root.resolve(keyHex.substring(0, 2)).resolve(keyHex + ENTRY_SUFFIX));
  }

  /** Evicts least recently used entries until at most {@code maxBytes} remain; returns the bytes freed. */
  public long prune(long maxBytes) throws IOException {
    return evictBeyond(maxBytes, null);
  }

  public CacheStats stats() throws IOException {
    List<Stored> stored = scan();
    long bytes = stored.stream().mapToLong(Stored::bytes).sum();
    return new CacheStats(stored.size(), bytes, maxBytes, hits.get(), misses.get(), corruptDiscarded.get(), evicted.get());
  }

  /**
   * Runs {@code solve} while holding the exclusive solve lock of {@code key}, so two threads or
   * processes never solve the same shot at once. The lock ({@code <key hex>.lock} beside the
   * entry, an OS file lock) is released when {@code solve} returns or throws, and by the OS if
   * the process dies. Call {@link #get} again inside: another holder may have stored the result
   * while this one waited. Not reentrant for the same key.
   */
  public <T> T withSolveLock(CacheKey key, Callable<T> solve) throws Exception {
    Path lockFile = root.resolve(key.hex().substring(0, 2)).resolve(key.hex() + ".lock");
    Files.createDirectories(lockFile.getParent());
    return SolveLocks.withLock(lockFile, solve);
  }

  Path entryPath(CacheKey key) {
    String hex = key.hex();
    return root.resolve(hex.substring(0, 2)).resolve(hex + ENTRY_SUFFIX);
  }

  private record Stored(Path file, long bytes, FileTime lastAccess) {}

  /** Entry files under the root now, least recently used first (ties by name, so the order is deterministic). */
  private List<Stored> scan() throws IOException {
    List<Stored> stored = new ArrayList<>();
    for (Path file : shardFiles()) {
      if (!ENTRY_NAME.matcher(file.getFileName().toString()).matches()) {
        continue;
      }
      try {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        stored.add(new Stored(file, a.size(), a.lastModifiedTime()));
      } catch (NoSuchFileException e) {
        continue; // evicted or discarded by someone else since the listing
      }
    }
    stored.sort(Comparator.comparing(Stored::lastAccess).thenComparing(Stored::file));
    return stored;
  }

  /** Every file in the root's two-hex-digit folders (entries, lock files, writers' temp files). */
  private List<Path> shardFiles() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path shard : children(root)) {
      if (SHARD_NAME.matcher(shard.getFileName().toString()).matches() && Files.isDirectory(shard)) {
        files.addAll(children(shard));
      }
    }
    return files;
  }

  private static List<Path> children(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      stream.forEach(out::add);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  /** Unlinks least recently used entries, never {@code keep}, until at most {@code cap} bytes remain. */
  private long evictBeyond(long cap, Path keep) throws IOException {
    List<Stored> stored = scan();
    long total = stored.stream().mapToLong(Stored::bytes).sum();
    long freed = 0;
    for (Stored s : stored) {
      if (total <= cap) {
        break;
      }
      if (s.file.equals(keep)) {
        continue;
      }
      // Unlink only: a reader that has the entry mapped keeps its bytes until it closes them.
      if (Files.deleteIfExists(s.file)) {
        evicted.incrementAndGet();
        freed += s.bytes;
      }
      total -= s.bytes; // gone either way, whether this process or another removed it
    }
    return freed;
  }

  /**
   * Deletes a corrupt entry. If a writer renamed a good entry over it in the same instant, that
   * one goes too; the cost is one more solve, never a wrong read.
   */
  private void discard(Path file, CorruptEntryException why) throws IOException {
    LOG.warning("sequence cache: discarding corrupt entry " + file + ": " + why.getMessage());
    if (Files.deleteIfExists(file)) {
      corruptDiscarded.incrementAndGet();
    }
  }

  /** Marks an entry as just used, for LRU eviction. */
  private void touch(Path file) throws IOException {
    try {
      Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
    } catch (NoSuchFileException | AccessDeniedException e) {
      // Evicted since it was opened, or a shared cache entry owned by another user: the read stands.
      return;
    }
  }

  private int removeStaleTemps() throws IOException {
    int removed = 0;
    FileTime staleBefore = FileTime.from(clock.instant().minus(STALE_TEMP_AGE));
    for (Path file : shardFiles()) {
      String name = file.getFileName().toString();
      try {
        if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX)
            && Files.getLastModifiedTime(file).compareTo(staleBefore) < 0 && Files.deleteIfExists(file)) {
          removed++;
        }
      } catch (NoSuchFileException e) {
        continue;
      }
    }
    return removed;
  }
}
