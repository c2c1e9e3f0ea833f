package dev.worldfx.nodes.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RawImage;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.UnsupportedPixelsException;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.cache.SequenceCache;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Inpaint's render contract (docs/ofx-contract.md) pixel by pixel on one-frame shots: outside
 * the matte a byte-exact copy, alpha untouched, inside source·(1−w) + fill·w with the weight
 * recomputed here from the matte and the fill taken from running the solver on the same frames.
 */
class InpaintNodeTest {
  private static final RectI BOUNDS = new RectI(-4, 3, 12, 15);
  private static final RectI WINDOW = new RectI(-1, 5, 7, 11);
  private static final byte SENTINEL = (byte) 0xCD;

  private final Arena arena = Arena.ofConfined();
  @TempDir
  Path cacheDir;
  private InpaintNode node;

  @BeforeEach
  void open() throws Exception {
    SequenceCache cache = SequenceCache.open(cacheDir, 1L << 30);
    node = new InpaintNode(() -> cache);
  }

  @AfterEach
  void close() {
    arena.close();
  }

  static Stream<PixelDepth> depths() {
    return Stream.of(PixelDepth.BYTE, PixelDepth.SHORT, PixelDepth.FLOAT);
  }

  static Stream<Arguments> depthsAndMasks() {
    return depths().flatMap(d -> Stream.of(
        Arguments.of(d, PixelDepth.BYTE, Components.ALPHA), Arguments.of(d, PixelDepth.FLOAT, Components.ALPHA),
        Arguments.of(d, PixelDepth.SHORT, Components.RGBA), Arguments.of(d, PixelDepth.FLOAT, Components.RGBA)));
  }

  @ParameterizedTest
  @MethodSource("depths")
  void matteZeroReturnsTheSourceBitForBit(PixelDepth depth) {
    RawImage src = source(depth);
    RawImage mask = RawImage.of(arena, BOUNDS, PixelDepth.BYTE, Components.ALPHA); // all 0
    RawImage out = output(depth);
    render(NodeContext.GENERAL, Map.of(), shot(src, mask), BOUNDS, out);
    assertEquals(src.memory.byteSize(), out.memory.byteSize());
    assertEquals(-1L, src.memory.mismatch(out.memory), "output memory == source memory");
    if (depth == PixelDepth.FLOAT) {
      assertTrue(containsValue(out, 1.5f) && containsValue(out, -0.25f), "HDR and negative values were in the test");
    }
  }

  @ParameterizedTest
  @MethodSource("depths")
  void matteEverywhereIsAClearError(PixelDepth depth) {
    RawImage src = source(depth);
    RawImage mask = RawImage.of(arena, BOUNDS, PixelDepth.FLOAT, Components.ALPHA);
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        mask.setBits(x, y, 0, Float.floatToRawIntBits(1f));
      }
    }
    RawImage out = output(depth);
    NodeException e = assertThrows(NodeException.class,
        () -> render(NodeContext.GENERAL, Map.of(), shot(src, mask), BOUNDS, out));
    assertTrue(e.getMessage().contains("covers the whole"), e.getMessage());
    assertUntouched(out);
  }

  @ParameterizedTest
  @MethodSource("depthsAndMasks")
  void maskClipFollowsTheContract(PixelDepth depth, PixelDepth maskDepth, Components maskComponents) throws Exception {
    RawImage src = source(depth);
    RawImage mask = mask(maskDepth, maskComponents, BOUNDS);
    RawImage out = output(depth);
    render(NodeContext.GENERAL, Map.of(), shot(src, mask), BOUNDS, out);
    assertInpainted(src, out, BOUNDS, (x, y) -> maskValue(mask, x, y), expected(NodeContext.GENERAL, Map.of(), src, mask));
  }

  @ParameterizedTest
  @MethodSource("depths")
  void maskSmallerThanTheSourceReadsZeroOutside(PixelDepth depth) throws Exception {
    RawImage src = source(depth);
    RawImage mask = mask(PixelDepth.BYTE, Components.ALPHA, new RectI(0, 5, 8, 12));
    RawImage out = output(depth);
    render(NodeContext.GENERAL, Map.of("matteSource", "Mask clip"), shot(src, mask), BOUNDS, out);
    assertInpainted(src, out, BOUNDS, (x, y) -> maskValue(mask, x, y),
        expected(NodeContext.GENERAL, Map.of("matteSource", "Mask clip"), src, mask));
    assertArrayEquals(src.pixel(-4, 3), out.pixel(-4, 3), "outside the mask: copied");
  }

  @ParameterizedTest
  @MethodSource("depths")
  void sourceAlphaFollowsTheContract(PixelDepth depth) throws Exception {
    RawImage src = source(depth);
    RawImage out = output(depth);
    // Filter's default matte source is Source alpha.
    render(NodeContext.FILTER, Map.of(), shot(src, null), BOUNDS, out);
    assertInpainted(src, out, BOUNDS, (x, y) -> src.value(x, y, 3), expected(NodeContext.FILTER, Map.of(), src, null));
  }

  @ParameterizedTest
  @MethodSource("depths")
  void sourceLuminanceFollowsTheContract(PixelDepth depth) throws Exception {
    RawImage src = source(depth);
    RawImage out = output(depth);
    render(NodeContext.FILTER, Map.of("matteSource", "Source luminance"), shot(src, null), BOUNDS, out);
    assertInpainted(src, out, BOUNDS, (x, y) -> luminance(src, x, y),
        expected(NodeContext.FILTER, Map.of("matteSource", "Source luminance"), src, null));
  }

  @ParameterizedTest
  @MethodSource("depths")
  void renderWindowLeavesTheRestUntouched(PixelDepth depth) throws Exception {
    RawImage src = source(depth);
    RawImage mask = mask(PixelDepth.SHORT, Components.RGBA, BOUNDS);
    for (String matte : List.of("Mask clip", "Source alpha", "Source luminance")) {
      RawImage out = output(depth);
      render(NodeContext.GENERAL, Map.of("matteSource", matte), shot(src, mask), WINDOW, out);
      Matte m = switch (matte) {
        case "Mask clip" -> (x, y) -> maskValue(mask, x, y);
        case "Source alpha" -> (x, y) -> src.value(x, y, 3);
        default -> (x, y) -> luminance(src, x, y);
      };
      assertInpainted(src, out, WINDOW, m, expected(NodeContext.GENERAL, Map.of("matteSource", matte), src, mask));
    }
  }

  @Test
  void bottomUpSourceAndPaddedOutputAreReadAndWrittenInPlace() throws Exception {
    RawImage src = RawImage.of(arena, BOUNDS, PixelDepth.SHORT, Components.RGBA, 6, true);
    src.fillRandom(5);
    RawImage mask = mask(PixelDepth.BYTE, Components.ALPHA, BOUNDS);
    RawImage out = RawImage.of(arena, BOUNDS, PixelDepth.SHORT, Components.RGBA, 10, false);
    out.fill(SENTINEL);
    render(NodeContext.GENERAL, Map.of(), shot(src, mask), BOUNDS, out);
    assertInpainted(src, out, BOUNDS, (x, y) -> maskValue(mask, x, y), expected(NodeContext.GENERAL, Map.of(), src, mask));
  }

  @Test
  void maskClipWithoutAMaskIsAMissingInput() {
    RawImage src = source(PixelDepth.BYTE);
    RawImage out = output(PixelDepth.BYTE);
    MissingInputException e = assertThrows(MissingInputException.class,
        () -> render(NodeContext.GENERAL, Map.of(), shot(src, null), BOUNDS, out));
    assertTrue(e.getMessage().contains("Mask"), e.getMessage());
    assertUntouched(out);
  }

  @Test
  void halfOutputIsRefused() {
    RawImage src = source(PixelDepth.SHORT);
    FrameView out = FrameView.allocate(arena, BOUNDS, PixelDepth.HALF, Components.RGBA);
    assertThrows(UnsupportedPixelsException.class, () -> node.render(ctx(NodeContext.FILTER, Map.of(), shot(src, null),
        BOUNDS, () -> false), out));
  }

  @Test
  void sourceAndOutputFormatsMustMatch() {
    RawImage src = source(PixelDepth.BYTE);
    RawImage out = output(PixelDepth.FLOAT);
    assertThrows(UnsupportedPixelsException.class, () -> render(NodeContext.FILTER, Map.of(), shot(src, null), BOUNDS, out));
    assertUntouched(out);
    RawImage alphaSrc = RawImage.of(arena, BOUNDS, PixelDepth.FLOAT, Components.ALPHA);
    assertThrows(UnsupportedPixelsException.class,
        () -> render(NodeContext.FILTER, Map.of(), shot(alphaSrc, null), BOUNDS, out));
    assertUntouched(out);
  }

  @Test
  void abortedBeforeTheFirstBandWritesNothing() {
    RawImage src = source(PixelDepth.BYTE);
    RawImage out = output(PixelDepth.BYTE);
    assertThrows(RenderAbortedException.class,
        () -> node.render(ctx(NodeContext.FILTER, Map.of(), shot(src, null), BOUNDS, () -> true), out.view));
    assertUntouched(out);
  }

  @Test
  void abortBetweenBandsStopsWriting() {
    RectI tall = new RectI(0, 0, 4, 70);
    RawImage src = RawImage.of(arena, tall, PixelDepth.BYTE, Components.RGBA);
    src.fillRandom(9);
    for (int y = 0; y < 70; y++) {
      for (int x = 0; x < 4; x++) {
        src.setBits(x, y, 3, 0); // alpha 0: nothing to remove, so no solve and the render goes straight to the rows
      }
    }
    RawImage out = RawImage.of(arena, tall, PixelDepth.BYTE, Components.RGBA);
    out.fill(SENTINEL);
    AtomicInteger polls = new AtomicInteger();
    assertThrows(RenderAbortedException.class, () -> node.render(
        ctx(NodeContext.FILTER, Map.of("matteSource", "Source alpha"), shot(src, null), tall, () -> polls.getAndIncrement() > 0),
        out.view));
    byte[] sentinel = new byte[4];
    Arrays.fill(sentinel, SENTINEL);
    for (int y = 0; y < 70; y++) {
      for (int x = 0; x < 4; x++) {
        if (y < 32) {
          assertEquals(src.bits(x, y, 3), out.bits(x, y, 3), "first band written, y=" + y);
        } else {
          assertArrayEquals(sentinel, out.pixel(x, y), "nothing after the abort, y=" + y);
        }
      }
    }
  }

  // --- the contract, recomputed ------------------------------------------------------------

  @FunctionalInterface
  interface Matte {
    float at(int x, int y);
  }

  private static float maskValue(RawImage mask, int x, int y) {
    if (!mask.bounds.contains(x, y)) {
      return 0f;
    }
    return mask.value(x, y, mask.components == Components.ALPHA ? 0 : 3);
  }

  private static float luminance(RawImage src, int x, int y) {
    return 0.2126f * src.value(x, y, 0) + 0.7152f * src.value(x, y, 1) + 0.0722f * src.value(x, y, 2);
  }

  /** The solver's fill of the one-frame shot, run directly (the node must render exactly this). */
  private FrameFill expected(NodeContext context, Map<String, String> params, RawImage src, RawImage mask)
      throws java.io.IOException {
    SpecParamValues values = new SpecParamValues(node.descriptor(), context, params);
    FrameFill[] fill = new FrameFill[1];
    new InpaintSolver(InpaintSettings.from(values), () -> {}, f -> {}).solve(new NodeShotFrames(shot(src, mask),
        values.getChoice(InpaintParams.MATTE_SOURCE.name()), 0, 0, BOUNDS), (i, f) -> fill[0] = f);
    return fill[0];
  }

  private static void assertInpainted(RawImage src, RawImage out, RectI window, Matte matte, FrameFill fill) {
    byte[] sentinel = new byte[out.bytesPerPixel()];
    Arrays.fill(sentinel, SENTINEL);
    int copied = 0;
    int filled = 0;
    int partial = 0;
    for (int y = out.bounds.y1(); y < out.bounds.y2(); y++) {
      for (int x = out.bounds.x1(); x < out.bounds.x2(); x++) {
        String at = "(" + x + "," + y + ")";
        if (!window.contains(x, y)) {
          assertArrayEquals(sentinel, out.pixel(x, y), "outside the render window " + at);
          continue;
        }
        float raw = matte.at(x, y);
        float m = raw < 0f ? 0f : (raw > 1f ? 1f : raw);
        if (m == 0f) {
          assertArrayEquals(src.pixel(x, y), out.pixel(x, y), "matte 0: source copied " + at);
          copied++;
          continue;
        }
        if (m == 1f) {
          filled++;
        } else {
          partial++;
        }
        int k = fill.boxIndex(x - BOUNDS.x1(), y - BOUNDS.y1());
        assertTrue(k >= 0, "a pixel with matte " + m + " is in the fill's box " + at);
        assertEquals(m, fill.weight()[k], "weight = the clamped matte (no dilate, no feather) " + at);
        for (int c = 0; c < 3; c++) {
          float v = src.value(x, y, c) * (1f - m) + fill.rgb()[c * fill.pixels() + k] * m;
          assertEquals(RawImage.encode(v, out.depth), out.bits(x, y, c), "channel " + c + " at " + at + ", m=" + m);
        }
        assertEquals(src.bits(x, y, 3), out.bits(x, y, 3), "alpha at " + at);
      }
    }
    assertTrue(copied > 0 && filled + partial > 0, "the test covers copied and filled pixels: " + copied + "/" + filled
        + "/" + partial);
  }

  // --- fixtures -----------------------------------------------------------------------------

  /** Random pixels, with some alpha 0 (Source alpha matte 0) and some RGB 0 or negative (luminance 0). */
  private RawImage source(PixelDepth depth) {
    RawImage src = RawImage.of(arena, BOUNDS, depth, Components.RGBA);
    src.fillRandom(depth.ordinal() * 31L + 1);
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        if (Math.floorMod(x + 2 * y, 5) == 0) {
          src.setBits(x, y, 3, depth == PixelDepth.FLOAT ? Float.floatToRawIntBits(-0.5f) : 0);
        }
        if (Math.floorMod(3 * x + y, 7) == 0) {
          float dark = depth == PixelDepth.FLOAT && (x & 1) == 0 ? -0.3f : 0f;
          for (int c = 0; c < 3; c++) {
            src.setBits(x, y, c, depth == PixelDepth.FLOAT ? Float.floatToRawIntBits(dark) : 0);
          }
        }
        if (Math.floorMod(x - y, 9) == 0) {
          src.setBits(x, y, 3, depth == PixelDepth.FLOAT ? Float.floatToRawIntBits(1.5f) : (1 << 8 * depth.bytesPerChannel()) - 1);
        }
      }
    }
    return src;
  }

  /** 0, 1, partial values and (float) values outside [0,1]; junk in an RGBA mask's colour channels. */
  private RawImage mask(PixelDepth depth, Components components, RectI bounds) {
    RawImage mask = RawImage.of(arena, bounds, depth, components);
    mask.fillRandom(99);
    int alpha = components == Components.ALPHA ? 0 : 3;
    float[] pattern = depth == PixelDepth.FLOAT
        ? new float[] {0f, 1f, 0.25f, 0.6f, 1.5f, -0.3f, 0f, 0.999f}
        : new float[] {0f, 1f, 0.25f, 0.6f, 0f, 0.1f};
    int i = 0;
    for (int y = bounds.y1(); y < bounds.y2(); y++) {
      for (int x = bounds.x1(); x < bounds.x2(); x++) {
        if ((x + y & 3) != 3) { // every fourth pixel keeps its random alpha
          mask.setValue(x, y, alpha, pattern[i++ % pattern.length]);
        }
      }
    }
    return mask;
  }

  private RawImage output(PixelDepth depth) {
    RawImage out = RawImage.of(arena, BOUNDS, depth, Components.RGBA);
    out.fill(SENTINEL);
    return out;
  }

  private static void assertUntouched(RawImage out) {
    for (long i = 0; i < out.memory.byteSize(); i++) {
      if (out.memory.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i) != SENTINEL) {
        throw new AssertionError("output byte " + i + " was written");
      }
    }
  }

  private static boolean containsValue(RawImage img, float v) {
    for (int y = img.bounds.y1(); y < img.bounds.y2(); y++) {
      for (int x = img.bounds.x1(); x < img.bounds.x2(); x++) {
        for (int c = 0; c < 4; c++) {
          if (img.bits(x, y, c) == Float.floatToRawIntBits(v)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static InMemoryShot shot(RawImage src, RawImage mask) {
    InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, List.of(src.view));
    return mask == null ? shot : shot.with(ClipSpec.MASK, List.of(mask.view));
  }

  private LocalRenderContext ctx(NodeContext context, Map<String, String> params, InMemoryShot shot, RectI window,
                                 BooleanSupplier abort) {
    return new LocalRenderContext(context, 0, window, new SpecParamValues(node.descriptor(), context, params), shot, abort);
  }

  private void render(NodeContext context, Map<String, String> params, InMemoryShot shot, RectI window, RawImage out) {
    node.render(ctx(context, params, shot, window, () -> false), out.view);
  }
}
