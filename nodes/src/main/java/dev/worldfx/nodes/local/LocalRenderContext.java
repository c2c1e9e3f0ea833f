package dev.worldfx.nodes.local;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.Shot;
import java.util.function.BooleanSupplier;

/** A render outside any host: the CLI, graph runs and tests. */
public record LocalRenderContext(NodeContext context, double time, RectI renderWindow, ParamValues params, Shot shot,
                                 BooleanSupplier abortFlag) implements RenderContext {
  public LocalRenderContext(NodeContext context, double time, RectI renderWindow, ParamValues params, Shot shot) {
    this(context, time, renderWindow, params, shot, () -> false);
  }

  @Override
  public boolean aborted() {
    return abortFlag.getAsBoolean();
  }

  @Override
  public void progress(double fraction) {
    // Frame renders report nothing; the CLI shows per-frame progress itself.
  }
}
