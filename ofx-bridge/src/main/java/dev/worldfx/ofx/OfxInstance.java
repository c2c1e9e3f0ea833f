package dev.worldfx.ofx;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentHashMap;

/** One effect instance in a host: its context, parameter handles and render entry. */
final class OfxInstance {
  private final HostApi api;
  private final Node node;
  private final MemorySegment effect;
  private final NodeContext context;
  private final MemorySegment paramSet;
  private final ConcurrentHashMap<String, MemorySegment> paramHandles = new ConcurrentHashMap<>();
  /** Set when an error is on the node, so the next good render clears it. */
  volatile boolean messageShown;

  private OfxInstance(HostApi api, Node node, MemorySegment effect, NodeContext context) {
    this.api = api;
    this.node = node;
    this.effect = effect;
    this.context = context;
    this.paramSet = api.effects.paramSet(effect);
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
      OfxRenderContext ctx = new OfxRenderContext(api, effect, context, time, window, paramsAt(time), shot);
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
