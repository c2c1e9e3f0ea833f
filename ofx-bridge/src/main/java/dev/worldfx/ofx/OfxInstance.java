package dev.worldfx.ofx;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.ofx.raw.Ofx;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.URI;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One effect instance in a host: its context, parameter handles, render entry and status.
 *
 * <p>Status: the OFX specification allows paramSetValue only in instance-changed (and interact)
 * actions; hosts may ignore or refuse it during renders. So renders only record the node's status
 * in {@link #status}, and the next instance-changed (any edit, a clip connected, the Refresh
 * status or Open web panel button) writes what changed into the read-only status parameters.
 * Those are declared evaluate-on-change 0 and not persistent, so the write neither re-renders
 * nor dirties the project; the instance-changed a host sends back for our own write (reason
 * plugin-edited) writes nothing, so there is no loop.
 */
final class OfxInstance {
  private final HostApi api;
  private final Node node;
  private final MemorySegment effect;
  private final NodeContext context;
  private final MemorySegment paramSet;
  private final ConcurrentHashMap<String, MemorySegment> paramHandles = new ConcurrentHashMap<>();
  /** Set when an error is on the node, so the next good render clears it. */
  volatile boolean messageShown;
  /** The node's latest status, written by renders on any thread. */
  private final Map<StatusField, String> status = new ConcurrentHashMap<>();
  /** What the status parameters hold now (their defaults until the first write). */
  private final Map<StatusField, String> shown = new EnumMap<>(StatusField.class);

  private OfxInstance(HostApi api, Node node, MemorySegment effect, NodeContext context) {
    this.api = api;
    this.node = node;
    this.effect = effect;
    this.context = context;
    this.paramSet = api.effects.paramSet(effect);
    for (StatusField f : node.descriptor().status()) {
      shown.put(f, f.initial());
    }
  }

  static OfxInstance create(HostApi api, Node node, MemorySegment effect) {
    String name = api.effects.effectProperties(effect).getStringOr(Ofx.PROP_CONTEXT, 0, "");
    NodeContext context = NodeContext.fromOfx(name);
    if (context == null || !node.descriptor().contexts().contains(context)) {
      throw new OfxStatusException(Ofx.STAT_ERR_UNSUPPORTED, "context '" + name + "' is not supported");
    }
    return new OfxInstance(api, node, effect, context);
  }

  MemorySegment param(String name) {
    return paramHandles.computeIfAbsent(name, n -> api.params.handle(paramSet, n));
  }

  ParamValues paramsAt(double time) {
    return new OfxParamValues(api.params, this, time);
  }

  void render(PropertySet in) {
    String notice;
    double time = in.getDouble(Ofx.PROP_TIME, 0);
    int[] w = in.getInts(Ofx.PROP_RENDER_WINDOW, 4);
    RectI requested = new RectI(w[0], w[1], w[2], w[3]);
    try (OfxShot shot = new OfxShot(api, effect)) {
      FrameView out = shot.frame(Ofx.OUTPUT_CLIP, time).orElseThrow(() -> OfxNodeAdapter.noImage(Ofx.OUTPUT_CLIP, time));
      RectI window = requested.intersect(out.bounds());
      if (window.isEmpty()) {
        return;
      }
      OfxRenderContext ctx = new OfxRenderContext(api, effect, context, time, window, paramsAt(time), shot, status);
      try {
        node.render(ctx, out);
      } finally {
        ctx.endProgress();
      }
      notice = ctx.notice();
    }
    if (api.messages == null) {
      return;
    }
    if (notice != null) {
      api.messages.notice(effect, notice);
      messageShown = true;
    } else if (messageShown) {
      api.messages.clear(effect);
      messageShown = false;
    }
  }

  /**
   * kOfxActionInstanceChanged: the Open web panel button, then the status parameters. Never
   * throws for the panel: its failure is a message for the artist.
   */
  void instanceChanged(String type, String name, String reason, PanelLink panel) {
    if (Ofx.TYPE_PARAMETER.equals(type) && OfxParamDeclaration.OPEN_WEB_PANEL.equals(name)) {
      openPanel(panel);
    }
    if (!Ofx.CHANGE_PLUGIN_EDITED.equals(reason)) {
      publishStatus();
    }
  }

  private void openPanel(PanelLink panel) {
    String label = node.descriptor().label();
    String kind;
    String text;
    try {
      URI uri = panel.open();
      kind = Ofx.MESSAGE_MESSAGE;
      text = label + ": the web panel is at " + uri;
    } catch (IOException | RuntimeException e) {
      kind = Ofx.MESSAGE_ERROR;
      text = label + ": " + (e.getMessage() != null ? e.getMessage() : e.toString());
      BridgeLog.error("Open web panel: " + text, e instanceof IOException ? null : e);
    }
    if (api.messages != null) {
      api.messages.popup(effect, kind, text);
    } else {
      BridgeLog.info(text);
    }
  }

  /** Writes the status fields that changed since the last write; a host that refuses is logged, not fatal. */
  private synchronized void publishStatus() {
    for (Map.Entry<StatusField, String> e : shown.entrySet()) {
      String now = status.get(e.getKey());
      if (now == null || now.equals(e.getValue())) {
        continue;
      }
      try {
        api.params.setString(param(e.getKey().scriptName()), now, e.getKey().scriptName());
        e.setValue(now);
      } catch (OfxStatusException ex) {
        BridgeLog.error("the host refused the status " + e.getKey().scriptName() + ": " + ex.getMessage(), null);
        return;
      }
    }
  }

  FrameRange timeDomain() {
    return node.timeDomain(sourceRange(), paramsAt(0));
  }

  FrameRange framesNeeded(double time) {
    return node.framesNeeded(time, sourceRange(), paramsAt(time));
  }

  private FrameRange sourceRange() {
    try (OfxShot shot = new OfxShot(api, effect)) {
      return shot.range(ClipSpec.SOURCE);
    }
  }
}
