package dev.worldfx.nodes;

/** Everything a node's render may use; the same in the OFX bridge and the CLI. */
public interface RenderContext {
  NodeContext context();

  double time();

  /** The pixels to write; never larger than the output image. */
  RectI renderWindow();

  ParamValues params();

  Shot shot();

  /** True once the host or user asked to stop; nodes poll it between bands of rows. */
  boolean aborted();

  /** Reports progress in [0,1] of long work (solves); a no-op where nobody listens. */
  void progress(double fraction);

  /**
   * A note for the artist about this render that is not an error (e.g. how a host limits the
   * result); shown on the node where the host can. Default: dropped.
   */
  default void notice(String text) {}

  /**
   * Sets one of the node's read-only status fields (solve state, safe length, backend, cache
   * hit) for the artist. Hosts show it after the render, never during it. Default: dropped.
   */
  default void status(StatusField field, String text) {}

  /**
   * Runs {@code row} for every row of {@code rows}, polling abort between bands of rows.
   * Rows may run on several threads at once (the OFX bridge uses the host's threads), so
   * {@code row} must only write its own row.
   */
  default void forEachRow(RectI rows, java.util.function.IntConsumer row) {
    RowBands.forEachRow(this, rows, row);
  }

  /** Throws {@link RenderAbortedException} when the render should stop. */
  default void checkAbort() {
    if (aborted()) {
      throw new RenderAbortedException();
    }
  }
}
