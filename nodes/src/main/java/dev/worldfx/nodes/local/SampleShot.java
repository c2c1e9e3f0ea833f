package dev.worldfx.nodes.local;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * The embedded sample shot of `worldfx demo` and the tests: a slowly panning striped
 * backdrop with an HDR highlight, and a red ball crossing it at constant speed; the
 * matte marks the ball (plus a 2 px margin) for removal. Float RGBA, deterministic.
 */
public final class SampleShot {
  public final int width;
  public final int height;
  public final List<FrameView> frames;
  public final List<FrameView> mattes;

  public SampleShot(Arena arena, int width, int height, int count) {
    this(arena, width, height, count, count);
  }

  /**
   * The shot's first {@code count} frames where the ball crosses its path in {@code pathFrames}
   * frames (and goes on at the same speed after them): the shot of {@code pathFrames} frames with
   * its future, for tests of what an extension should show.
   */
  public SampleShot(Arena arena, int width, int height, int count, int pathFrames) {
    this.width = width;
    this.height = height;
    List<FrameView> f = new ArrayList<>();
    List<FrameView> m = new ArrayList<>();
    RectI bounds = new RectI(0, 0, width, height);
    float radius = height * 0.12f;
    for (int t = 0; t < count; t++) {
      FrameView frame = FrameView.allocate(arena, bounds, PixelDepth.FLOAT, Components.RGBA);
      FrameView matte = FrameView.allocate(arena, bounds, PixelDepth.FLOAT, Components.ALPHA);
      float ballX = width * 0.15f + t * width * 0.6f / Math.max(1, pathFrames - 1);
      float ballY = height * 0.55f;
      float pan = t * 1.5f;
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          float u = (x + pan) / width;
          float v = (float) y / height;
          boolean stripe = ((int) Math.floor((x + pan + y * 0.5f) / 12f) & 1) == 0;
          float r = 0.25f + 0.5f * u;
          float g = 0.35f + 0.3f * v + (stripe ? 0.1f : 0f);
          float b = 0.6f - 0.3f * v;
          float sun = (x + pan - width * 0.8f) * (x + pan - width * 0.8f) + (y - height * 0.2f) * (y - height * 0.2f);
          if (sun < (height * 0.08f) * (height * 0.08f)) {
            r = g = b = 1.5f; // an HDR highlight, above 1.0 on purpose
          }
          float d = (float) Math.hypot(x - ballX, y - ballY);
          if (d < radius) {
            r = 0.85f;
            g = 0.1f;
            b = 0.08f;
          }
          frame.store(x, y, 0, r);
          frame.store(x, y, 1, g);
          frame.store(x, y, 2, b);
          frame.store(x, y, 3, 1f);
          matte.store(x, y, 0, d < radius + 2 ? 1f : 0f);
        }
      }
      f.add(frame);
      m.add(matte);
    }
    frames = List.copyOf(f);
    mattes = List.copyOf(m);
  }
}
