package dev.worldfx.nodes;

import java.util.function.IntConsumer;

/** Walks the rows of a render window in bands, polling abort before each band. */
public final class RowBands {
  /** Rows between two abort polls: frequent enough to stop within a few ms at 4K float. */
  public static final int BAND_ROWS = 32;

  private RowBands() {}

  /** Rows [y0, y1) of one band. */
  public interface Band {
    void rows(int y0, int y1);
  }

  public static void forEachRow(RenderContext ctx, RectI window, IntConsumer row) {
    forEachBand(ctx, window, (y0, y1) -> {
      for (int y = y0; y < y1; y++) {
        row.accept(y);
      }
    });
  }

  public static void forEachBand(RenderContext ctx, RectI window, Band band) {
    forEachBand(ctx, window, BAND_ROWS, band);
  }

  public static void forEachBand(RenderContext ctx, RectI window, int rowsPerBand, Band band) {
    for (int y0 = window.y1(); y0 < window.y2(); y0 += rowsPerBand) {
      ctx.checkAbort();
      band.rows(y0, Math.min(window.y2(), y0 + rowsPerBand));
    }
  }

  /** Bytes a memory-bound band may move between two abort polls (about 0.1 ms of copying). */
  public static final long COPY_BAND_BYTES = 1L << 20;

  /**
   * Rows per band for plain copies: polling abort and splitting the copy every 32 rows
   * cost 15 % of an 8-bit HD pass-through (`worldfx bench bridge`), so copies take bands
   * of up to 1 MiB, never fewer than {@link #BAND_ROWS} rows.
   */
  public static int copyBandRows(long bytesPerRow) {
    return (int) Math.max(BAND_ROWS, COPY_BAND_BYTES / Math.max(1, bytesPerRow));
  }
}
