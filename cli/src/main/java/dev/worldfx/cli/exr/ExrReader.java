package dev.worldfx.cli.exr;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads OpenEXR files into float RGBA frames through OpenEXR's own decoder (every compression
 * it has: NONE, RLE, ZIPS, ZIP, PIZ, PXR24, B44(A), and DWAA/B from OpenEXR 3.1.8 on; scanline and
 * tiled files, the full resolution level of mip/rip-mapped ones, the first part of multi-part files). Samples are copied bit for bit: half is widened to
 * float exactly, float is taken as stored (negative, above 1, infinite and NaN values, NaN
 * payloads included), uint is converted to the nearest float.
 *
 * <p>Channels: R, G, B (a missing one reads as 0), else Y as grey, else A alone as grey (an
 * alpha-only matte); A is alpha when there is colour or Y. Files without A read as opaque.
 * Other channels (Z, layers such as {@code diffuse.R}) are ignored; Y/RY/BY chroma files,
 * subsampled channels and deep files are refused by name.
 *
 * <p>Windows: the frame is the display window; rows are flipped so that frame y = 0 is the
 * display window's bottom row (OFX). Pixels of the display window outside the data window are
 * 0 in every channel (alpha too, where the file has alpha); data outside the display window is
 * not read into the frame.
 */
public final class ExrReader {
  /** Largest display window we allocate a frame for: 2^28 pixels (a 4 GiB float RGBA frame). */
  static final long MAX_PIXELS = 1L << 28;
  /** Largest decoded chunk (a tile, or a block of scanlines) per channel, in samples. */
  static final long MAX_CHUNK_SAMPLES = 1L << 26;

  private ExrReader() {}

  /** A channel read into frame channels {@code targets} (0..2 colour, 3 alpha). */
  record ChannelRead(ExrHeader.Channel channel, int[] targets) {
  }

  /** The header of {@code file}, checked: a file this reader cannot read fails here, before any pixels. */
  public static ExrHeader header(Path file) throws ExrException {
    try (ExrContext ctx = ExrContext.read(file)) {
      return header(ctx, file);
    }
  }

  /** The whole image (the display window) as a float RGBA frame allocated in {@code arena}. */
  public static FrameView read(Arena arena, Path file) throws ExrException {
    try (ExrContext ctx = ExrContext.read(file); Arena scratch = Arena.ofConfined()) {
      ExrHeader h = header(ctx, file);
      List<ChannelRead> reads = channelReads(h.channels(), file);
      long rowBytes = (long) h.width() * 4 * Float.BYTES;
      MemorySegment pixels = arena.allocate(rowBytes * h.height(), 16); // zeroed
      if (!h.hasAlpha()) {
        for (long off = 3 * Float.BYTES; off < pixels.byteSize(); off += 4 * Float.BYTES) {
          pixels.set(JAVA_FLOAT, off, 1f);
        }
      }
      new Decoder(ctx, h, reads, pixels, rowBytes, scratch).run();
      return FrameView.wrap(pixels, h.bounds(), rowBytes, PixelDepth.FLOAT, Components.RGBA);
    }
  }

  private static ExrHeader header(ExrContext ctx, Path file) throws ExrException {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      ctx.call("counting parts", Fn.GET_COUNT, ctx.handle, out);
      int parts = out.get(JAVA_INT, 0);
      ctx.call("reading the storage type", Fn.GET_STORAGE, ctx.handle, 0, out);
      int storage = out.get(JAVA_INT, 0);
      if (storage != ExrNative.STORAGE_SCANLINE && storage != ExrNative.STORAGE_TILED) {
        throw ctx.failure("deep EXR images (several samples per pixel) are not supported; flatten the image first");
      }
      ctx.call("reading the compression", Fn.GET_COMPRESSION, ctx.handle, 0, out);
      ExrCompression compression = ExrCompression.of(out.get(JAVA_INT, 0));
      if ((compression == ExrCompression.DWAA || compression == ExrCompression.DWAB) && !ctx.lib.decodesDwa()) {
        // the library would fail on the first chunk with "not yet implemented, please use C++ library"
        throw ctx.failure(compression + " compression is decoded by OpenEXR 3.1.8 and newer, this system has "
            + ctx.lib.version() + "; save the file with another compression (exrmaketiled -z zip makes a copy) or "
            + "install a newer OpenEXR");
      }
      MemorySegment box = a.allocate(ExrNative.BOX_SIZE, 4);
      ctx.call("reading the display window", Fn.GET_DISPLAY_WINDOW, ctx.handle, 0, box);
      ExrHeader.Box display = box(box);
      ctx.call("reading the data window", Fn.GET_DATA_WINDOW, ctx.handle, 0, box);
      ExrHeader.Box data = box(box);
      if (display.width() < 1 || display.height() < 1 || data.width() < 1 || data.height() < 1) {
        throw ctx.failure("empty display or data window");
      }
      if (display.width() * display.height() > MAX_PIXELS) {
        throw ctx.failure("the image is " + display.width() + "x" + display.height() + ", more than the "
            + MAX_PIXELS + " pixels this reader allocates");
      }
      MemorySegment list = a.allocate(ADDRESS);
      ctx.call("reading the channel list", Fn.GET_CHANNELS, ctx.handle, 0, list);
      MemorySegment chlist = list.get(ADDRESS, 0).reinterpret(ExrNative.CHLIST_ENTRIES + ADDRESS.byteSize());
      int count = chlist.get(JAVA_INT, ExrNative.CHLIST_COUNT);
      MemorySegment entries = chlist.get(ADDRESS, ExrNative.CHLIST_ENTRIES)
          .reinterpret((long) Math.max(0, count) * ExrNative.CHANNEL_ENTRY_SIZE);
      List<ExrHeader.Channel> channels = new ArrayList<>();
      for (int c = 0; c < count; c++) {
        MemorySegment e = entries.asSlice(c * ExrNative.CHANNEL_ENTRY_SIZE, ExrNative.CHANNEL_ENTRY_SIZE);
        channels.add(new ExrHeader.Channel(ExrNative.cString(e.get(ADDRESS, ExrNative.CHANNEL_ENTRY_NAME_STR)),
            ExrPixelType.of(e.get(JAVA_INT, ExrNative.CHANNEL_ENTRY_PIXEL_TYPE)),
            e.get(JAVA_INT, ExrNative.CHANNEL_ENTRY_X_SAMPLING), e.get(JAVA_INT, ExrNative.CHANNEL_ENTRY_Y_SAMPLING)));
      }
      List<ChannelRead> reads = channelReads(channels, file);
      boolean alpha = reads.stream().anyMatch(r -> r.targets()[0] == 3);
      boolean allHalf = reads.stream().allMatch(r -> r.channel().type() == ExrPixelType.HALF);
      boolean allUint = reads.stream().allMatch(r -> r.channel().type() == ExrPixelType.UINT);
      ExrPixelType type = allHalf ? ExrPixelType.HALF : allUint ? ExrPixelType.UINT : ExrPixelType.FLOAT;
      return new ExrHeader(display, data, List.copyOf(channels), storage == ExrNative.STORAGE_TILED, compression,
          parts, alpha, type);
    }
  }

  private static ExrHeader.Box box(MemorySegment b) {
    return new ExrHeader.Box(b.getAtIndex(JAVA_INT, 0), b.getAtIndex(JAVA_INT, 1), b.getAtIndex(JAVA_INT, 2),
        b.getAtIndex(JAVA_INT, 3));
  }

  /** Which channels are read, into which frame channels (see the class comment), or why the file cannot be. */
  static List<ChannelRead> channelReads(List<ExrHeader.Channel> channels, Path file) throws ExrException {
    Map<String, ExrHeader.Channel> byName = new LinkedHashMap<>();
    channels.forEach(c -> byName.put(c.name(), c));
    if (byName.containsKey("RY") || byName.containsKey("BY")) {
      throw new ExrException(file + ": luminance/chroma EXR images (Y, RY, BY) are not supported; convert to RGB first");
    }
    List<ChannelRead> reads = new ArrayList<>();
    String[] rgb = {"R", "G", "B"};
    for (int c = 0; c < 3; c++) {
      if (byName.containsKey(rgb[c])) {
        reads.add(new ChannelRead(byName.get(rgb[c]), new int[] {c}));
      }
    }
    if (reads.isEmpty() && byName.containsKey("Y")) {
      reads.add(new ChannelRead(byName.get("Y"), new int[] {0, 1, 2}));
    }
    if (reads.isEmpty() && byName.containsKey("A")) {
      reads.add(new ChannelRead(byName.get("A"), new int[] {0, 1, 2}));
    } else if (byName.containsKey("A")) {
      reads.add(new ChannelRead(byName.get("A"), new int[] {3}));
    }
    if (reads.isEmpty()) {
      throw new ExrException(file + ": no R, G, B, Y or A channel to read (it has: "
          + String.join(", ", byName.keySet()) + ")");
    }
    for (ChannelRead r : reads) {
      ExrHeader.Channel c = r.channel();
      if (c.xSampling() != 1 || c.ySampling() != 1) {
        throw new ExrException(file + ": channel " + c.name() + " is subsampled (" + c.xSampling() + "x"
            + c.ySampling() + "); subsampled channels are not supported");
      }
    }
    return reads;
  }

  /**
   * Decodes chunk after chunk with the library's decode pipeline into per-channel scratch
   * buffers (planar, the chunk's rows at a fixed stride), then copies the samples that fall in
   * the display window into the frame.
   */
  private static final class Decoder {
    private final ExrContext ctx;
    private final ExrNative lib;
    private final ExrHeader h;
    private final List<ChannelRead> reads;
    private final MemorySegment pixels;
    private final long rowBytes;
    private final MemorySegment chunkInfo;
    private final MemorySegment pipeline;
    private final MemorySegment[] buffers;
    /** Samples per scratch row: the widest chunk. */
    private final int stride;
    private final int tileWidth;
    private final int tileHeight;
    private final int linesPerChunk;

    Decoder(ExrContext ctx, ExrHeader h, List<ChannelRead> reads, MemorySegment pixels, long rowBytes, Arena scratch)
        throws ExrException {
      this.ctx = ctx;
      this.lib = ctx.lib;
      this.h = h;
      this.reads = reads;
      this.pixels = pixels;
      this.rowBytes = rowBytes;
      MemorySegment out = scratch.allocate(JAVA_INT, 4);
      long chunkW;
      long chunkH;
      if (h.tiled()) {
        ctx.call("reading the tile description", Fn.GET_TILE_DESCRIPTOR, ctx.handle, 0, out, out.asSlice(4),
            out.asSlice(8), out.asSlice(12));
        chunkW = Integer.toUnsignedLong(out.get(JAVA_INT, 0));
        chunkH = Integer.toUnsignedLong(out.get(JAVA_INT, 4));
        linesPerChunk = 0;
      } else {
        ctx.call("reading the scanlines per chunk", Fn.GET_SCANLINES_PER_CHUNK, ctx.handle, 0, out);
        chunkW = h.dataWindow().width();
        chunkH = out.get(JAVA_INT, 0);
        linesPerChunk = (int) chunkH;
      }
      if (chunkW < 1 || chunkH < 1 || chunkW * chunkH > MAX_CHUNK_SAMPLES) {
        throw ctx.failure("chunks of " + chunkW + "x" + chunkH + " pixels are outside what this reader decodes");
      }
      tileWidth = (int) chunkW;
      tileHeight = (int) chunkH;
      stride = (int) chunkW;
      buffers = new MemorySegment[reads.size()];
      for (int k = 0; k < reads.size(); k++) {
        buffers[k] = scratch.allocate(chunkW * chunkH * reads.get(k).channel().type().bytes, 16);
      }
      chunkInfo = scratch.allocate(ExrNative.CHUNK_INFO_SIZE, 8);
      pipeline = scratch.allocate(ExrNative.PIPELINE_ALLOC, 16);
    }

    void run() throws ExrException {
      ExrHeader.Box dw = h.dataWindow();
      boolean started = false;
      ExrException failed = null;
      try {
        if (h.tiled()) {
          long tilesX = (dw.width() + tileWidth - 1) / tileWidth;
          long tilesY = (dw.height() + tileHeight - 1) / tileHeight;
          for (int ty = 0; ty < tilesY; ty++) {
            for (int tx = 0; tx < tilesX; tx++) {
              String where = "tile (" + tx + ", " + ty + ")";
              ctx.call("reading the chunk table for " + where, Fn.READ_TILE_CHUNK_INFO, ctx.handle, 0, tx, ty, 0, 0,
                  chunkInfo);
              int x0 = (int) (dw.minX() + (long) tx * tileWidth);
              int y0 = (int) (dw.minY() + (long) ty * tileHeight);
              started = decode(started, where, x0, y0, (int) Math.min(tileWidth, dw.maxX() - (long) x0 + 1),
                  (int) Math.min(tileHeight, dw.maxY() - (long) y0 + 1));
            }
          }
        } else {
          for (long y = dw.minY(); y <= dw.maxY(); y += linesPerChunk) {
            String where = "scanline " + y;
            ctx.call("reading the chunk table for " + where, Fn.READ_SCANLINE_CHUNK_INFO, ctx.handle, 0, (int) y,
                chunkInfo);
            started = decode(started, where, dw.minX(), (int) y, (int) dw.width(),
                (int) Math.min(linesPerChunk, dw.maxY() - y + 1));
          }
        }
      } catch (ExrException e) {
        failed = e;
        throw e;
      } finally {
        ExrNative.takeLastError();
        int status = lib.call(Fn.DECODING_DESTROY, ctx.handle, pipeline);
        if (status != 0 && failed == null) {
          throw ctx.failure("freeing the decoder", status);
        }
      }
    }

    /** Decodes the chunk in {@link #chunkInfo} covering (x0, y0) + w x rows; returns true (the pipeline is started). */
    private boolean decode(boolean started, String where, int x0, int y0, int w, int rows) throws ExrException {
      int cw = chunkInfo.get(JAVA_INT, ExrNative.CHUNK_WIDTH);
      int ch = chunkInfo.get(JAVA_INT, ExrNative.CHUNK_HEIGHT);
      if (cw != w || ch != rows) {
        throw ctx.failure(where + " is " + cw + "x" + ch + " in the file where " + w + "x" + rows + " was expected");
      }
      if (!started) {
        ctx.call("starting to decode " + where, Fn.DECODING_INITIALIZE, ctx.handle, 0, chunkInfo, pipeline);
        point(where);
        ctx.call("choosing the decoder for " + where, Fn.DECODING_CHOOSE_DEFAULT_ROUTINES, ctx.handle, 0, pipeline);
      } else {
        ctx.call("decoding " + where, Fn.DECODING_UPDATE, ctx.handle, 0, chunkInfo, pipeline);
        point(where);
      }
      ctx.call("decoding " + where, Fn.DECODING_RUN, ctx.handle, 0, pipeline);
      copy(x0, y0, w, rows);
      return true;
    }

    /** Points the channels we read at their scratch buffers; the others stay NULL, which the library skips. */
    private void point(String where) throws ExrException {
      long prefix = lib.pipelinePrefix;
      int count = pipeline.get(JAVA_SHORT, prefix + ExrNative.PIPELINE_CHANNEL_COUNT);
      if (count != h.channels().size()) {
        throw ctx.failure("the decoder has " + count + " channels for " + where + ", the header "
            + h.channels().size());
      }
      MemorySegment channels = pipeline.get(ADDRESS, prefix + ExrNative.PIPELINE_CHANNELS)
          .reinterpret((long) count * ExrNative.CODING_SIZE);
      int expectW = chunkInfo.get(JAVA_INT, ExrNative.CHUNK_WIDTH);
      int expectH = chunkInfo.get(JAVA_INT, ExrNative.CHUNK_HEIGHT);
      for (int c = 0; c < count; c++) {
        MemorySegment info = channels.asSlice(c * ExrNative.CODING_SIZE, ExrNative.CODING_SIZE);
        String name = ExrNative.cString(info.get(ADDRESS, ExrNative.CODING_NAME));
        int k = indexOf(name);
        if (k < 0) {
          info.set(ADDRESS, ExrNative.CODING_PTR, MemorySegment.NULL);
          continue;
        }
        ExrPixelType type = reads.get(k).channel().type();
        int width = info.get(JAVA_INT, ExrNative.CODING_WIDTH);
        int height = info.get(JAVA_INT, ExrNative.CODING_HEIGHT);
        if (width != expectW || height != expectH || info.get(JAVA_BYTE, ExrNative.CODING_BYTES_PER_ELEMENT) != type.bytes) {
          // never let the library write more than the scratch buffer holds
          throw ctx.failure("channel " + name + " of " + where + " is " + width + "x" + height
              + " in the decoder, the chunk " + expectW + "x" + expectH);
        }
        info.set(JAVA_SHORT, ExrNative.CODING_USER_BYTES_PER_ELEMENT, (short) type.bytes);
        info.set(JAVA_SHORT, ExrNative.CODING_USER_DATA_TYPE, (short) type.code);
        info.set(JAVA_INT, ExrNative.CODING_USER_PIXEL_STRIDE, type.bytes);
        info.set(JAVA_INT, ExrNative.CODING_USER_LINE_STRIDE, stride * type.bytes);
        info.set(ADDRESS, ExrNative.CODING_PTR, buffers[k]);
      }
    }

    private int indexOf(String name) {
      for (int k = 0; k < reads.size(); k++) {
        if (reads.get(k).channel().name().equals(name)) {
          return k;
        }
      }
      return -1;
    }

    /** Copies the decoded chunk's samples inside the display window into the frame (y flipped). */
    private void copy(int x0, int y0, int w, int rows) {
      ExrHeader.Box disp = h.displayWindow();
      int xFrom = (int) Math.max(x0, disp.minX());
      int xTo = (int) Math.min((long) x0 + w - 1, disp.maxX());
      for (int r = 0; r < rows; r++) {
        long y = (long) y0 + r;
        if (y < disp.minY() || y > disp.maxY() || xFrom > xTo) {
          continue;
        }
        long frameRow = disp.maxY() - y; // frame y = 0 is the display window's bottom row
        for (int k = 0; k < reads.size(); k++) {
          ExrPixelType type = reads.get(k).channel().type();
          int[] targets = reads.get(k).targets();
          MemorySegment buf = buffers[k];
          long src = ((long) r * stride + (xFrom - x0)) * type.bytes;
          long dst = frameRow * rowBytes + (long) (xFrom - disp.minX()) * 4 * Float.BYTES;
          for (int x = xFrom; x <= xTo; x++, src += type.bytes, dst += 4 * Float.BYTES) {
            int bits = switch (type) {
              case HALF -> Half.toFloatBits(buf.get(JAVA_SHORT_UNALIGNED, src));
              case FLOAT -> buf.get(JAVA_INT_UNALIGNED, src);
              case UINT -> Float.floatToRawIntBits((float) Integer.toUnsignedLong(buf.get(JAVA_INT_UNALIGNED, src)));
            };
            for (int t : targets) {
              pixels.set(JAVA_INT_UNALIGNED, dst + (long) t * Float.BYTES, bits);
            }
          }
        }
      }
    }
  }
}
