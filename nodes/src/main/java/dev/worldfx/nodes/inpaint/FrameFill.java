package dev.worldfx.nodes.inpaint;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The solved layers of one frame, over the bounding box of its removal region (frame pixel
 * coordinates, row 0 = the frame's first row): the removal weight, the fill colour, the
 * confidence of the fill and where each fill pixel came from. Pixels outside the box, and
 * pixels inside it with weight 0, are not filled: renders copy the source there.
 *
 * <p>Stored in the sequence cache as a little-endian record: magic "WFXF", format version, the
 * frame size and box, then the planes. {@link #decode} checks every size against the payload.
 */
public record FrameFill(int frameWidth, int frameHeight, int x0, int y0, int width, int height, float[] weight,
                        float[] rgb, float[] confidence, byte[] kind) {
  /** {@link #kind} values. */
  public static final byte KEPT = 0;
  public static final byte PROPAGATED = 1;
  public static final byte SYNTHESISED = 2;

  private static final int MAGIC = 0x46584657; // "WFXF" read little-endian
  private static final int FORMAT = 1;
  private static final int HEADER_BYTES = 8 * Integer.BYTES;

  public FrameFill {
    long n = (long) width * height;
    if (frameWidth < 1 || frameHeight < 1 || width < 0 || height < 0 || x0 < 0 || y0 < 0
        || x0 + width > frameWidth || y0 + height > frameHeight || weight.length != n || rgb.length != 3 * n
        || confidence.length != n || kind.length != n) {
      throw new IllegalArgumentException("inconsistent frame fill: frame " + frameWidth + "x" + frameHeight + ", box ("
          + x0 + "," + y0 + ") " + width + "x" + height);
    }
  }

  /** A frame with nothing to remove. */
  public static FrameFill empty(int frameWidth, int frameHeight) {
    return new FrameFill(frameWidth, frameHeight, 0, 0, 0, 0, new float[0], new float[0], new float[0], new byte[0]);
  }

  public int pixels() {
    return width * height;
  }

  /** Box index of frame pixel (x, y), or -1 outside the box. */
  public int boxIndex(int x, int y) {
    int bx = x - x0;
    int by = y - y0;
    return bx < 0 || by < 0 || bx >= width || by >= height ? -1 : by * width + bx;
  }

  public long encodedBytes() {
    return HEADER_BYTES + (long) pixels() * (5 * Float.BYTES + 1);
  }

  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(encodedBytes())).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(MAGIC).putInt(FORMAT).putInt(frameWidth).putInt(frameHeight).putInt(x0).putInt(y0).putInt(width)
        .putInt(height);
    b.asFloatBuffer().put(weight).put(rgb).put(confidence);
    b.position(b.position() + 5 * pixels() * Float.BYTES);
    b.put(kind);
    return b.array();
  }

  /** Reads a record written by {@link #encode}; throws IllegalArgumentException when it does not add up. */
  public static FrameFill decode(MemorySegment s) {
    if (s.byteSize() < HEADER_BYTES) {
      throw new IllegalArgumentException("frame fill record of " + s.byteSize() + " bytes is shorter than its header");
    }
    ValueLayout.OfInt i32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    int[] h = new int[8];
    for (int k = 0; k < h.length; k++) {
      h[k] = s.get(i32, 4L * k);
    }
    if (h[0] != MAGIC || h[1] != FORMAT) {
      throw new IllegalArgumentException("not a frame fill record of format " + FORMAT);
    }
    long n = (long) h[6] * h[7];
    if (h[6] < 0 || h[7] < 0 || s.byteSize() != HEADER_BYTES + n * (5 * Float.BYTES + 1)) {
      throw new IllegalArgumentException("frame fill record of " + s.byteSize() + " bytes does not match its "
          + h[6] + "x" + h[7] + " box");
    }
    int count = (int) n;
    ValueLayout.OfFloat f32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    long at = HEADER_BYTES;
    float[] weight = new float[count];
    float[] rgb = new float[3 * count];
    float[] confidence = new float[count];
    MemorySegment.copy(s, f32, at, weight, 0, count);
    at += 4L * count;
    MemorySegment.copy(s, f32, at, rgb, 0, 3 * count);
    at += 12L * count;
    MemorySegment.copy(s, f32, at, confidence, 0, count);
    at += 4L * count;
    byte[] kind = new byte[count];
    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, at, kind, 0, count);
    return new FrameFill(h[2], h[3], h[4], h[5], h[6], h[7], weight, rgb, confidence, kind);
  }
}
