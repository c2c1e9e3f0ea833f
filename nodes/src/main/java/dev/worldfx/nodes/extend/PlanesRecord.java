package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.cache.CacheEntry;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/** A predicted frame in the sequence cache: little-endian magic "WFXP", format, C, H, W, then the float planes. */
public final class PlanesRecord {
  private PlanesRecord() {}

  private static final int MAGIC = 0x50584657; // "WFXP" read little-endian
  private static final int FORMAT = 1;
  private static final int HEADER = 5 * Integer.BYTES;

  public static byte[] encode(ImagePlanes p) {
    ByteBuffer b = ByteBuffer.allocate(HEADER + 4 * p.data().length).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(FORMAT).putInt(p.channels()).putInt(p.height()).putInt(p.width());
    b.asFloatBuffer().put(p.data());
    return b.array();
  }

  /** The frame stored under {@code key}; empty when there is none or it does not decode. */
  public static Optional<ImagePlanes> read(SequenceCache store, CacheKey key) throws IOException {
    Optional<CacheEntry> entry = store.get(key);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    try (CacheEntry e = entry.get()) {
      return Optional.of(decode(e.payload()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The record, or IllegalArgumentException when it does not add up. */
  public static ImagePlanes decode(MemorySegment s) {
    if (s.byteSize() < HEADER) {
      throw new IllegalArgumentException("predicted-frame record shorter than its header");
    }
    ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    int c = s.get(i32, 8), h = s.get(i32, 12), w = s.get(i32, 16);
    if (s.get(i32, 0) != MAGIC || s.get(i32, 4) != FORMAT || c < 1 || h < 1 || w < 1
        || s.byteSize() != HEADER + 4L * c * h * w) {
      throw new IllegalArgumentException("not a predicted-frame record of format " + FORMAT);
    }
    float[] d = new float[c * h * w];
    MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), HEADER, d, 0, d.length);
    return new ImagePlanes(c, h, w, d);
  }
}
