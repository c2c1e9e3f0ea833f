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

  /** Throws {@link RenderAbortedException} when the render should stop. */
  default void checkAbort() {
    if (aborted()) {
      throw new RenderAbortedException();
    }
  }
}
