package dev.worldfx.ofx;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.RowBands;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.StatusField;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/** A render as the host asked for it; row work runs on the host's threads where it offers them. */
final class OfxRenderContext implements RenderContext {
  private final HostApi api;
  private final MemorySegment effect;
  private final NodeContext context;
  private final double time;
  private final RectI window;
  private final ParamValues params;
  private final Shot shot;
  private final java.util.Map<StatusField, String> status;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private boolean progressShown;
  private String notice;

  OfxRenderContext(HostApi api, MemorySegment effect, NodeContext context, double time, RectI window, ParamValues params,
                   Shot shot, java.util.Map<StatusField, String> status) {
    this.api = api;
    this.effect = effect;
    this.context = context;
    this.time = time;
    this.window = window;
    this.params = params;
    this.shot = shot;
    this.status = status;
  }

  @Override
  public NodeContext context() {
    return context;
  }

  @Override
  public double time() {
    return time;
  }

  @Override
  public RectI renderWindow() {
    return window;
  }

  @Override
  public ParamValues params() {
    return params;
  }

  @Override
  public Shot shot() {
    return shot;
  }

  @Override
  public boolean aborted() {
    if (stopped.get()) {
      return true;
    }
    if (api.effects.aborted(effect)) {
      stopped.set(true);
      return true;
    }
    return false;
  }

  /** Long work (a shot solve) shows the host's progress bar; Cancel there stops the work like abort. */
  @Override
  public synchronized void progress(double fraction) {
    ProgressSuite p = api.progress;
    if (p == null) {
      return;
    }
    if (!progressShown) {
      try {
        p.start(effect, "WorldFX: solving the shot");
        progressShown = true;
      } catch (RuntimeException e) {
        return; // a host that refuses a progress bar still renders
      }
    }
    if (!p.update(effect, Math.clamp(fraction, 0.0, 1.0))) {
      stopped.set(true);
    }
  }

  @Override
  public synchronized void notice(String text) {
    notice = text;
  }

  /** Kept for the instance's next instance-changed: no parameter is set while the host renders. */
  @Override
  public void status(StatusField field, String text) {
    status.put(field, text);
  }

  /** The last note a node left for the artist during this render, or null. */
  synchronized String notice() {
    return notice;
  }

  /** Ends the progress bar if this render showed one. */
  synchronized void endProgress() {
    if (progressShown) {
      progressShown = false;
      api.progress.end(effect);
    }
  }

  /**
   * Bands of rows spread over the host's threads (OfxMultiThreadSuite). Falls back to this
   * thread when the host has no suite or refuses (nested call).
   */
  @Override
  public void forEachRow(RectI rows, IntConsumer row) {
    int bands = (rows.height() + RowBands.BAND_ROWS - 1) / RowBands.BAND_ROWS;
    ThreadSuite threads = api.threads;
    int n = threads == null || bands < 2 ? 1 : Math.min(bands, threads.cpus());
    if (n > 1) {
      boolean ran = threads.run(n, (index, count) -> {
        for (int b = index; b < bands; b += count) {
          if (aborted()) {
            throw new RenderAbortedException();
          }
          int y0 = rows.y1() + b * RowBands.BAND_ROWS;
          int y1 = Math.min(rows.y2(), y0 + RowBands.BAND_ROWS);
          for (int y = y0; y < y1; y++) {
            row.accept(y);
          }
        }
      });
      if (ran) {
        return;
      }
    }
    RowBands.forEachRow(this, rows, row);
  }
}
