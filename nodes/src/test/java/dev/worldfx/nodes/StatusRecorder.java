package dev.worldfx.nodes;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** A render context that keeps every status a node reports, for tests; the rest goes to the wrapped one. */
public final class StatusRecorder implements RenderContext {
  private final RenderContext inner;
  private final Map<StatusField, String> latest = new EnumMap<>(StatusField.class);
  private final List<String> solveHistory = new ArrayList<>();

  public StatusRecorder(RenderContext inner) {
    this.inner = inner;
  }

  public synchronized String latest(StatusField field) {
    return latest.get(field);
  }

  /** Every Solve text in the order reported. */
  public synchronized List<String> solveHistory() {
    return List.copyOf(solveHistory);
  }

  @Override
  public synchronized void status(StatusField field, String text) {
    latest.put(field, text);
    if (field == StatusField.SOLVE) {
      solveHistory.add(text);
    }
  }

  @Override
  public NodeContext context() {
    return inner.context();
  }

  @Override
  public double time() {
    return inner.time();
  }

  @Override
  public RectI renderWindow() {
    return inner.renderWindow();
  }

  @Override
  public ParamValues params() {
    return inner.params();
  }

  @Override
  public Shot shot() {
    return inner.shot();
  }

  @Override
  public boolean aborted() {
    return inner.aborted();
  }

  @Override
  public void progress(double fraction) {
    inner.progress(fraction);
  }

  @Override
  public void notice(String text) {
    inner.notice(text);
  }
}
