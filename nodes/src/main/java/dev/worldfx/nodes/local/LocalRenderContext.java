package dev.worldfx.nodes.local;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.Shot;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;

/** A render outside any host: the CLI, graph runs and tests. Progress and notices go where the caller says. */
public record LocalRenderContext(NodeContext context, double time, RectI renderWindow, ParamValues params, Shot shot,
                                 BooleanSupplier abortFlag, DoubleConsumer progressSink,
                                 Consumer<String> noticeSink) implements RenderContext {
  public LocalRenderContext(NodeContext context, double time, RectI renderWindow, ParamValues params, Shot shot) {
    this(context, time, renderWindow, params, shot, () -> false);
  }

  public LocalRenderContext(NodeContext context, double time, RectI renderWindow, ParamValues params, Shot shot,
                            BooleanSupplier abortFlag) {
    this(context, time, renderWindow, params, shot, abortFlag, f -> {}, n -> {});
  }

  @Override
  public boolean aborted() {
    return abortFlag.getAsBoolean();
  }

  @Override
  public void progress(double fraction) {
    progressSink.accept(fraction);
  }

  @Override
  public void notice(String text) {
    noticeSink.accept(text);
  }
}
