package dev.worldfx.inference.io;

import com.google.gson.stream.JsonWriter;
import dev.worldfx.inference.DType;
import dev.worldfx.inference.Tensor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Writes safetensors files atomically (never a half-written file, see {@link AtomicFiles}), in
 * the reference implementation's layout: tensors sorted by dtype, widest first, then by name,
 * packed back to back, and the header padded with spaces to a multiple of 8 bytes so every
 * tensor's data stays aligned to its element size in a mapping.
 */
public final class SafeTensorsWriter {
  private static final long CHUNK_BYTES = 64L << 20; // ByteBuffer views are int-sized

  private SafeTensorsWriter() {}

  /** Writes {@code tensors} (any strides; each kept in its own dtype) and {@code metadata} to {@code file}. */
  public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
    if (tensors.containsKey(SafeTensorsHeader.METADATA_KEY)) {
      throw new IllegalArgumentException("'" + SafeTensorsHeader.METADATA_KEY + "' is reserved and cannot name a tensor");
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors data is little-endian and this machine is not");
    }
    List<Map.Entry<String, Tensor>> ordered = new ArrayList<>(tensors.entrySet());
    ordered.sort(Comparator.<Map.Entry<String, Tensor>>comparingInt(e -> alignmentRank(e.getValue().dtype())).reversed()
        .thenComparing(Map.Entry::getKey));
    byte[] header = header(ordered, metadata);
    try (Arena scratch = Arena.ofConfined()) {
      AtomicFiles.write(file, channel -> {
        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        AtomicFiles.writeFully(channel, length);
        AtomicFiles.writeFully(channel, ByteBuffer.wrap(header));
        for (Map.Entry<String, Tensor> e : ordered) {
          writeData(channel, e.getValue(), scratch);
        }
      });
    }
  }

  /** The reference sorts by its dtype enum, where F32 > BF16 > F16. */
  private static int alignmentRank(DType dtype) {
    return switch (dtype) {
      case F32 -> 2;
      case BF16 -> 1;
      case F16 -> 0;
    };
  }

  private static byte[] header(List<Map.Entry<String, Tensor>> ordered, Map<String, String> metadata) {
    StringWriter text = new StringWriter();
    try (JsonWriter json = new JsonWriter(text)) {
      json.beginObject();
      if (!metadata.isEmpty()) {
        json.name(SafeTensorsHeader.METADATA_KEY).beginObject();
        for (Map.Entry<String, String> m : metadata.entrySet()) {
          json.name(m.getKey()).value(m.getValue());
        }
        json.endObject();
      }
      long offset = 0;
      for (Map.Entry<String, Tensor> e : ordered) {
        Tensor t = e.getValue();
        long bytes = t.numel() * t.dtype().byteSize();
        json.name(e.getKey()).beginObject();
        json.name("dtype").value(t.dtype().name());
        json.name("shape").beginArray();
        for (int d : t.shape()) {
          json.value(d);
        }
        json.endArray();
        json.name("data_offsets").beginArray().value(offset).value(offset + bytes).endArray();
        json.endObject();
        offset += bytes;
      }
      json.endObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (utf8.length + 7) / 8 * 8;
    byte[] out = Arrays.copyOf(utf8, padded);
    Arrays.fill(out, utf8.length, padded, (byte) ' ');
    return out;
  }

  private static void writeData(FileChannel channel, Tensor t, Arena scratch) throws IOException {
    // A strided view is first packed into a contiguous copy of the same dtype.
    Tensor packed = t.isContiguous() ? t : t.to(scratch, t.dtype());
    long size = t.dtype().byteSize();
    MemorySegment bytes = packed.data().asSlice(packed.offset() * size, packed.numel() * size);
    for (long at = 0; at < bytes.byteSize(); at += CHUNK_BYTES) {
      AtomicFiles.writeFully(channel, bytes.asSlice(at, Math.min(CHUNK_BYTES, bytes.byteSize() - at)).asByteBuffer());
    }
  }
}
