package dev.worldfx.nodes.flow;

import java.util.stream.IntStream;

/**
 * Splits per-pixel passes over image rows into bands run on the common fork-join pool. Every row belongs to exactly
 * one band and the band split depends only on the image size, so it never changes results.
 */
final class RowTasks {
  /** Pixels below which a pass runs on the calling thread: scheduling would cost more than it saves. */
  private static final int MIN_PARALLEL_PIXELS = 1 << 14;
  private static final int BANDS_PER_THREAD = 4;

  private RowTasks() {}

  @FunctionalInterface
  interface Band {
    void rows(int y0, int y1);
  }

  /** Bands for an image: 1 when small or on one core, else a few per core. */
  static int bandsFor(int height, int width) {
    int threads = Runtime.getRuntime().availableProcessors();
    return threads == 1 || (long) height * width < MIN_PARALLEL_PIXELS ? 1 : threads * BANDS_PER_THREAD;
  }

  /** Runs {@code band} over [0, height) in {@code wanted} bands (fewer if rows run out); returns each band's last row. */
  static int[] inBands(int height, int wanted, Band band) {
    int bands = Math.min(height, wanted);
    if (bands <= 1) {
      band.rows(0, height);
      return height > 0 ? new int[] {height - 1} : new int[0];
    }
    IntStream.range(0, bands).parallel().forEach(b -> band.rows(height * b / bands, height * (b + 1) / bands));
    int[] last = new int[bands];
    for (int b = 0; b < bands; b++) {
      last[b] = height * (b + 1) / bands - 1;
    }
    return last;
  }
}
