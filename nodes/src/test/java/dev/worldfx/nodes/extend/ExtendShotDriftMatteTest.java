package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExtendShot's Output "Back-test drift matte": each side's back-test error on its added frames, real frames untouched. */
class ExtendShotDriftMatteTest {
  private static final int W = 32;
  private static final int H = 20;
  private static final int N = 10;
  private static final RectI B = new RectI(0, 0, W, H);

  private final Arena arena = Arena.ofShared();
  @TempDir
  Path tmp;
  private ExtendShotNode node;
  private InMemoryShot shot;
  private List<FrameView> src;

  @BeforeEach
  void open() throws IOException {
    SequenceCache cache = SequenceCache.open(tmp.resolve("cache"), 1L << 30);
    node = new ExtendShotNode(() -> cache);
    Scene scene = Scene.pan(W, H, N, 1.4, 0.4);
    src = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      FrameView f = FrameView.allocate(arena, B, PixelDepth.FLOAT, Components.RGBA);
      scene.rgb(i).storeInto(f, B);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          f.store(x, y, 3, 0.5f);
        }
      }
      src.add(f);
    }
    shot = new InMemoryShot(0).with(ClipSpec.SOURCE, src);
  }

  @AfterEach
  void close() {
    arena.close();
  }

  private FrameView render(double t, Map<String, String> extra) {
    Map<String, String> params = new HashMap<>(Map.of("framesToAdd", "3", "backtestFrames", "3", "direction", "Both"));
    params.putAll(extra);
    LocalRenderContext ctx = new LocalRenderContext(NodeContext.FILTER, t, B,
        new SpecParamValues(node.descriptor(), NodeContext.FILTER, params), shot, () -> false, f -> {}, n -> {});
    FrameView out = FrameView.allocate(arena, B, PixelDepth.FLOAT, Components.RGBA);
    node.render(ctx, out);
    return out;
  }

  /** The source frames as the node reads them, as clip frames. */
  private ClipFrames clip() {
    return ClipFrames.of(src.stream().map(f -> ImagePlanes.rgbOf(f, B)).toList());
  }

  private static void assertMatte(float[] expected, FrameView out, String side) {
    float[] grey = new float[W * H];
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        grey[y * W + x] = out.sample(x, y, 0);
        assertEquals(out.sample(x, y, 0), out.sample(x, y, 1), 0f);
        assertEquals(out.sample(x, y, 0), out.sample(x, y, 2), 0f);
        assertEquals(1f, out.sample(x, y, 3), 0f, "the matte is opaque");
      }
    }
    assertArrayEquals(expected, grey, side + ": the back-test's own error matte, exactly");
  }

  @Test
  void eachSidesAddedFramesShowItsBacktestErrorAndRealFramesPassThrough() {
    Map<String, String> matte = Map.of("output", "Back-test drift matte");
    ShotExtender.Settings settings = new ShotExtender.Settings(false, 0);
    float[] after = new ShotExtender(settings, () -> {}, f -> {}).backtest(clip(), 3, 25).driftMatte();
    float[] before = new ShotExtender(settings, () -> {}, f -> {}).backtest(clip().reversed(), 3, 25).driftMatte();
    double sum = 0;
    for (float v : after) {
      sum += v;
    }
    assertTrue(sum > 0, "a pan's back-test has some error (new content at the edge)");
    assertMatte(after, render(N + 2, matte), "after");
    assertMatte(after, render(N, matte), "after, another added frame");
    assertMatte(before, render(-1, matte), "before");
    // a real frame is itself in both outputs
    FrameView real = render(4, matte);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < 4; c++) {
          assertEquals(Float.floatToRawIntBits(src.get(4).sample(x, y, c)), Float.floatToRawIntBits(real.sample(x, y, c)));
        }
      }
    }
    // the Result output of the same solve is the prediction, not the matte
    FrameView result = render(N, Map.of());
    assertEquals(0.5f, result.sample(3, 3, 3), 0f, "the nearest real frame's alpha");
  }

  @Test
  void withoutTheBacktestTheMatteIsAClearError() {
    NodeException off = assertThrows(NodeException.class,
        () -> render(N, Map.of("output", "Back-test drift matte", "backtestFrames", "0")));
    assertTrue(off.getMessage().contains("Back-test frames is 0"), off.getMessage());
    NodeException tooShort = assertThrows(NodeException.class,
        () -> render(N, Map.of("output", "Back-test drift matte", "backtestFrames", "9")));
    assertTrue(tooShort.getMessage().contains("at least 11"), tooShort.getMessage());
  }
}
