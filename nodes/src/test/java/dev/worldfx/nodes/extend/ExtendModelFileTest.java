package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RawImage;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.generate.GenerateNode;
import dev.worldfx.nodes.generate.ShotModel;
import dev.worldfx.nodes.generate.ShotModelException;
import dev.worldfx.nodes.generate.Video;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ExtendShot model file: a loaded model predicts the bits of the fitted one; damaged and foreign
 * files are refused with the file's name; the Generate node's Generator renders a saved extension.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExtendModelFileTest {
  private static final ShotExtender.Settings SETTINGS = new ShotExtender.Settings(false, 7);
  private static final int W = 48;
  private static final int H = 32;
  private static final int PREDICTED = 5;

  private Path dir;
  /** A ball thrown across a panning background, 10 frames: objects and an appearance network. */
  private ShotExtender.Model fitted;
  private List<ImagePlanes> expected;
  private Path file;

  @BeforeAll
  void fitOnce(@TempDir Path shared) throws IOException {
    dir = shared;
    Scene scene = Scene.ball(W, H, 10, 1.2, 0.3, 8, 10, 2.5, 0.8, 0, 0.2);
    fitted = new ShotExtender(SETTINGS, () -> {}, f -> {}).fit(scene);
    fitted.useAppearance = true; // the network's path, whatever the back-test would say
    fitted.damp(0.93); // and a damped background, to carry the damping through the file
    expected = predict(fitted, SETTINGS);
    file = dir.resolve("ball.safetensors");
    float[] alpha = new float[W * H];
    java.util.Arrays.fill(alpha, 0.5f);
    new ExtendModelFile(fitted, SETTINGS, new ExtendModelFile.Source(true, 1001, 1010, PREDICTED), alpha,
        Map.of("bitsPerChannel", "16")).save(file);
  }

  private static List<ImagePlanes> predict(ShotExtender.Model m, ShotExtender.Settings s) {
    List<ImagePlanes> frames = new ArrayList<>();
    new ShotExtender(s, () -> {}, f -> {}).predict(m, PREDICTED, (t, f) -> frames.add(f));
    return frames;
  }

  /** The file with one bit of its first tensor's first float flipped (a low mantissa bit: a plausible value). */
  private static byte[] flippedInData(byte[] file) {
    byte[] b = file.clone();
    long header = java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    b[(int) (8 + header + 1)] ^= 0x01;
    return b;
  }

  private static void assertSameBits(List<ImagePlanes> a, List<ImagePlanes> b) {
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertArrayEquals(a.get(i).data(), b.get(i).data(), "predicted frame " + (i + 1));
    }
  }

  @Test
  void theLoadedModelPredictsTheBitsOfTheFittedOne() {
    assertNotNull(fitted.appearanceTraining(), "a network was trained");
    assertTrue(fitted.objectPixels() > 0, "the ball is an object layer");
    ExtendModelFile loaded = ExtendModelFile.load(file);
    assertEquals(SETTINGS, loaded.settings());
    assertEquals(new ExtendModelFile.Source(true, 1001, 1010, PREDICTED), loaded.source());
    assertEquals(1011, loaded.source().number(1));
    assertEquals("16", loaded.metadata().get("bitsPerChannel"), "the caller's entries come back");
    assertEquals(0.5f, loaded.alpha()[W * H - 1]);
    assertTrue(loaded.model().useAppearance);
    assertEquals(0.93, loaded.model().damping(), 0.0);
    assertEquals(fitted.objectPixels(), loaded.model().objectPixels());
    assertArrayEquals(fitted.cameraVelocity(), loaded.model().cameraVelocity());
    List<ImagePlanes> got = new ArrayList<>();
    loaded.predict(PREDICTED, () -> {}, f -> {}, (t, f) -> got.add(f));
    assertSameBits(expected, got);

    // the damping really is used: without it the frames differ
    loaded.model().damping = 1;
    assertFalse(java.util.Arrays.equals(expected.getLast().data(), predict(loaded.model(), SETTINGS).getLast().data()));
    loaded.model().damping = 0.93;
    // the network really is used: without it the frames differ
    loaded.model().useAppearance = false;
    assertFalse(java.util.Arrays.equals(expected.getLast().data(), predict(loaded.model(), SETTINGS).getLast().data()));
  }

  @Test
  void objectsHiddenBehindAnOccluderAndABackwardSideRoundTrip() throws IOException {
    // the ball comes out from behind the bar: seen backwards, it goes behind it and stays hidden
    Scene scene = Scene.behindBar(120, 48, 16, 67, 24, 3.0, 58, 76);
    ShotExtender.Model m = new ShotExtender(SETTINGS, () -> {}, f -> {}).fit(scene.reversed());
    Path f = dir.resolve("bar.safetensors");
    new ExtendModelFile(m, SETTINGS, new ExtendModelFile.Source(false, 40, 59, 3), null, Map.of()).save(f);
    ExtendModelFile loaded = ExtendModelFile.load(f);
    assertEquals(39, loaded.source().number(1), "backward: numbered before the shot");
    assertEquals(null, loaded.alpha());
    assertTrue(m.hiddenObjects() > 0, "the ball is behind the bar at the end");
    assertEquals(m.hiddenObjects(), loaded.model().hiddenObjects());
    assertSameBits(predict(m, SETTINGS), predict(loaded.model(), loaded.settings()));
  }

  @Test
  void aDamagedFileIsRefusedNamingTheFile() throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    Path truncated = dir.resolve("truncated.safetensors");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 100));
    ShotModelException t = assertThrows(ShotModelException.class, () -> ExtendModelFile.load(truncated));
    assertTrue(t.getMessage().contains("truncated.safetensors"), t.getMessage());

    Path flipped = dir.resolve("flipped.safetensors");
    Files.write(flipped, flippedInData(bytes));
    ShotModelException f = assertThrows(ShotModelException.class, () -> ExtendModelFile.load(flipped));
    assertTrue(f.getMessage().contains("flipped.safetensors") && f.getMessage().contains("damaged"), f.getMessage());

    Path garbage = dir.resolve("garbage.safetensors");
    Files.writeString(garbage, "not a model");
    assertThrows(ShotModelException.class, () -> ExtendModelFile.load(garbage));
    ShotModelException missing = assertThrows(ShotModelException.class,
        () -> ExtendModelFile.load(dir.resolve("none.safetensors")));
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());
  }

  @Test
  void aGenerateModelIsNotAnExtendModelNorTheOtherWayRound() throws IOException {
    float[] d = new float[3 * 12 * 12 * 3];
    for (int i = 0; i < d.length; i++) {
      d[i] = (i * 37 % 101) / 101f;
    }
    Path vgpnn = dir.resolve("vgpnn.safetensors");
    ShotModel.build(new Video(3, 12, 12, 3, d), ShotModel.Pyramid.DEFAULT).save(vgpnn);
    ShotModelException e = assertThrows(ShotModelException.class, () -> ExtendModelFile.load(vgpnn));
    assertTrue(e.getMessage().contains("Generate (VGPNN) shot model"), e.getMessage());
    ShotModelException other = assertThrows(ShotModelException.class, () -> ShotModel.load(file));
    assertTrue(other.getMessage().contains(ExtendModelFile.FORMAT), other.getMessage());
    assertEquals(ExtendModelFile.FORMAT, ShotModel.metadata(file).get("format"), "told apart by their metadata");
    assertEquals(ShotModel.FORMAT, ShotModel.metadata(vgpnn).get("format"));
  }

  @Test
  void theGeneratorRendersFrameTAsPredictedFrameTPlusOneAndCachesTheRest() throws IOException {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    GenerateNode node = new GenerateNode(() -> cache);
    RectI b = new RectI(-2, -1, W + 3, H + 2);
    try (Arena arena = Arena.ofConfined()) {
      for (double time : new double[] {2, 4.5}) {
        RawImage out = RawImage.of(arena, b, PixelDepth.FLOAT, Components.RGBA);
        node.render(new LocalRenderContext(NodeContext.GENERATOR, time, b, new SpecParamValues(node.descriptor(),
            NodeContext.GENERATOR, Map.of("seed", "123", "modelFile", file.toString())), new InMemoryShot(0)), out.view);
        float[] want = expected.get((int) time).data(); // frame t shows predicted frame t + 1
        int plane = W * H;
        for (int y = b.y1(); y < b.y2(); y++) {
          for (int x = b.x1(); x < b.x2(); x++) {
            boolean inside = x >= 0 && x < W && y >= 0 && y < H;
            for (int c = 0; c < 3; c++) {
              float v = inside ? want[c * plane + y * W + x] : 0f;
              assertEquals(Float.floatToIntBits(v), out.bits(x, y, c), "t " + time + " (" + x + "," + y + "," + c + ")");
            }
          }
        }
      }
    }
    assertTrue(cache.stats().entries() >= PREDICTED, "every predicted frame is cached: " + cache.stats().entries());
    Path flipped = dir.resolve("bad.safetensors");
    Files.write(flipped, flippedInData(Files.readAllBytes(file)));
    try (Arena arena = Arena.ofConfined()) {
      RawImage out = RawImage.of(arena, b, PixelDepth.FLOAT, Components.RGBA);
      NodeException e = assertThrows(NodeException.class, () -> node.render(new LocalRenderContext(
          NodeContext.GENERATOR, 0, b, new SpecParamValues(node.descriptor(), NodeContext.GENERATOR,
          Map.of("modelFile", flipped.toString())), new InMemoryShot(0)), out.view));
      assertTrue(e.getMessage().contains("bad.safetensors") && e.getMessage().contains("damaged"), e.getMessage());
    }
  }
}
