package dev.worldfx.nodes.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RawImage;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.UnsupportedPixelsException;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Generate's placeholder against docs/ofx-contract.md; the noise is recomputed here from the text. */
class GenerateNodeTest {
  /** Negative coordinates on purpose: x >> 3 must floor (x = -1 is cell -1). */
  private static final RectI BOUNDS = new RectI(-20, -13, 12, 10);
  private static final byte SENTINEL = (byte) 0x77;

  private final Arena arena = Arena.ofConfined();
  private final GenerateNode node = new GenerateNode();

  @AfterEach
  void close() {
    arena.close();
  }

  /**
   * The contract's noise, written from the text with 64-bit longs masked to 32 bits (the node
   * uses wrapping ints, so the two are independent routes to the same numbers).
   */
  static float contractNoise(long seed, int x, int y, int c, double t) {
    long mask = 0xFFFFFFFFL;
    long cellX = Math.floorDiv(x, 8) & mask;
    long cellY = Math.floorDiv(y, 8) & mask;
    long frame = (long) (int) Math.floor(t) & mask;
    long h = (seed * 0x9E3779B1L & mask) ^ (cellX * 0x85EBCA77L & mask) ^ (cellY * 0xC2B2AE3DL & mask)
        ^ ((long) c * 0x27D4EB2FL & mask) ^ (frame * 0x165667B1L & mask);
    h ^= h >>> 15;
    h = h * 0x2C1B3C6DL & mask;
    h ^= h >>> 12;
    h = h * 0x297A2D39L & mask;
    h ^= h >>> 15;
    return (float) (h >>> 8) * (1f / 16777216f);
  }

  @Test
  void contractNoiseMatchesValuesWorkedOutOutsideJava() {
    // From a Python transcription of the contract (arbitrary-precision ints masked to 32 bits).
    assertEquals(15181084 / 16777216f, contractNoise(7, 0, 0, 0, 0));
    assertEquals(7213160 / 16777216f, contractNoise(7, 13, -1, 2, 3));
    assertEquals(11365831 / 16777216f, contractNoise(2147483647, -9, 40, 1, -2.5));
    assertEquals(13605396 / 16777216f, contractNoise(12345, 100, 7, 0, 1000));
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void generatorIsTheContractNoiseWithOpaqueAlpha(PixelDepth depth) {
    for (double t : new double[] {0, 2.7, -1.5, 1000}) {
      for (int seed : new int[] {0, 7, 2147483647}) {
        RawImage out = output(depth);
        render(NodeContext.GENERATOR, t, seed, Map.of(), null, BOUNDS, out);
        int opaque = RawImage.encode(1f, depth);
        for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
          for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
            for (int c = 0; c < 3; c++) {
              int expected = RawImage.encode(contractNoise(seed, x, y, c, t), depth);
              if (expected != out.bits(x, y, c)) {
                assertEquals(expected, out.bits(x, y, c), "seed " + seed + " t " + t + " at (" + x + "," + y + "," + c + ")");
              }
            }
            assertEquals(opaque, out.bits(x, y, 3), "alpha = 1");
          }
        }
      }
    }
  }

  @Test
  void sameSeedSamePixelsOtherSeedOtherPixels() {
    RawImage a = output(PixelDepth.FLOAT);
    RawImage b = output(PixelDepth.FLOAT);
    RawImage c = output(PixelDepth.FLOAT);
    RawImage laterFrame = output(PixelDepth.FLOAT);
    render(NodeContext.GENERATOR, 3, 42, Map.of(), null, BOUNDS, a);
    render(NodeContext.GENERATOR, 3.9, 42, Map.of(), null, BOUNDS, b);
    render(NodeContext.GENERATOR, 3, 43, Map.of(), null, BOUNDS, c);
    render(NodeContext.GENERATOR, 4, 42, Map.of(), null, BOUNDS, laterFrame);
    assertEquals(-1L, a.memory.mismatch(b.memory), "same seed, same frame: identical");
    assertTrue(differingRgb(a, c) > 0.9, "another seed changes almost every pixel");
    assertTrue(differingRgb(a, laterFrame) > 0.9, "another frame changes almost every pixel");
  }

  @Test
  void noiseIsConstantOver8x8Cells() {
    RawImage out = output(PixelDepth.FLOAT);
    render(NodeContext.GENERATOR, 0, 5, Map.of(), null, BOUNDS, out);
    assertEquals(out.bits(-8, 0, 0), out.bits(-1, 7, 0), "x in [-8,-1], y in [0,7]: one cell");
    assertTrue(out.bits(-1, 0, 0) != out.bits(0, 0, 0), "x = -1 and x = 0 are different cells");
  }

  @ParameterizedTest
  @EnumSource(value = PixelDepth.class, names = {"BYTE", "SHORT", "FLOAT"})
  void filterBlendsSourceTowardsNoiseAndKeepsAlpha(PixelDepth depth) {
    RawImage src = RawImage.of(arena, BOUNDS, depth, Components.RGBA, 0, true);
    src.fillRandom(17);
    for (String variationText : new String[] {"0.3", "0", "1"}) {
      RawImage out = output(depth);
      render(NodeContext.FILTER, 5.5, 9, Map.of("variation", variationText), src, BOUNDS, out);
      float variation = (float) Double.parseDouble(variationText);
      assertFilter(src, out, BOUNDS, 9, 5.5, variation);
    }
  }

  @Test
  void filterDefaultVariationIsAQuarter() {
    RawImage src = RawImage.of(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA);
    src.fillRandom(4);
    RawImage out = output(PixelDepth.FLOAT);
    render(NodeContext.FILTER, 0, 0, Map.of(), src, BOUNDS, out);
    assertFilter(src, out, BOUNDS, 0, 0, 0.25f);
  }

  @Test
  void renderWindowLeavesTheRestUntouched() {
    RawImage src = RawImage.of(arena, BOUNDS, PixelDepth.SHORT, Components.RGBA);
    src.fillRandom(8);
    RectI window = new RectI(-9, -4, 3, 2);
    RawImage gen = output(PixelDepth.SHORT);
    render(NodeContext.GENERATOR, 1, 3, Map.of(), null, window, gen);
    RawImage filtered = output(PixelDepth.SHORT);
    render(NodeContext.FILTER, 1, 3, Map.of(), src, window, filtered);
    assertFilter(src, filtered, window, 3, 1, 0.25f);
    byte[] sentinel = new byte[gen.bytesPerPixel()];
    Arrays.fill(sentinel, SENTINEL);
    for (int y = BOUNDS.y1(); y < BOUNDS.y2(); y++) {
      for (int x = BOUNDS.x1(); x < BOUNDS.x2(); x++) {
        if (!window.contains(x, y)) {
          assertArrayEquals(sentinel, gen.pixel(x, y), "(" + x + "," + y + ")");
        } else {
          assertEquals(65535, gen.bits(x, y, 3));
        }
      }
    }
  }

  @Test
  void filterNeedsASourceInTheOutputFormat() {
    RawImage out = output(PixelDepth.FLOAT);
    assertThrows(MissingInputException.class, () -> render(NodeContext.FILTER, 0, 0, Map.of(), null, BOUNDS, out));
    RawImage byteSrc = RawImage.of(arena, BOUNDS, PixelDepth.BYTE, Components.RGBA);
    assertThrows(UnsupportedPixelsException.class, () -> render(NodeContext.FILTER, 0, 0, Map.of(), byteSrc, BOUNDS, out));
  }

  private static void assertFilter(RawImage src, RawImage out, RectI window, int seed, double t, float variation) {
    for (int y = window.y1(); y < window.y2(); y++) {
      for (int x = window.x1(); x < window.x2(); x++) {
        for (int c = 0; c < 3; c++) {
          float v = src.value(x, y, c) * (1f - variation) + contractNoise(seed, x, y, c, t) * variation;
          int expected = RawImage.encode(v, out.depth);
          if (expected != out.bits(x, y, c)) {
            assertEquals(expected, out.bits(x, y, c), "variation " + variation + " at (" + x + "," + y + "," + c + ")");
          }
        }
        assertEquals(src.bits(x, y, 3), out.bits(x, y, 3), "alpha byte-exact at (" + x + "," + y + ")");
      }
    }
  }

  private static double differingRgb(RawImage a, RawImage b) {
    int differ = 0;
    int total = 0;
    for (int y = a.bounds.y1(); y < a.bounds.y2(); y++) {
      for (int x = a.bounds.x1(); x < a.bounds.x2(); x++) {
        for (int c = 0; c < 3; c++) {
          total++;
          differ += a.bits(x, y, c) != b.bits(x, y, c) ? 1 : 0;
        }
      }
    }
    return (double) differ / total;
  }

  private RawImage output(PixelDepth depth) {
    RawImage out = RawImage.of(arena, BOUNDS, depth, Components.RGBA);
    out.fill(SENTINEL);
    return out;
  }

  private void render(NodeContext context, double t, int seed, Map<String, String> extra, RawImage src, RectI window,
                      RawImage out) {
    Map<String, String> params = new java.util.HashMap<>(extra);
    params.put("seed", Integer.toString(seed));
    InMemoryShot shot = new InMemoryShot((int) Math.floor(t));
    if (src != null) {
      shot.with(ClipSpec.SOURCE, List.of(src.view));
    }
    node.render(new LocalRenderContext(context, t, window, new SpecParamValues(node.descriptor(), context, params), shot),
        out.view);
  }
}
