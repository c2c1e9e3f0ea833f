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
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.SafeTensorsWriter;
import dev.worldfx.nodes.cache.SequenceCache;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Generate against docs/ofx-contract.md: the Generator's no-model test pattern (recomputed here from the
 * text), the Filter's cached VGPNN sample with the source alpha, and the Generator sampling a model file.
 */
class GenerateNodeTest {
  /** Negative coordinates on purpose: x >> 3 must floor (x = -1 is cell -1). */
  private static final RectI BOUNDS = new RectI(-20, -13, 12, 10);
  private static final byte SENTINEL = (byte) 0x77;

  private final Arena arena = Arena.ofConfined();
  @TempDir
  Path cacheDir;
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

  @Test
  void generatorLeavesPixelsOutsideTheWindowUntouched() {
    RectI window = new RectI(-9, -4, 3, 2);
    RawImage gen = output(PixelDepth.SHORT);
    render(NodeContext.GENERATOR, 1, 3, Map.of(), null, window, gen);
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

  @Test
  void filterShowsTheSeededSampleOfTheWholeShotWithTheSourceAlpha() throws Exception {
    Video ref = MovingDiscs.shot(VideoGpnnTest.T, VideoGpnnTest.H, VideoGpnnTest.W);
    RectI b = new RectI(0, 0, ref.width(), ref.height());
    List<FrameView> frames = new ArrayList<>();
    for (int t = 0; t < ref.frames(); t++) {
      RawImage f = RawImage.of(arena, b, PixelDepth.FLOAT, Components.RGBA);
      ref.frame(t).storeInto(f.view, b);
      for (int y = 0; y < b.height(); y++) {
        for (int x = 0; x < b.width(); x++) {
          f.setValue(x, y, 3, ((x * 7 + y * 3 + t) % 11) / 10f);
        }
      }
      frames.add(f.view);
    }
    InMemoryShot shot = new InMemoryShot(100).with(ClipSpec.SOURCE, frames);
    SequenceCache cache = SequenceCache.open(cacheDir, 1L << 30);
    GenerateNode cached = new GenerateNode(() -> cache);
    Video expected = VideoGpnn.sample(ShotModel.build(ref, ShotModel.Pyramid.DEFAULT), ref.frames(), 7, 0.25,
        () -> {}, f -> {});
    for (int t : new int[] {103, 100, 107}) {
      RawImage out = RawImage.of(arena, b, PixelDepth.FLOAT, Components.RGBA);
      cached.render(new LocalRenderContext(NodeContext.FILTER, t, b, new SpecParamValues(cached.descriptor(),
          NodeContext.FILTER, Map.of("seed", "7")), shot), out.view);
      float[] want = expected.frame(t - 100).data();
      int plane = b.width() * b.height();
      for (int y = 0; y < b.height(); y++) {
        for (int x = 0; x < b.width(); x++) {
          for (int c = 0; c < 3; c++) {
            assertEquals(Float.floatToIntBits(want[c * plane + y * b.width() + x]), out.bits(x, y, c),
                "frame " + t + " (" + x + "," + y + "," + c + ")");
          }
          assertEquals(frames.get(t - 100).sample(x, y, 3), out.value(x, y, 3), "alpha byte-exact");
        }
      }
    }
    assertTrue(cache.stats().entries() >= ref.frames(), "every sample frame is cached");
  }

  @Test
  void generatorSamplesTheModelFileLikeTheModelInMemory() throws Exception {
    Video ref = MovingDiscs.shot(6, 32, 40);
    ShotModel model = ShotModel.build(ref, ShotModel.Pyramid.DEFAULT);
    Path file = cacheDir.resolve("shot.safetensors");
    model.save(file);
    Video expected = VideoGpnn.sample(model, 9, 5, 0.25, () -> {}, f -> {});
    SequenceCache cache = SequenceCache.open(cacheDir.resolve("cache"), 1L << 30);
    GenerateNode cached = new GenerateNode(() -> cache);
    RectI b = new RectI(-2, -1, 44, 34);
    RawImage out = RawImage.of(arena, b, PixelDepth.FLOAT, Components.RGBA);
    cached.render(new LocalRenderContext(NodeContext.GENERATOR, 11.5, b, new SpecParamValues(cached.descriptor(),
        NodeContext.GENERATOR, Map.of("seed", "5", "modelFile", file.toString(), "frames", "9")),
        new InMemoryShot(0)), out.view);
    float[] want = expected.frame(2).data(); // 11 mod 9
    int plane = 32 * 40;
    for (int y = b.y1(); y < b.y2(); y++) {
      for (int x = b.x1(); x < b.x2(); x++) {
        boolean inside = x >= 0 && x < 40 && y >= 0 && y < 32;
        for (int c = 0; c < 3; c++) {
          float v = inside ? want[c * plane + y * 40 + x] : 0f;
          assertEquals(Float.floatToIntBits(v), out.bits(x, y, c), "(" + x + "," + y + "," + c + ")");
        }
        assertEquals(inside ? 1f : 0f, out.value(x, y, 3));
      }
    }
  }

  @Test
  void aDamagedModelFileIsAClearError() throws Exception {
    Path file = cacheDir.resolve("bad.safetensors");
    Files.write(file, new byte[] {1, 2, 3});
    RawImage out = output(PixelDepth.FLOAT);
    NodeException e = assertThrows(NodeException.class,
        () -> render(NodeContext.GENERATOR, 0, 0, Map.of("modelFile", file.toString()), null, BOUNDS, out));
    assertTrue(e.getMessage().contains("shot model file") && e.getMessage().contains("bad.safetensors"), e.getMessage());
    Path foreign = cacheDir.resolve("foreign.safetensors");
    try (Arena a = Arena.ofConfined()) {
      SafeTensorsWriter.write(foreign, Map.of("w", Tensor.of(a, new float[] {1}, 1)), Map.of("format", "pt"));
    }
    NodeException other = assertThrows(NodeException.class,
        () -> render(NodeContext.GENERATOR, 0, 0, Map.of("modelFile", foreign.toString()), null, BOUNDS, out));
    assertTrue(other.getMessage().contains("not a WorldFX shot model"), other.getMessage());
    NodeException missing = assertThrows(NodeException.class, () -> render(NodeContext.GENERATOR, 0, 0,
        Map.of("modelFile", cacheDir.resolve("none.safetensors").toString()), null, BOUNDS, out));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
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
