package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Inputs;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.RowBands;
import java.util.EnumSet;
import java.util.List;

/**
 * ExtendShot. Frames inside the source range pass through byte-exact (final behaviour).
 * PLACEHOLDER RENDER for the added frames: they hold the nearest real frame until the
 * learned world model of the ExtendShot issue lands.
 */
public final class ExtendShotNode implements Node {
  public static final String ID = "dev.worldfx.ExtendShot";

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX ExtendShot",
      "Extends a clip forwards or backwards by predicting the frames it never had. Real frames pass through "
          + "bit-exact. PLACEHOLDER: this build holds the nearest real frame; the world model is not implemented yet.",
      EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL)),
          ClipSpec.output()),
      ExtendShotParams.ALL, true);

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public boolean changesTimeDomain() {
    return true;
  }

  @Override
  public FrameRange timeDomain(FrameRange source, ParamValues params) {
    int direction = params.getChoice(ExtendShotParams.DIRECTION.name());
    int n = params.getInt(ExtendShotParams.FRAMES_TO_ADD.name());
    double before = direction == ExtendShotParams.FORWARD ? 0 : n;
    double after = direction == ExtendShotParams.BACKWARD ? 0 : n;
    return new FrameRange(source.first() - before, source.last() + after);
  }

  @Override
  public FrameRange framesNeeded(double time, FrameRange source, ParamValues params) {
    double t = source.clamp(time);
    return new FrameRange(t, t);
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    double t = ctx.shot().range(ClipSpec.SOURCE).clamp(ctx.time());
    FrameView src = Inputs.source(ctx, t, out);
    RectI window = ctx.renderWindow();
    // A copy is memory-bound: one thread saturates the bus; waking host threads costs more than it saves.
    long bytesPerRow = (long) window.width() * out.depth().bytesPerChannel() * out.components().channels();
    RowBands.forEachBand(ctx, window, RowBands.copyBandRows(bytesPerRow),
        (y0, y1) -> out.copyRowsFrom(src, y0, y1, window.x1(), window.x2()));
  }
}
