package dev.worldfx.nodes.generate;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Inputs;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderContext;
import java.util.EnumSet;
import java.util.List;

/**
 * Generate. PLACEHOLDER RENDER: seeded blocky value noise (Generator context), or the
 * source blended towards that noise by Variation (Filter context), until the generative
 * shot model of the Generate issue lands. Deterministic: same seed and frame, same pixels.
 */
public final class GenerateNode implements Node {
  public static final String ID = "dev.worldfx.Generate";

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX Generate",
      "Makes new frames: variations of a shot, or frames from a saved shot model. "
          + "PLACEHOLDER: this build outputs seeded noise; the generative model is not implemented yet.",
      EnumSet.of(NodeContext.GENERATOR, NodeContext.FILTER),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER)),
          ClipSpec.output()),
      GenerateParams.ALL, false);

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    int seed = ctx.params().getInt(GenerateParams.SEED.name());
    int frame = (int) Math.floor(ctx.time());
    RectI window = ctx.renderWindow();
    if (ctx.context() == NodeContext.GENERATOR) {
      ctx.forEachRow(window, y -> {
        for (int x = window.x1(); x < window.x2(); x++) {
          for (int c = 0; c < 3; c++) {
            out.store(x, y, c, noise(seed, x, y, c, frame));
          }
          out.store(x, y, 3, 1f);
        }
      });
      return;
    }
    FrameView src = Inputs.source(ctx, ctx.time(), out);
    float variation = (float) ctx.params().getDouble(GenerateParams.VARIATION.name());
    ctx.forEachRow(window, y -> {
      for (int x = window.x1(); x < window.x2(); x++) {
        for (int c = 0; c < 3; c++) {
          out.store(x, y, c, src.sample(x, y, c) * (1f - variation) + noise(seed, x, y, c, frame) * variation);
        }
        out.copyChannelFrom(src, x, y, 3);
      }
    });
  }

  /** Integer hash of 8x8 pixel cells, in [0,1); the constants are from common 32-bit mixers. */
  static float noise(int seed, int x, int y, int c, int frame) {
    int h = seed * 0x9E3779B1 ^ (x >> 3) * 0x85EBCA77 ^ (y >> 3) * 0xC2B2AE3D ^ c * 0x27D4EB2F ^ frame * 0x165667B1;
    h ^= h >>> 15;
    h *= 0x2C1B3C6D;
    h ^= h >>> 12;
    h *= 0x297A2D39;
    h ^= h >>> 15;
    return (h >>> 8) * (1f / 16777216f);
  }
}
