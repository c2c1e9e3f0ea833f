package dev.worldfx.nodes;

import java.util.function.IntConsumer;

/** Walks the rows of a render window in bands, polling abort before each band. */
public final class RowBands {
  /** Rows between two abort polls: frequent enough to stop within a few ms at 4K float. */
  public static final int BAND_ROWS = 32;

  private RowBands() {}

  public static void forEachRow(RenderContext ctx, RectI window, IntConsumer row) {
    for (int band = window.y1(); band < window.y2(); band += BAND_ROWS) {
      ctx.checkAbort();
      int end = Math.min(window.y2(), band + BAND_ROWS);
      for (int y = band; y < end; y++) {
        row.accept(y);
      }
    }
  }
}
