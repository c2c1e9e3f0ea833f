package dev.worldfx.nodes;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

/**
 * An image in memory the test owns, with a {@link FrameView} wrapped onto it. The test
 * reads and writes the raw bytes itself (independently of FrameView) so node output can be
 * compared bit for bit, and converts values with its own copy of the contract's formulas
 * (docs/ofx-contract.md, "Pixels").
 */
public final class RawImage {
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  public final MemorySegment memory;
  public final RectI bounds;
  public final PixelDepth depth;
  public final Components components;
  /** Distance between rows in memory, always positive; the view's rowBytes is negative when bottomUp. */
  public final long stride;
  public final boolean bottomUp;
  public final FrameView view;

  private RawImage(MemorySegment memory, RectI bounds, PixelDepth depth, Components components, long stride,
                   boolean bottomUp) {
    this.memory = memory;
    this.bounds = bounds;
    this.depth = depth;
    this.components = components;
    this.stride = stride;
    this.bottomUp = bottomUp;
    MemorySegment origin = bottomUp ? memory.asSlice((bounds.height() - 1) * stride) : memory;
    this.view = FrameView.wrap(origin, bounds, bottomUp ? -stride : stride, depth, components);
  }

  /** Top-down, rows packed. */
  public static RawImage of(Arena arena, RectI bounds, PixelDepth depth, Components components) {
    return of(arena, bounds, depth, components, 0, false);
  }

  /** {@code padBytes} extra bytes after every row; bottom-up puts row y1 last in memory. */
  public static RawImage of(Arena arena, RectI bounds, PixelDepth depth, Components components, int padBytes,
                            boolean bottomUp) {
    long stride = rowLength(bounds, depth, components) + padBytes;
    MemorySegment memory = arena.allocate(stride * bounds.height(), 16);
    return new RawImage(memory, bounds, depth, components, stride, bottomUp);
  }

  public static long rowLength(RectI bounds, PixelDepth depth, Components components) {
    return (long) bounds.width() * depth.bytesPerChannel() * components.channels();
  }

  public int bytesPerPixel() {
    return depth.bytesPerChannel() * components.channels();
  }

  /** Where channel c of (x, y) is in {@link #memory}. */
  public long offset(int x, int y, int c) {
    int row = y - bounds.y1();
    long memoryRow = bottomUp ? bounds.height() - 1 - row : row;
    return memoryRow * stride + (long) (x - bounds.x1()) * bytesPerPixel() + (long) c * depth.bytesPerChannel();
  }

  /** The stored bits of a channel: the byte, the unsigned short, or the float's raw bits. */
  public int bits(int x, int y, int c) {
    long off = offset(x, y, c);
    return switch (depth) {
      case BYTE -> memory.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
      case SHORT, HALF -> memory.get(SHORT, off) & 0xFFFF;
      case FLOAT -> Float.floatToRawIntBits(memory.get(FLOAT, off));
    };
  }

  public void setBits(int x, int y, int c, int bits) {
    long off = offset(x, y, c);
    switch (depth) {
      case BYTE -> memory.set(ValueLayout.JAVA_BYTE, off, (byte) bits);
      case SHORT, HALF -> memory.set(SHORT, off, (short) bits);
      case FLOAT -> memory.set(FLOAT, off, Float.intBitsToFloat(bits));
    }
  }

  /** The contract's conversion to float: b / 255f, s / 65535f, float as is. */
  public float value(int x, int y, int c) {
    int b = bits(x, y, c);
    return switch (depth) {
      case BYTE -> b / 255f;
      case SHORT -> b / 65535f;
      case FLOAT -> Float.intBitsToFloat(b);
      case HALF -> throw new AssertionError("half");
    };
  }

  /** Stores v with the contract's conversion back. */
  public void setValue(int x, int y, int c, float v) {
    setBits(x, y, c, encode(v, depth));
  }

  /** The contract's conversion back, as the stored bits. */
  public static int encode(float v, PixelDepth depth) {
    float clamped = v < 0f ? 0f : (v > 1f ? 1f : v);
    return switch (depth) {
      case BYTE -> (int) Math.floor(clamped * 255f + 0.5f);
      case SHORT -> (int) Math.floor(clamped * 65535f + 0.5f);
      case FLOAT -> Float.floatToRawIntBits(v);
      case HALF -> throw new AssertionError("half");
    };
  }

  /** Every byte of the pixel (x, y). */
  public byte[] pixel(int x, int y) {
    return memory.asSlice(offset(x, y, 0), bytesPerPixel()).toArray(ValueLayout.JAVA_BYTE);
  }

  public void fill(byte b) {
    memory.fill(b);
  }

  /**
   * Random content: any byte or short, and for float values in [-0.5, 2) (HDR and negative)
   * with a few exact specials.
   */
  public void fillRandom(long seed) {
    Random r = new Random(seed);
    float[] specials = {0f, 1f, 1.5f, -0.25f, 7.75f, -0f, 1e-8f};
    for (int y = bounds.y1(); y < bounds.y2(); y++) {
      for (int x = bounds.x1(); x < bounds.x2(); x++) {
        for (int c = 0; c < components.channels(); c++) {
          switch (depth) {
            case BYTE -> setBits(x, y, c, r.nextInt(256));
            case SHORT -> setBits(x, y, c, r.nextInt(65536));
            case FLOAT -> setBits(x, y, c, Float.floatToRawIntBits(
                r.nextInt(8) == 0 ? specials[r.nextInt(specials.length)] : -0.5f + 2.5f * r.nextFloat()));
            case HALF -> throw new AssertionError("half");
          }
        }
      }
    }
  }
}
