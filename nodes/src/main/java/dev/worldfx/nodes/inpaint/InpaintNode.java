package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Inputs;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.UnsupportedPixelsException;
import java.util.EnumSet;
import java.util.List;

/**
 * Inpaint. PLACEHOLDER RENDER: the matte is filled with flat 50% grey, blended by the
 * matte value, until the flow-guided propagation and synthesis of the Inpaint issue land.
 * What is already final: pixels where the matte is 0 are byte-exact copies of the source,
 * and alpha is never changed.
 */
public final class InpaintNode implements Node {
  public static final String ID = "dev.worldfx.Inpaint";
  /** The placeholder's fill value, in normalised units. */
  static final float PLACEHOLDER_FILL = 0.5f;

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX Inpaint",
      "Removes an object or logo across a whole shot from a matte. Outside the matte every pixel is returned "
          + "bit-exact. PLACEHOLDER: this build fills the matte with flat grey; the real fill is not implemented yet.",
      EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL)),
          new ClipSpec(ClipSpec.MASK, EnumSet.of(NodeContext.GENERAL), EnumSet.of(Components.ALPHA, Components.RGBA), true, true),
          ClipSpec.output()),
      InpaintParams.ALL, true);

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    double t = ctx.time();
    FrameView src = Inputs.source(ctx, t, out);
    int matteSource = ctx.params().getChoice(InpaintParams.MATTE_SOURCE.name());
    FrameView mask = null;
    if (matteSource == InpaintParams.MATTE_MASK_CLIP) {
      mask = ctx.shot().frame(ClipSpec.MASK, t).orElseThrow(() -> new MissingInputException(
          "Inpaint: the matte source is 'Mask clip' but no Mask image is connected at frame " + t
              + " (connect a Mask, or choose Source alpha / Source luminance)"));
      if (!mask.depth().supported()) {
        throw new UnsupportedPixelsException("Mask pixel depth " + mask.depth() + " is not supported");
      }
    }
    FrameView matte = mask;
    RectI window = ctx.renderWindow();
    ctx.forEachRow(window, y -> {
      for (int x = window.x1(); x < window.x2(); x++) {
        float m = FrameView.clamp01(matteValue(matteSource, src, matte, x, y));
        if (m == 0f) {
          out.copyRowFrom(src, y, x, x + 1);
          continue;
        }
        for (int c = 0; c < 3; c++) {
          out.store(x, y, c, src.sample(x, y, c) * (1f - m) + PLACEHOLDER_FILL * m);
        }
        out.copyChannelFrom(src, x, y, 3);
      }
    });
  }

  private static float matteValue(int matteSource, FrameView src, FrameView mask, int x, int y) {
    return switch (matteSource) {
      case InpaintParams.MATTE_MASK_CLIP -> mask.alpha(x, y);
      case InpaintParams.MATTE_SOURCE_ALPHA -> src.alpha(x, y);
      case InpaintParams.MATTE_SOURCE_LUMINANCE -> 0.2126f * src.sample(x, y, 0) + 0.7152f * src.sample(x, y, 1)
          + 0.0722f * src.sample(x, y, 2);
      default -> throw new IllegalArgumentException("matteSource index " + matteSource);
    };
  }

}
