package dev.worldfx.cli.exr;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import dev.worldfx.cli.exr.ExrNative.Fn;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes frames as single-part scanline OpenEXR files through OpenEXR's own encoder: R, G, B
 * and optionally A, all half or all float, ZIP-compressed (lossless), display window (0, 0) to
 * (width - 1, height - 1), frame row y = 0 stored as the bottom row. Float frames are written
 * bit for bit (negative, above 1, infinite and NaN values kept); half rounds to nearest even, so
 * values that came from a half file go back unchanged. An Alpha (one-channel) frame is written
 * as opaque grey, as PNGs are. This writes exactly the path given; callers wanting
 * all-or-nothing files write a temp file and rename it.
 */
public final class ExrWriter {
  private ExrWriter() {}

  /** One channel's samples over the data window, top row first, packed, in the channel's pixel type. */
  record Plane(String name, ExrPixelType type, MemorySegment samples) {
  }

  /** {@code frame} as a ZIP-compressed scanline file whose data window is the whole frame. */
  public static void write(FrameView frame, Path file, ExrPixelType type, boolean alpha) throws ExrException {
    write(frame, file, type, alpha, ExrCompression.ZIP, null);
  }

  /**
   * {@code frame} with {@code compression} (a lossless one); {@code dataWindow}, in the EXR
   * coordinates of the display window, says which pixels are stored (null: all of them).
   */
  static void write(FrameView frame, Path file, ExrPixelType type, boolean alpha, ExrCompression compression,
                    ExrHeader.Box dataWindow) throws ExrException {
    if (type == ExrPixelType.UINT) {
      throw new IllegalArgumentException("frames are written as half or float, not uint");
    }
    RectI b = frame.bounds();
    ExrHeader.Box display = new ExrHeader.Box(0, 0, b.width() - 1, b.height() - 1);
    ExrHeader.Box data = dataWindow != null ? dataWindow : display;
    try (Arena arena = Arena.ofConfined()) {
      int[] bits = floatBits(arena, frame);
      int channels = frame.components().channels();
      String[] names = alpha ? new String[] {"R", "G", "B", "A"} : new String[] {"R", "G", "B"};
      List<Plane> planes = new ArrayList<>();
      int w = (int) data.width();
      int h = (int) data.height();
      for (int c = 0; c < names.length; c++) {
        MemorySegment samples = arena.allocate((long) w * h * type.bytes, 16);
        long off = 0;
        for (int y = data.minY(); y <= data.maxY(); y++) {
          for (int x = data.minX(); x <= data.maxX(); x++, off += type.bytes) {
            int v = 0; // outside the display window
            if (x >= 0 && x < b.width() && y >= 0 && y < b.height()) {
              int i = ((b.height() - 1 - y) * b.width() + x) * channels;
              v = channels == 1 ? (c == 3 ? Float.floatToRawIntBits(1f) : bits[i])
                  : c < channels ? bits[i + c] : Float.floatToRawIntBits(1f);
            }
            if (type == ExrPixelType.HALF) {
              samples.set(JAVA_SHORT_UNALIGNED, off, Half.fromFloatBits(v));
            } else {
              samples.set(JAVA_INT_UNALIGNED, off, v);
            }
          }
        }
        planes.add(new Plane(names[c], type, samples));
      }
      writePlanes(file, display, data, compression, planes);
    }
  }

  /**
   * The frame's samples as float bit patterns, bottom row first: float frames are copied as
   * bytes (no float register touches a NaN), 8/16-bit frames normalised as they read.
   */
  private static int[] floatBits(Arena arena, FrameView frame) {
    RectI b = frame.bounds();
    int channels = frame.components().channels();
    int[] bits = new int[Math.toIntExact((long) b.width() * b.height() * channels)];
    if (frame.depth() == PixelDepth.FLOAT) {
      long rowBytes = (long) b.width() * channels * Float.BYTES;
      MemorySegment copy = arena.allocate(Math.max(1, rowBytes * b.height()), 16);
      FrameView mine = FrameView.wrap(copy, b, rowBytes, PixelDepth.FLOAT, frame.components());
      mine.copyRowsFrom(frame, b.y1(), b.y2(), b.x1(), b.x2());
      MemorySegment.copy(copy, JAVA_INT_UNALIGNED, 0, bits, 0, bits.length);
      return bits;
    }
    int i = 0;
    for (int y = b.y1(); y < b.y2(); y++) {
      for (int x = b.x1(); x < b.x2(); x++) {
        for (int c = 0; c < channels; c++) {
          bits[i++] = Float.floatToRawIntBits(frame.sample(x, y, c));
        }
      }
    }
    return bits;
  }

  /** A single-part scanline file with these channels; the library sorts them by name. */
  static void writePlanes(Path file, ExrHeader.Box display, ExrHeader.Box data, ExrCompression compression,
                          List<Plane> planes) throws ExrException {
    if (!compression.lossless()) {
      throw new IllegalArgumentException(compression + " is lossy; frames are written losslessly");
    }
    try (ExrContext ctx = ExrContext.write(file); Arena arena = Arena.ofConfined()) {
      MemorySegment index = arena.allocate(JAVA_INT);
      ctx.call("adding the image part", Fn.ADD_PART, ctx.handle, MemorySegment.NULL, ExrNative.STORAGE_SCANLINE, index);
      int part = index.get(JAVA_INT, 0);
      ctx.call("setting the header", Fn.INITIALIZE_REQUIRED_ATTR_SIMPLE, ctx.handle, part, (int) display.width(),
          (int) display.height(), compression.ordinal());
      ctx.call("setting the display window", Fn.SET_DISPLAY_WINDOW, ctx.handle, part, box(arena, display));
      ctx.call("setting the data window", Fn.SET_DATA_WINDOW, ctx.handle, part, box(arena, data));
      for (Plane p : planes) {
        ctx.call("adding channel " + p.name(), Fn.ADD_CHANNEL, ctx.handle, part, arena.allocateFrom(p.name()),
            p.type().code, ExrNative.PERCEPTUALLY_LOGARITHMIC, 1, 1);
      }
      ctx.call("writing the header", Fn.WRITE_HEADER, ctx.handle);
      new Encoder(ctx, part, data, planes, arena).run();
    }
  }

  private static MemorySegment box(Arena arena, ExrHeader.Box b) {
    MemorySegment s = arena.allocate(ExrNative.BOX_SIZE, 4);
    s.setAtIndex(JAVA_INT, 0, b.minX());
    s.setAtIndex(JAVA_INT, 1, b.minY());
    s.setAtIndex(JAVA_INT, 2, b.maxX());
    s.setAtIndex(JAVA_INT, 3, b.maxY());
    return s;
  }

  /** Feeds the library's encode pipeline one block of scanlines at a time straight from the planes. */
  private static final class Encoder {
    private final ExrContext ctx;
    private final int part;
    private final ExrHeader.Box data;
    private final List<Plane> planes;
    private final MemorySegment chunkInfo;
    private final MemorySegment pipeline;
    private final MemorySegment linesOut;

    Encoder(ExrContext ctx, int part, ExrHeader.Box data, List<Plane> planes, Arena arena) {
      this.ctx = ctx;
      this.part = part;
      this.data = data;
      this.planes = planes;
      chunkInfo = arena.allocate(ExrNative.CHUNK_INFO_SIZE, 8);
      pipeline = arena.allocate(ExrNative.PIPELINE_ALLOC, 16);
      linesOut = arena.allocate(JAVA_INT);
    }

    void run() throws ExrException {
      ctx.call("reading the scanlines per chunk", Fn.GET_SCANLINES_PER_CHUNK, ctx.handle, part, linesOut);
      int lines = linesOut.get(JAVA_INT, 0);
      boolean started = false;
      ExrException failed = null;
      try {
        for (long y = data.minY(); y <= data.maxY(); y += lines) {
          String where = "scanline " + y;
          ctx.call("preparing " + where, Fn.WRITE_SCANLINE_CHUNK_INFO, ctx.handle, part, (int) y, chunkInfo);
          if (!started) {
            ctx.call("starting to encode", Fn.ENCODING_INITIALIZE, ctx.handle, part, chunkInfo, pipeline);
            point((int) y, (int) Math.min(lines, data.maxY() - y + 1));
            ctx.call("choosing the encoder", Fn.ENCODING_CHOOSE_DEFAULT_ROUTINES, ctx.handle, part, pipeline);
            started = true;
          } else {
            ctx.call("encoding " + where, Fn.ENCODING_UPDATE, ctx.handle, part, chunkInfo, pipeline);
            point((int) y, (int) Math.min(lines, data.maxY() - y + 1));
          }
          ctx.call("encoding " + where, Fn.ENCODING_RUN, ctx.handle, part, pipeline);
        }
      } catch (ExrException e) {
        failed = e;
        throw e;
      } finally {
        ExrNative.takeLastError();
        int status = ctx.lib.call(Fn.ENCODING_DESTROY, ctx.handle, pipeline);
        if (status != 0 && failed == null) {
          throw ctx.failure("freeing the encoder", status);
        }
      }
    }

    /** Points each channel of the pipeline at its plane's rows from {@code y}. */
    private void point(int y, int rows) throws ExrException {
      long prefix = ctx.lib.pipelinePrefix;
      int count = pipeline.get(JAVA_SHORT, prefix + ExrNative.PIPELINE_CHANNEL_COUNT);
      if (count != planes.size()) {
        throw ctx.failure("the encoder has " + count + " channels, we gave " + planes.size());
      }
      MemorySegment channels = pipeline.get(ADDRESS, prefix + ExrNative.PIPELINE_CHANNELS)
          .reinterpret((long) count * ExrNative.CODING_SIZE);
      int w = (int) data.width();
      for (int c = 0; c < count; c++) {
        MemorySegment info = channels.asSlice(c * ExrNative.CODING_SIZE, ExrNative.CODING_SIZE);
        String name = ExrNative.cString(info.get(ADDRESS, ExrNative.CODING_NAME));
        Plane p = planes.stream().filter(q -> q.name().equals(name)).findFirst()
            .orElseThrow(() -> ctx.failure("the encoder asks for channel " + name + ", which we did not add"));
        if (info.get(JAVA_INT, ExrNative.CODING_WIDTH) != w || info.get(JAVA_INT, ExrNative.CODING_HEIGHT) != rows) {
          throw ctx.failure("the encoder's block at scanline " + y + " is not " + w + "x" + rows);
        }
        int bytes = p.type().bytes;
        info.set(JAVA_SHORT, ExrNative.CODING_USER_BYTES_PER_ELEMENT, (short) bytes);
        info.set(JAVA_SHORT, ExrNative.CODING_USER_DATA_TYPE, (short) p.type().code);
        info.set(JAVA_INT, ExrNative.CODING_USER_PIXEL_STRIDE, bytes);
        info.set(JAVA_INT, ExrNative.CODING_USER_LINE_STRIDE, w * bytes);
        info.set(ADDRESS, ExrNative.CODING_PTR, p.samples().asSlice((long) (y - data.minY()) * w * bytes));
      }
    }
  }
}
