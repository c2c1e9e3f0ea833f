package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.nodes.StatusRecorder;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ExtendShot's Save shot model to: the file of the current solve, written once, never a failed render. */
class ExtendShotSaveModelTest {
  private static final int W = 24;
  private static final int H = 16;
  private static final int N = 8;
  private static final RectI B = new RectI(0, 0, W, H);
  private static final FileTime LONG_AGO = FileTime.fromMillis(946_684_800_000L); // 2000-01-01

  private final Arena arena = Arena.ofShared();
  @TempDir
  Path tmp;
  private ExtendShotNode node;
  private InMemoryShot shot;

  @BeforeEach
  void open() throws IOException {
    SequenceCache cache = SequenceCache.open(tmp.resolve("cache"), 1L << 30);
    node = new ExtendShotNode(() -> cache);
    Scene scene = Scene.pan(W, H, N, 1.2, 0.3);
    List<FrameView> src = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      FrameView f = FrameView.allocate(arena, B, PixelDepth.FLOAT, Components.RGBA);
      scene.rgb(i).storeInto(f, B);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          f.store(x, y, 3, 0.25f + 0.5f * x / W); // an alpha that varies: the file keeps the nearest frame's
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

  private record Rendered(StatusRecorder status, List<String> notices, ImagePlanes rgb) {}

  private Rendered render(double t, Map<String, String> extra) {
    Map<String, String> params = new HashMap<>(Map.of("framesToAdd", "3", "backtestFrames", "2"));
    params.putAll(extra);
    List<String> notices = new ArrayList<>();
    StatusRecorder ctx = new StatusRecorder(new LocalRenderContext(NodeContext.FILTER, t, B,
        new SpecParamValues(node.descriptor(), NodeContext.FILTER, params), shot, () -> false, f -> {}, notices::add));
    FrameView out = FrameView.allocate(arena, B, PixelDepth.FLOAT, Components.RGBA);
    node.render(ctx, out);
    return new Rendered(ctx, notices, ImagePlanes.rgbOf(out, B));
  }

  @Test
  void theFileHoldsTheSolvesModelIsFittedAgainAfterACacheHitAndIsNotRewrittenWhenCurrent() throws IOException {
    Path first = tmp.resolve("models/m.safetensors"); // a folder not there yet is created
    Rendered solved = render(N + 1, Map.of("saveModel", first.toString()));
    assertEquals("no", solved.status().latest(StatusField.CACHE_HIT));
    String status = solved.status().latest(StatusField.SHOT_MODEL);
    assertTrue(status.matches("written to \\Q" + first + "\\E \\([0-9.]+ MB\\)"), status);

    ExtendModelFile model = ExtendModelFile.load(first);
    assertEquals(new ExtendModelFile.Source(true, 0, N - 1, 3), model.source());
    assertTrue(model.metadata().get(ShotModelOutput.SOLVE_KEY).matches("[0-9a-f]{64}"), model.metadata().toString());
    assertEquals("32", model.metadata().get("bitsPerChannel"));
    assertEquals(0.25f + 0.5f * 5 / W, model.alpha()[3 * W + 5], "the nearest real frame's alpha");
    List<ImagePlanes> predicted = new ArrayList<>();
    model.predict(3, () -> {}, f -> {}, (h, f) -> predicted.add(f));
    assertArrayEquals(predicted.get(1).data(), solved.rgb().data(), "the file predicts the frame the node rendered");
    assertArrayEquals(predicted.get(2).data(), render(N + 2, Map.of()).rgb().data());

    // Another path, the frames from the cache: the fit alone writes the same model, bit for bit.
    Path second = tmp.resolve("other.safetensors");
    Rendered hit = render(N, Map.of("saveModel", second.toString()));
    assertEquals("yes", hit.status().latest(StatusField.CACHE_HIT), "the path is not part of the solve");
    assertArrayEquals(predicted.get(0).data(), hit.rgb().data());
    assertTrue(hit.status().latest(StatusField.SHOT_MODEL).startsWith("written to " + second), hit.status()
        .latest(StatusField.SHOT_MODEL));
    assertEquals(-1L, Files.mismatch(first, second), "the refit's file is the solve's, byte for byte");

    // The same path again: the file already holds this solve's model, so it is left alone.
    Files.setLastModifiedTime(second, LONG_AGO);
    Rendered again = render(N + 2, Map.of("saveModel", second.toString()));
    assertEquals(LONG_AGO, Files.getLastModifiedTime(second), "not rewritten");
    assertTrue(again.status().latest(StatusField.SHOT_MODEL).startsWith("up to date: " + second),
        again.status().latest(StatusField.SHOT_MODEL));

    // Another solve (another seed) makes the file stale: it is written again.
    render(N, Map.of("saveModel", second.toString(), "seed", "3"));
    assertFalse(LONG_AGO.equals(Files.getLastModifiedTime(second)), "rewritten for the new solve");
    assertEquals("3", ExtendModelFile.load(second).metadata().get("seed"));

    Rendered real = render(2, Map.of("saveModel", tmp.resolve("real.safetensors").toString()));
    assertNull(real.status().latest(StatusField.SHOT_MODEL), "a real frame needs no model");
    assertFalse(Files.exists(tmp.resolve("real.safetensors")));
  }

  @Test
  void anUnwritablePathIsAMessageTheFramesStillRenderAndNoTemporaryFileIsLeft() throws IOException {
    // Fails while the solve runs: the solve goes on, its frames are cached and rendered.
    Files.writeString(tmp.resolve("blocker"), "a file where a folder should be");
    Rendered blocked = render(N, Map.of("saveModel", tmp.resolve("blocker/m.safetensors").toString()));
    assertEquals("no", blocked.status().latest(StatusField.CACHE_HIT));
    Rendered plain = render(N, Map.of());
    assertEquals("yes", plain.status().latest(StatusField.CACHE_HIT));
    assertEquals("not written (Save shot model to is empty)", plain.status().latest(StatusField.SHOT_MODEL));
    assertArrayEquals(plain.rgb().data(), blocked.rgb().data(), "the frame rendered all the same");
    assertEquals("not written to " + tmp.resolve("blocker/m.safetensors") + ": " + tmp.resolve("blocker")
        + " is a file where a folder is needed", blocked.status().latest(StatusField.SHOT_MODEL));
    String notice = blocked.notices().getLast();
    assertTrue(notice.startsWith("ExtendShot back-test:") && notice.endsWith(
        "\nExtendShot: Save shot model to: not written to " + tmp.resolve("blocker/m.safetensors") + ": "
            + tmp.resolve("blocker") + " is a file where a folder is needed"), notice);

    // After a cache hit: the rename fails once the whole file is written (a folder is in the way), and the
    // temporary file goes.
    Path folder = Files.createDirectories(tmp.resolve("out/m.safetensors"));
    Files.writeString(folder.resolve("keep"), "not empty");
    Rendered inTheWay = render(N + 1, Map.of("saveModel", folder.toString()));
    assertTrue(inTheWay.status().latest(StatusField.SHOT_MODEL).startsWith("not written to " + folder + ": "),
        inTheWay.status().latest(StatusField.SHOT_MODEL));
    try (Stream<Path> left = Files.list(tmp.resolve("out"))) {
      assertEquals(List.of(folder), left.toList(), "no temporary file left beside it");
    }
  }

  @Test
  void bothDirectionsWriteOneFilePerSide() {
    Path m = tmp.resolve("shot.safetensors");
    Map<String, String> both = Map.of("saveModel", m.toString(), "direction", "Both");
    render(N, both);
    render(-1, both);
    ExtendModelFile after = ExtendModelFile.load(tmp.resolve("shot.after.safetensors"));
    ExtendModelFile before = ExtendModelFile.load(tmp.resolve("shot.before.safetensors"));
    assertTrue(after.source().forward());
    assertFalse(before.source().forward());
    assertFalse(Files.exists(m));
    assertEquals(tmp.resolve("m.before"), ShotModelOutput.target(tmp.resolve("m").toString(), ExtendShotParams.BOTH,
        false));
    assertEquals(tmp.resolve("m.sft"), ShotModelOutput.target(" " + tmp.resolve("m.sft") + " ",
        ExtendShotParams.BACKWARD, false));
    assertNull(ShotModelOutput.target("  ", ExtendShotParams.BOTH, true));
  }
}
