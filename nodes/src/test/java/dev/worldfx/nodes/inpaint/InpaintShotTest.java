package dev.worldfx.nodes.inpaint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.nodes.StatusRecorder;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inpaint over multi-frame shots: the whole-shot solve, the sequence cache, threads, hosts without temporal access. */
class InpaintShotTest {
  static final int W = 96;
  static final int H = 64;
  static final int FRAMES = 6;
  static final int FIRST = 1001;
  static final RectI BOUNDS = new RectI(0, 0, W, H);

  private final Arena arena = Arena.ofShared();
  @TempDir
  Path dir;

  @AfterEach
  void close() {
    arena.close();
  }

  /** The synthetic shot as float RGBA frames (alpha = a ramp with HDR and negative values) and float masks. */
  private InMemoryShot shot(SyntheticShot s) {
    List<FrameView> src = new ArrayList<>();
    List<FrameView> mask = new ArrayList<>();
    int plane = W * H;
    for (int t = 0; t < s.count(); t++) {
      FrameView f = FrameView.allocate(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA);
      FrameView m = FrameView.allocate(arena, BOUNDS, PixelDepth.FLOAT, Components.ALPHA);
      float[] rgb = s.input.get(t).data();
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          for (int c = 0; c < 3; c++) {
            float v = rgb[c * plane + y * W + x];
            f.store(x, y, c, hdr(v, x, y, t));
          }
          f.store(x, y, 3, (x - y) / 20f);
          m.store(x, y, 0, s.matte.get(t)[y * W + x]);
        }
      }
      src.add(f);
      mask.add(m);
    }
    return new InMemoryShot(FIRST).with(ClipSpec.SOURCE, src).with(ClipSpec.MASK, mask);
  }

  /** Scene-linear footage: values from about -0.35 to 1.85, so HDR and negative values are everywhere. */
  static final float GAIN = 2.2f;

  static float hdr(float v, int x, int y, int t) {
    return GAIN * v - 0.35f;
  }

  /** Counts Source fetches, to tell a solve (every frame read) from a cache hit (the radius window only). */
  static final class CountingShot implements Shot {
    final Shot inner;
    final AtomicInteger fetches = new AtomicInteger();
    final boolean temporal;

    CountingShot(Shot inner, boolean temporal) {
      this.inner = inner;
      this.temporal = temporal;
    }

    @Override
    public Optional<FrameView> frame(String clip, double time) {
      if (clip.equals(ClipSpec.SOURCE)) {
        fetches.incrementAndGet();
      }
      return inner.frame(clip, temporal ? time : currentTime);
    }

    double currentTime;

    @Override
    public FrameRange range(String clip) {
      return inner.range(clip);
    }

    @Override
    public boolean temporalAccess() {
      return temporal;
    }
  }

  private static SyntheticShot synthetic() {
    return new SyntheticShot(W, H, FRAMES, new SyntheticShot.Motion(1.5, 0.5, 20, 30, 6, 0, 9, false), 4);
  }

  private static FrameView render(InpaintNode node, Shot shot, int time, Arena arena, Map<String, String> params,
                                  List<String> notices) {
    FrameView out = FrameView.allocate(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA);
    node.render(new LocalRenderContext(NodeContext.GENERAL, time, BOUNDS,
        new SpecParamValues(node.descriptor(), NodeContext.GENERAL, params), shot, () -> false, f -> {}, notices::add),
        out);
    return out;
  }

  @Test
  void statusSaysSolvingThenSolvedAndThenThatTheCacheAnswered() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    Shot shot = shot(synthetic());
    StatusRecorder first = statusRender(node, shot, FIRST + 2);
    List<String> solve = first.solveHistory();
    assertEquals("solving 0%", solve.getFirst(), solve.toString());
    assertEquals("solved", solve.getLast(), solve.toString());
    assertTrue(solve.stream().anyMatch(t -> t.matches("solving [1-9][0-9]?%")), "progress in between: " + solve);
    assertEquals("no", first.latest(StatusField.CACHE_HIT));
    assertEquals("cpu", first.latest(StatusField.BACKEND));
    StatusRecorder second = statusRender(node, shot, FIRST + 3);
    assertEquals("yes", second.latest(StatusField.CACHE_HIT));
    assertEquals(List.of("solved"), second.solveHistory());
    assertEquals(null, second.latest(StatusField.BACKEND), "a cache hit ran no solve");
  }

  private StatusRecorder statusRender(InpaintNode node, Shot shot, int time) {
    StatusRecorder ctx = new StatusRecorder(new LocalRenderContext(NodeContext.GENERAL, time, BOUNDS,
        new SpecParamValues(node.descriptor(), NodeContext.GENERAL, Map.of()), shot));
    node.render(ctx, FrameView.allocate(arena, BOUNDS, PixelDepth.FLOAT, Components.RGBA));
    return ctx;
  }

  @Test
  void firstRenderSolvesTheShotAndTheRestReadTheCache() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    CountingShot shot = new CountingShot(shot(synthetic()), true);
    List<String> notices = new ArrayList<>();
    FrameView first = render(node, shot, FIRST + 2, arena, Map.of(), notices);
    int solveFetches = shot.fetches.get();
    assertEquals(FRAMES, cache.list().size(), "one entry per frame");
    assertTrue(solveFetches >= 3 * FRAMES, "the solve read every frame: " + solveFetches);
    for (int t = FIRST; t < FIRST + FRAMES; t++) {
      shot.fetches.set(0);
      render(node, shot, t, arena, Map.of(), notices);
      assertTrue(shot.fetches.get() <= 2 * 8 + 2, "frame " + t + " read the cache, not a new solve: "
          + shot.fetches.get() + " fetches");
    }
    assertTrue(notices.isEmpty(), "a host with temporal access gets no notice");

    // another instance and a fresh cache give the same bits (determinism), and so does a cache hit
    SequenceCache other = SequenceCache.open(dir.resolve("other"), 1L << 30);
    FrameView again = render(new InpaintNode(() -> other), shot(synthetic()), FIRST + 2, arena, Map.of(), notices);
    assertArrayEquals(first.digest(), again.digest());
    FrameView hit = render(node, shot, FIRST + 2, arena, Map.of(), notices);
    assertArrayEquals(first.digest(), hit.digest());
  }

  @Test
  void outsideTheMatteIsBitExactInEveryFrameAndTheInsideIsFilled() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    SyntheticShot s = synthetic();
    InMemoryShot shot = shot(s);
    double se = 0;
    long n = 0;
    for (int t = 0; t < FRAMES; t++) {
      FrameView src = shot.frame(ClipSpec.SOURCE, FIRST + t).orElseThrow();
      FrameView out = render(node, shot, FIRST + t, arena, Map.of("dilate", "0"), new ArrayList<>());
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          boolean removed = s.matte.get(t)[y * W + x] > 0;
          for (int c = 0; c < 4; c++) {
            if (!removed || c == 3) {
              assertEquals(Float.floatToRawIntBits(src.sample(x, y, c)), Float.floatToRawIntBits(out.sample(x, y, c)),
                  "frame " + t + " (" + x + "," + y + ") channel " + c);
            } else {
              double truth = hdr(s.truth.get(t).data()[c * W * H + y * W + x], x, y, t);
              double d = (out.sample(x, y, c) - truth) / GAIN;
              se += d * d;
              n++;
            }
          }
        }
      }
    }
    double psnr = 10 * Math.log10(n / se);
    System.out.printf("node render of a %dx%d %d-frame float shot: %.2f dB inside the matte%n", W, H, FRAMES, psnr);
    assertTrue(psnr > 24, "the hidden background comes back: " + psnr + " dB");
  }

  @Test
  void aCorruptEntryIsSolvedAgainNeverRendered() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    InMemoryShot shot = shot(synthetic());
    byte[] good = render(node, shot, FIRST + 1, arena, Map.of(), new ArrayList<>()).digest();
    List<Path> entries;
    try (Stream<Path> files = Files.walk(dir.resolve("cache"))) {
      entries = files.filter(p -> p.toString().endsWith(".wfxc")).toList();
    }
    for (Path p : entries) { // flip one byte in the middle of every entry
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.allocate(1);
        long at = ch.size() / 2;
        ch.read(b, at);
        b.put(0, (byte) (b.get(0) ^ 0x5A));
        ch.write(b.flip(), at);
      }
    }
    byte[] again = render(node, shot, FIRST + 1, arena, Map.of(), new ArrayList<>()).digest();
    assertArrayEquals(good, again, "the corrupt entry was detected and the shot solved again");
  }

  @Test
  void concurrentRendersShareOneSolve() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    CountingShot shot = new CountingShot(shot(synthetic()), true);
    ExecutorService pool = Executors.newFixedThreadPool(FRAMES);
    try {
      List<Future<byte[]>> results = new ArrayList<>();
      for (int t = 0; t < FRAMES; t++) {
        int time = FIRST + t;
        results.add(pool.submit(() -> {
          try (Arena a = Arena.ofConfined()) {
            return render(node, shot, time, a, Map.of(), new ArrayList<>()).digest();
          }
        }));
      }
      for (Future<byte[]> r : results) {
        assertNotNull(r.get());
      }
    } finally {
      pool.shutdown();
    }
    // one solve reads each frame a few times; six solves would read 6x as many
    assertTrue(shot.fetches.get() < 2 * (5 * FRAMES + FRAMES * 9), "one solve for six renders: " + shot.fetches.get());
    assertEquals(FRAMES, cache.list().size());
  }

  @Test
  void withoutTemporalAccessFramesAccumulateAndTheNodeSaysSo() throws Exception {
    SequenceCache cache = SequenceCache.open(dir.resolve("cache"), 1L << 30);
    InpaintNode node = new InpaintNode(() -> cache);
    SyntheticShot s = synthetic();
    CountingShot shot = new CountingShot(shot(s), false);
    List<String> notices = new ArrayList<>();
    for (int t = 0; t < FRAMES; t++) {
      shot.currentTime = FIRST + t;
      FrameView src = shot.inner.frame(ClipSpec.SOURCE, FIRST + t).orElseThrow();
      FrameView out = render(node, shot, FIRST + t, arena, Map.of(), notices);
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          if (s.matte.get(t)[y * W + x] == 0) {
            assertEquals(Float.floatToRawIntBits(src.sample(x, y, 1)), Float.floatToRawIntBits(out.sample(x, y, 1)));
          }
        }
      }
    }
    assertEquals(FRAMES, notices.size());
    assertTrue(notices.getLast().contains("from the 4 frame(s) before it"), notices.getLast());
    assertTrue(notices.getFirst().contains("from the 0 frame(s) before it"), notices.getFirst());
    assertEquals(0, cache.list().size(), "nothing is cached from a partial view of the shot");
  }
}
