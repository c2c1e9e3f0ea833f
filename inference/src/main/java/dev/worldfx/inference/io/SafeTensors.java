package dev.worldfx.inference.io;

import dev.worldfx.inference.Tensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file (https://github.com/huggingface/safetensors) mapped read-only: an 8-byte
 * little-endian header length N, N bytes of JSON header, then the data area. The header is
 * validated in full before any tensor is handed out, so every tensor is a bounds-checked,
 * zero-copy view of the mapping. Tensors live as long as the arena the file was mapped into;
 * they are read-only (writing to one throws).
 */
public final class SafeTensors {
  /** The reference implementation's cap; a larger header is corrupt, not a model. */
  static final long MAX_HEADER_BYTES = 100_000_000;
  private static final ValueLayout.OfLong U64_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Path file;
  private final SafeTensorsHeader header;
  private final MemorySegment data;

  private SafeTensors(Path file, SafeTensorsHeader header, MemorySegment data) {
    this.file = file;
    this.header = header;
    this.data = data;
  }

  /** Maps {@code file} into {@code arena} and validates it; the mapping ends when the arena closes. */
  public static SafeTensors open(Path file, Arena arena) throws IOException {
    return parse(file, map(file, arena));
  }

  static MemorySegment map(Path file, Arena arena) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
    }
  }

  /** Validates a whole file's bytes, already in memory; {@code file} names it in errors. */
  static SafeTensors parse(Path file, MemorySegment bytes) throws ModelFileException {
    // Tensor reads elements in native order and safetensors data is little-endian.
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new ModelFileException(file, "safetensors data is little-endian and this machine is not");
    }
    long size = bytes.byteSize();
    if (size < 8) {
      throw new ModelFileException(file, "only " + size + " bytes, shorter than the 8-byte header length");
    }
    long headerBytes = bytes.get(U64_LE, 0);
    if (headerBytes < 0 || headerBytes > MAX_HEADER_BYTES) {
      throw new ModelFileException(file, "header length " + Long.toUnsignedString(headerBytes) + " is above the "
          + MAX_HEADER_BYTES + "-byte cap: corrupt or not a safetensors file");
    }
    if (8 + headerBytes > size) {
      throw new ModelFileException(file, "header length " + headerBytes + " runs past the end of the " + size
          + "-byte file: truncated or not a safetensors file");
    }
    String json;
    try {
      json = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(bytes.asSlice(8, headerBytes).asByteBuffer())
          .toString();
    } catch (CharacterCodingException e) {
      throw new ModelFileException(file, "header is not UTF-8", e);
    }
    MemorySegment data = bytes.asSlice(8 + headerBytes);
    try {
      return new SafeTensors(file, SafeTensorsHeader.parse(json, data.byteSize()), data);
    } catch (SafeTensorsHeader.Invalid e) {
      throw new ModelFileException(file, e.getMessage(), e);
    }
  }

  /** Tensor names in header order. */
  public Set<String> names() {
    return header.tensors().keySet();
  }

  public boolean contains(String name) {
    return header.tensors().containsKey(name);
  }

  /** The free-form string map stored under {@code __metadata__} (empty if none). */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** A zero-copy view of the named tensor in its stored dtype (call {@code toF32} before compute). */
  public Tensor tensor(String name) {
    SafeTensorsHeader.Entry e = header.tensors().get(name);
    if (e == null) {
      throw new IllegalArgumentException(file + " has no tensor '" + name + "' (it has " + names().size() + ": "
          + abbreviated(names()) + ")");
    }
    return Tensor.wrap(data.asSlice(e.begin(), e.end() - e.begin()), e.dtype(), e.shape());
  }

  private static String abbreviated(Set<String> names) {
    String all = String.join(", ", names);
    return all.length() <= 200 ? all : all.substring(0, 200) + "...";
  }

  @Override
  public String toString() {
    return "SafeTensors[" + file + ", " + names().size() + " tensors]";
  }
}
