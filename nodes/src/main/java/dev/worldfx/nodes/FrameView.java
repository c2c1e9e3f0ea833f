package dev.worldfx.nodes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A window onto image memory owned by someone else (the host, or an arena of ours):
 * pixel (x, y) lives at {@code origin + (y - bounds.y1) * rowBytes + (x - bounds.x1) * bytesPerPixel}.
 * rowBytes may be negative (MLT hands bottom-up buffers), so the segment spans the rows
 * in memory order and {@code originOffset} says where row y1 starts.
 */
public final class FrameView {
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private final MemorySegment memory;
  private final long originOffset;
  private final long rowBytes;
  private final RectI bounds;
  private final PixelDepth depth;
  private final Components components;
  private final int bytesPerPixel;

  private FrameView(MemorySegment memory, long originOffset, long rowBytes, RectI bounds, PixelDepth depth,
                    Components components) {
    this.memory = memory;
    this.originOffset = originOffset;
    this.rowBytes = rowBytes;
    this.bounds = bounds;
    this.depth = depth;
    this.components = components;
    this.bytesPerPixel = depth.bytesPerChannel() * components.channels();
  }

  /**
   * Wraps memory whose pixel (bounds.x1, bounds.y1) is at {@code origin}. The caller vouches
   * that every row exists; we only check that a row fits in |rowBytes|.
   */
  public static FrameView wrap(MemorySegment origin, RectI bounds, long rowBytes, PixelDepth depth, Components components) {
    long rowLength = (long) bounds.width() * depth.bytesPerChannel() * components.channels();
    if (bounds.isEmpty()) {
      return new FrameView(MemorySegment.NULL, 0, rowBytes, bounds, depth, components);
    }
    if (origin.equals(MemorySegment.NULL)) {
      throw new MissingInputException("the image has no pixel data");
    }
    if (Math.abs(rowBytes) < rowLength) {
      throw new UnsupportedPixelsException("rowBytes " + rowBytes + " is smaller than a row of " + rowLength + " bytes");
    }
    long lastRow = (long) (bounds.height() - 1) * rowBytes;
    long low = Math.min(0, lastRow);
    long high = Math.max(0, lastRow) + rowLength;
    MemorySegment span = MemorySegment.ofAddress(origin.address() + low).reinterpret(high - low);
    return new FrameView(span, -low, rowBytes, bounds, depth, components);
  }

  /** A zeroed image of ours, top row first in memory (positive rowBytes). */
  public static FrameView allocate(Arena arena, RectI bounds, PixelDepth depth, Components components) {
    long rowBytes = (long) bounds.width() * depth.bytesPerChannel() * components.channels();
    MemorySegment seg = arena.allocate(Math.max(1, rowBytes * bounds.height()), 16);
    return new FrameView(seg, 0, rowBytes, bounds, depth, components);
  }

  public RectI bounds() {
    return bounds;
  }

  public PixelDepth depth() {
    return depth;
  }

  public Components components() {
    return components;
  }

  public long rowBytes() {
    return rowBytes;
  }

  public boolean sameFormat(FrameView o) {
    return depth == o.depth && components == o.components;
  }

  private long offset(int x, int y) {
    return originOffset + (long) (y - bounds.y1()) * rowBytes + (long) (x - bounds.x1()) * bytesPerPixel;
  }

  /** Channel c at (x, y) as a float (8/16-bit normalised to [0,1]); 0 outside the bounds. */
  public float sample(int x, int y, int c) {
    if (!bounds.contains(x, y)) {
      return 0f;
    }
    long off = offset(x, y) + (long) c * depth.bytesPerChannel();
    return switch (depth) {
      case BYTE -> (memory.get(ValueLayout.JAVA_BYTE, off) & 0xFF) / 255f;
      case SHORT -> (memory.get(SHORT, off) & 0xFFFF) / 65535f;
      case FLOAT -> memory.get(FLOAT, off);
      case HALF -> throw new UnsupportedPixelsException("half-float pixels are not supported");
    };
  }

  /** The matte value of a pixel: the only channel of Alpha images, else the alpha channel. */
  public float alpha(int x, int y) {
    return switch (components) {
      case ALPHA -> sample(x, y, 0);
      case RGBA -> sample(x, y, 3);
      case RGB -> bounds.contains(x, y) ? 1f : 0f;
    };
  }

  /** Stores channel c; 8/16-bit values are clamped to [0,1] and rounded half up. */
  public void store(int x, int y, int c, float v) {
    long off = offset(x, y) + (long) c * depth.bytesPerChannel();
    switch (depth) {
      case BYTE -> memory.set(ValueLayout.JAVA_BYTE, off, (byte) (int) Math.floor(clamp01(v) * 255f + 0.5f));
      case SHORT -> memory.set(SHORT, off, (short) (int) Math.floor(clamp01(v) * 65535f + 0.5f));
      case FLOAT -> memory.set(FLOAT, off, v);
      case HALF -> throw new UnsupportedPixelsException("half-float pixels are not supported");
    }
  }

  /** Copies channel c of the same-format {@code src} at (x, y) bit for bit (0 outside its bounds). */
  public void copyChannelFrom(FrameView src, int x, int y, int c) {
    int n = depth.bytesPerChannel();
    long dst = offset(x, y) + (long) c * n;
    if (src.bounds.contains(x, y)) {
      MemorySegment.copy(src.memory, src.offset(x, y) + (long) c * n, memory, dst, n);
    } else {
      memory.asSlice(dst, n).fill((byte) 0);
    }
  }

  /** Copies pixels [x0, x1) of row y from the same-format {@code src} bit for bit; 0 outside its bounds. */
  public void copyRowFrom(FrameView src, int y, int x0, int x1) {
    if (x1 <= x0) {
      return;
    }
    // [a, b) is the part src covers; with no overlap it is empty at x1 so the row is zeroed.
    int a = x1;
    int b = x1;
    if (y >= src.bounds.y1() && y < src.bounds.y2()) {
      int lo = Math.max(x0, src.bounds.x1());
      int hi = Math.min(x1, src.bounds.x2());
      if (hi > lo) {
        a = lo;
        b = hi;
        MemorySegment.copy(src.memory, src.offset(a, y), memory, offset(a, y), (long) (b - a) * bytesPerPixel);
      }
    }
    if (a > x0) {
      memory.asSlice(offset(x0, y), (long) (a - x0) * bytesPerPixel).fill((byte) 0);
    }
    if (x1 > b) {
      memory.asSlice(offset(b, y), (long) (x1 - b) * bytesPerPixel).fill((byte) 0);
    }
  }

  /**
   * Copies rows [y0, y1), pixels [x0, x1), from the same-format {@code src}. When both
   * images store those rows as one contiguous block with the same row order (full-width
   * rows, equal rowBytes), it is one bulk copy; otherwise row by row.
   */
  public void copyRowsFrom(FrameView src, int y0, int y1, int x0, int x1) {
    long rowLength = (long) (x1 - x0) * bytesPerPixel;
    boolean contiguous = rowBytes == src.rowBytes && Math.abs(rowBytes) == rowLength
        && x0 == bounds.x1() && x1 == bounds.x2() && x0 == src.bounds.x1() && x1 == src.bounds.x2()
        && y0 >= Math.max(bounds.y1(), src.bounds.y1()) && y1 <= Math.min(bounds.y2(), src.bounds.y2());
    if (!contiguous || y1 <= y0) {
      for (int y = y0; y < y1; y++) {
        copyRowFrom(src, y, x0, x1);
      }
      return;
    }
    // Bottom-up images (negative rowBytes) hold row y1-1 lowest in memory.
    int lowRow = rowBytes > 0 ? y0 : y1 - 1;
    BulkCopy.copy(src.memory, src.offset(x0, lowRow), memory, offset(x0, lowRow), rowLength * (y1 - y0));
  }

  public static float clamp01(float v) {
    return v < 0f ? 0f : (v > 1f ? 1f : v);
  }

  /**
   * SHA-256 of the frame: bounds, depth and components, then each row's pixel bytes from y1 up
   * (padding and row order in memory do not count, so a flipped buffer of the same image hashes
   * the same).
   */
  public byte[] digest() {
    java.security.MessageDigest md;
    try {
      md = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(6 * Integer.BYTES);
    head.putInt(bounds.x1()).putInt(bounds.y1()).putInt(bounds.x2()).putInt(bounds.y2()).putInt(depth.ordinal())
        .putInt(components.ordinal());
    md.update(head.array());
    long rowLength = (long) bounds.width() * bytesPerPixel;
    for (int y = bounds.y1(); y < bounds.y2(); y++) {
      md.update(memory.asSlice(offset(bounds.x1(), y), rowLength).asByteBuffer());
    }
    return md.digest();
  }
}
