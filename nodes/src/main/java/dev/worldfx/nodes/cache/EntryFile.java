package dev.worldfx.nodes.cache;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.worldfx.nodes.proto.CacheEntryHeader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The layout of one entry file: {@code payload | CacheEntryHeader | trailer}, trailer = u32 BE
 * header length, u32 BE CRC32C of the header bytes, "WFXCACHE". The payload comes first so a
 * streaming writer can fill it before its length and checksum are known, and so it starts
 * page-aligned for memory-mapped float planes. Any truncation breaks the trailer or the length
 * check; any flipped byte breaks the CRC (header) or the SHA-256 (payload).
 */
final class EntryFile {
  private EntryFile() {}

  static final int FORMAT_VERSION = 1;
  static final int TRAILER_BYTES = 16;
  private static final byte[] MAGIC = "WFXCACHE".getBytes(StandardCharsets.US_ASCII);
  /** Metadata is a few labels; a larger header length means a damaged trailer, not a real header. */
  private static final int MAX_HEADER_BYTES = 1 << 20;
  /** Hash in windows so payloads over 2 GiB (the ByteBuffer limit) work too. */
  private static final long HASH_WINDOW_BYTES = 64L << 20;

  /** Appends header and trailer after the payload the channel holds in [0, size). */
  static CacheEntryHeader finish(FileChannel channel, CacheKey key, Map<String, String> metadata, long createdMillis)
      throws IOException {
    long payloadBytes = channel.size();
    MemorySegment payload;
    byte[] sha;
    try (Arena arena = Arena.ofConfined()) {
      payload = channel.map(FileChannel.MapMode.READ_ONLY, 0, payloadBytes, arena);
      sha = sha256(payload);
    }
    CacheEntryHeader header = CacheEntryHeader.newBuilder()
        .setFormatVersion(FORMAT_VERSION)
        .setKey(ByteString.copyFrom(key.digest()))
        .setCreatedUnixMillis(createdMillis)
        .setPayloadLength(payloadBytes)
        .setPayloadSha256(ByteString.copyFrom(sha))
        .setNodeId(key.nodeId())
        .putAllMetadata(metadata)
        .build();
    byte[] headerBytes = header.toByteArray();
    if (headerBytes.length > MAX_HEADER_BYTES) {
      throw new IllegalArgumentException("cache entry metadata of " + key + " is " + headerBytes.length
          + " bytes; keep it under " + MAX_HEADER_BYTES + " (put bulk data in the payload)");
    }
    ByteBuffer tail = ByteBuffer.allocate(headerBytes.length + TRAILER_BYTES)
        .put(headerBytes).putInt(headerBytes.length).putInt(crc32c(headerBytes)).put(MAGIC).flip();
    long position = payloadBytes;
    while (tail.hasRemaining()) {
      position += channel.write(tail, position);
    }
    return header;
  }

  /** Reads and checks the trailer and header (not the payload). */
  static CacheEntryHeader readHeader(FileChannel channel) throws IOException, CorruptEntryException {
    long fileBytes = channel.size();
    if (fileBytes < TRAILER_BYTES) {
      throw new CorruptEntryException("file of " + fileBytes + " bytes is shorter than its trailer");
    }
    ByteBuffer trailer = readAt(channel, fileBytes - TRAILER_BYTES, TRAILER_BYTES);
    int headerBytes = trailer.getInt();
    int crc = trailer.getInt();
    byte[] magic = new byte[MAGIC.length];
    trailer.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CorruptEntryException("trailer magic is missing (truncated or not a cache entry)");
    }
    if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES || headerBytes > fileBytes - TRAILER_BYTES) {
      throw new CorruptEntryException("header length " + headerBytes + " does not fit a file of " + fileBytes + " bytes");
    }
    long payloadBytes = fileBytes - TRAILER_BYTES - headerBytes;
    byte[] raw = readAt(channel, payloadBytes, headerBytes).array();
    if (crc32c(raw) != crc) {
      throw new CorruptEntryException("header checksum mismatch");
    }
    CacheEntryHeader header;
    try {
      header = CacheEntryHeader.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new CorruptEntryException("header does not parse: " + e.getMessage());
    }
    if (header.getFormatVersion() != FORMAT_VERSION) {
      throw new CorruptEntryException("format version " + header.getFormatVersion() + ", this build reads " + FORMAT_VERSION);
    }
    if (header.getPayloadLength() != payloadBytes) {
      throw new CorruptEntryException("header says " + header.getPayloadLength() + " payload bytes, file holds " + payloadBytes);
    }
    if (header.getKey().size() != CacheKey.DIGEST_BYTES || header.getPayloadSha256().size() != CacheKey.DIGEST_BYTES) {
      throw new CorruptEntryException("header key or payload checksum is not a SHA-256");
    }
    return header;
  }

  /** Maps the payload read-only into {@code arena} after checking its SHA-256 against the header. */
  static MemorySegment mapVerifiedPayload(FileChannel channel, CacheEntryHeader header, Arena arena)
      throws IOException, CorruptEntryException {
    MemorySegment payload = channel.map(FileChannel.MapMode.READ_ONLY, 0, header.getPayloadLength(), arena);
    byte[] actual = sha256(payload);
    if (!Arrays.equals(actual, header.getPayloadSha256().toByteArray())) {
      throw new CorruptEntryException("payload checksum mismatch (expected "
          + HexFormat.of().formatHex(header.getPayloadSha256().toByteArray()) + ", got " + HexFormat.of().formatHex(actual) + ")");
    }
    return payload.asReadOnly();
  }

  private static byte[] sha256(MemorySegment bytes) {
    MessageDigest md = CacheKey.newSha256();
    for (long offset = 0; offset < bytes.byteSize(); offset += HASH_WINDOW_BYTES) {
      md.update(bytes.asSlice(offset, Math.min(HASH_WINDOW_BYTES, bytes.byteSize() - offset)).asByteBuffer());
    }
    return md.digest();
  }

  private static int crc32c(byte[] bytes) {
    CRC32C crc = new CRC32C();
    crc.update(bytes);
    return (int) crc.getValue();
  }

  private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(length);
    while (buf.hasRemaining()) {
      int n = channel.read(buf, position + buf.position());
      if (n < 0) {
        throw new IOException("entry file ended while reading it (replaced or truncated concurrently)");
      }
    }
    return buf.flip();
  }
}
