package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RawImage;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.nodes.StatusRecorder;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class ExtendShotNodeTest {
  private static final RectI BOUNDS = new RectI(-3, -2, 9, 8);
  private static final int FIRST = 10;
  private static final int COUNT = 4;

  private final Arena arena = Arena.ofShared();
  @TempDir
  Path cacheDir;
  private ExtendShotNode node;

  @BeforeEach
  void open() throws Exception {
    SequenceCache cache = SequenceCache.open(cacheDir, 1L << 30);
    node = new ExtendShotNode(() -> cache);
  }

  @AfterEach
  void close() {
    arena.close();
  }

  @ParameterizedTest
  @CsvSource({"Forward, 5, 10, 25", "Backward, 5, 5, 20", "Both, 5, 5, 25", "Both, 0, 10, 20", "2, 3, 7, 23"})
  void timeDomainAddsFramesOnTheChosenSides(String direction, int frames, double first, double last) {
    SpecParamValues params = new SpecParamValues(node.descriptor(), NodeContext.FILTER,
        Map.of("direction", direction, "framesToAdd", Integer.toString(frames)));
    assertEquals(new FrameRange(first, last), node.timeDomain(new FrameRange(10, 20), params));
    assertTrue(node.changesTimeDomain());
  }

  @Test
  void defaultTimeDomainIsForward24() {
    ExtendShotNode node = new ExtendShotNode();
    SpecParamValues params = new SpecParamValues(node.descriptor(), NodeContext.GENERAL, Map.of());
    assertEquals(new FrameRange(0, 124), node.timeDomain(new FrameRange(0, 100), params));
  }

  @Test
  void framesNeededAreTheFrameOrTheFramesTheModelIsKeyedOn() {
    SpecParamValues params = new SpecParamValues(node.descriptor(), NodeContext.FILTER, Map.of("direction", "Both"));
    FrameRange source = new FrameRange(10, 40);
    assertEquals(new FrameRange(10, 25), node.framesNeeded(3, source, params));
    assertEquals(new FrameRange(14, 14), node.framesNeeded(14, source, params));
    assertEquals(new FrameRange(25, 40), node.framesNeeded(50, source, params));
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void rendersInsideTheRangeAreTheFramesThemselves(PixelDepth depth) {
    List<RawImage> frames = frames(depth);
    for (int i = 0; i < COUNT; i++) {
      RawImage out = output(depth);
      render(FIRST + i, frames, BOUNDS, out);
      assertEquals(-1L, frames.get(i).memory.mismatch(out.memory), "frame " + (FIRST + i) + " byte-exact");
    }
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void addedFramesArePredictedWithTheNearestFramesAlphaAndAreDeterministic(PixelDepth depth) {
    List<RawImage> frames = frames(depth);
    for (double t : new double[] {FIRST - 5, FIRST - 1, FIRST + COUNT, FIRST + COUNT + 30}) {
      RawImage nearest = frames.get(t < FIRST ? 0 : COUNT - 1);
      RawImage out = output(depth);
      render(t, frames, BOUNDS, out);
      RawImage again = output(depth);
      render(t, frames, BOUNDS, again);
      assertEquals(-1L, out.memory.mismatch(again.memory), "t=" + t + " the same bits twice");
      boolean differs = false;
      for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
        for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
          assertEquals(nearest.bits(x, y, 3), out.bits(x, y, 3), "alpha at (" + x + "," + y + "), t=" + t);
          for (int c = 0; c < 3; c++) {
            assertTrue(Float.isFinite(out.value(x, y, c)), "finite");
            differs |= out.bits(x, y, c) != nearest.bits(x, y, c);
          }
        }
      }
      assertTrue(differs, "t=" + t + " is a prediction, not the held frame");
    }
  }

  @Test
  void theNodeRendersTheEnginesPredictionAndSaysWhatTheBacktestFound() {
    int w = 64, h = 40, n = 16;
    Scene scene = Scene.pan(w, h, n + 4, 1.8, 0.4);
    RectI b = new RectI(0, 0, w, h);
    List<FrameView> src = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FrameView f = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA);
      scene.rgb(i).storeInto(f, b);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          f.store(x, y, 3, 1f);
        }
      }
      src.add(f);
    }
    InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, src);
    List<String> notices = new ArrayList<>();
    FrameView out = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA);
    node.render(new LocalRenderContext(NodeContext.FILTER, n - 1 + 3, b, new SpecParamValues(node.descriptor(),
        NodeContext.FILTER, Map.of("framesToAdd", "5", "backtestFrames", "4")), shot, () -> false, f -> {},
        notices::add), out);
    ShotExtender x = new ShotExtender(new ShotExtender.Settings(false, 0), () -> {}, f -> {});
    ShotExtender.Backtest bt = x.backtest(scene.head(n), 4, 25);
    ShotExtender.Model m = x.fit(scene.head(n));
    m.useAppearance = bt.appearanceHelps();
    ImagePlanes[] third = new ImagePlanes[1];
    x.predict(m, 3, (t, f) -> third[0] = f);
    ImagePlanes rendered = ImagePlanes.rgbOf(out, b);
    assertArrayEquals(third[0].data(), rendered.data(), "the node shows the engine's frame");
    assertTrue(notices.getFirst().startsWith("ExtendShot back-test: safe extension length"), notices.toString());
    assertTrue(Metrics.psnr(rendered.data(), scene.rgb(n - 1 + 3).data()) > 25, "close to the real future");
  }

  @Test
  void statusSaysSolvingThenSolvedTheSafeLengthAndWhetherTheCacheAnswered() {
    int w = 20, h = 14, n = 6; // small: the test is about the status, the prediction is tested above
    Scene scene = Scene.pan(w, h, n, 1.2, 0.3);
    RectI b = new RectI(0, 0, w, h);
    List<FrameView> src = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      FrameView f = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA);
      scene.rgb(i).storeInto(f, b);
      src.add(f);
    }
    InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, src);
    Map<String, String> params = Map.of("framesToAdd", "2", "backtestFrames", "2");
    StatusRecorder first = statusRender(shot, n, b, params, () -> false);
    List<String> solve = first.solveHistory();
    assertEquals("solving 0%", solve.getFirst(), solve.toString());
    assertEquals("solved", solve.getLast(), solve.toString());
    assertTrue(solve.stream().anyMatch(t -> t.matches("solving [1-9][0-9]?%")), "progress in between: " + solve);
    assertEquals("no", first.latest(StatusField.CACHE_HIT));
    assertEquals("cpu", first.latest(StatusField.BACKEND));
    String safe = first.latest(StatusField.SAFE_LENGTH);
    assertTrue(safe != null && safe.matches("(at least )?[0-2] frame\\(s\\)( \\(fewer than the 2 being added\\))?"), safe);

    StatusRecorder second = statusRender(shot, n + 1, b, params, () -> false);
    assertEquals("yes", second.latest(StatusField.CACHE_HIT));
    assertEquals(List.of("solved"), second.solveHistory());
    assertEquals(safe, second.latest(StatusField.SAFE_LENGTH), "the safe length comes back with the cached solve");

    StatusRecorder real = statusRender(shot, 4, b, params, () -> false);
    assertEquals("not used (a real frame, passed through)", real.latest(StatusField.CACHE_HIT));

    // A stopped solve (another seed, so not in the cache) says so; statusRender checks the text.
    assertThrows(RenderAbortedException.class,
        () -> statusRender(shot, n, b, Map.of("framesToAdd", "2", "seed", "9"), () -> true));
  }

  @Test
  void aFailedSolveSaysWhyInTheStatus() {
    RectI b = new RectI(0, 0, 16, 12);
    List<FrameView> src = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      // One frame of another size: the solve cannot use the shot.
      src.add(FrameView.allocate(arena, i == 2 ? new RectI(0, 0, 8, 12) : b, PixelDepth.FLOAT, Components.RGBA));
    }
    InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, src);
    StatusRecorder[] ctx = new StatusRecorder[1];
    FrameView out = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA);
    assertThrows(MissingInputException.class, () -> {
      ctx[0] = new StatusRecorder(new LocalRenderContext(NodeContext.FILTER, 7, b,
          new SpecParamValues(node.descriptor(), NodeContext.FILTER, Map.of("framesToAdd", "2", "backtestFrames", "0")),
          shot));
      node.render(ctx[0], out);
    });
    String solve = ctx[0].latest(StatusField.SOLVE);
    assertTrue(solve.startsWith("failed: ExtendShot: the Source frame at 2 is"), solve);
  }

  private StatusRecorder statusRender(InMemoryShot shot, double t, RectI b, Map<String, String> params,
                                      java.util.function.BooleanSupplier abort) {
    StatusRecorder ctx = new StatusRecorder(new LocalRenderContext(NodeContext.FILTER, t, b,
        new SpecParamValues(node.descriptor(), NodeContext.FILTER, params), shot, abort));
    try {
      node.render(ctx, FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA));
    } catch (RenderAbortedException e) {
      assertEquals("not solved (stopped)", ctx.latest(StatusField.SOLVE));
      throw e;
    }
    return ctx;
  }

  @Test
  void renderWindowLeavesTheRestUntouched() {
    List<RawImage> frames = frames(PixelDepth.FLOAT);
    RawImage out = output(PixelDepth.FLOAT);
    RectI window = new RectI(0, 1, 5, 6);
    render(FIRST + COUNT + 2, frames, window, out);
    byte[] sentinel = new byte[out.bytesPerPixel()];
    Arrays.fill(sentinel, (byte) 0xEE);
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        if (window.contains(x, y)) {
          assertEquals(frames.get(COUNT - 1).bits(x, y, 3), out.bits(x, y, 3), "alpha (" + x + "," + y + ")");
        } else {
          assertArrayEquals(sentinel, out.pixel(x, y), "(" + x + "," + y + ")");
        }
      }
    }
  }

  @Test
  void noSourceIsAMissingInput() {
    RawImage out = output(PixelDepth.BYTE);
    InMemoryShot empty = new InMemoryShot(0);
    assertThrows(MissingInputException.class, () -> node.render(new LocalRenderContext(NodeContext.FILTER, 0, BOUNDS,
        new SpecParamValues(node.descriptor(), NodeContext.FILTER, Map.of()), empty), out.view));
  }

  /** Distinct frames; float ones carry HDR and negative values. */
  private List<RawImage> frames(PixelDepth depth) {
    List<RawImage> frames = new ArrayList<>();
    for (int i = 0; i < COUNT; i++) {
      RawImage f = RawImage.of(arena, BOUNDS, depth, Components.RGBA);
      f.fillRandom(100 + i);
      frames.add(f);
    }
    for (int i = 1; i < COUNT; i++) {
      assertTrue(frames.get(0).memory.mismatch(frames.get(i).memory) >= 0, "frames differ");
    }
    return frames;
  }

  private RawImage output(PixelDepth depth) {
    RawImage out = RawImage.of(arena, BOUNDS, depth, Components.RGBA);
    out.fill((byte) 0xEE);
    return out;
  }

  private void render(double t, List<RawImage> frames, RectI window, RawImage out) {
    InMemoryShot shot = new InMemoryShot(FIRST).with(ClipSpec.SOURCE, frames.stream().map(f -> f.view).toList());
    SpecParamValues params = new SpecParamValues(node.descriptor(), NodeContext.FILTER,
        Map.of("direction", "Both", "framesToAdd", "50"));
    node.render(new LocalRenderContext(NodeContext.FILTER, t, window, params, shot), out.view);
  }
}
