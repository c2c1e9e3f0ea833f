package dev.worldfx.nodes.extend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.local.SampleShot;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/**
 * The demo's sample shot extended against its real future: a red disc moving about half its width
 * per frame and a white HDR disc drifting with a pan over diagonal stripes. Both discs must stay
 * whole (no bite of background at their edge), and the background the red disc uncovers, which
 * earlier frames showed, must come back as it was (not the stripes the disc uncovered in the last
 * frame moved along with it).
 */
class SampleShotExtensionTest {
  static final int W = 320, H = 180, SEEN = 12, ADDED = 4;
  /** Disc pixels a prediction may miss: a pixel's worth of position error along the edge, not a bite. */
  static final int MISSING = 2;

  @Test
  void discsStayWholeAndTheUncoveredBackgroundComesBack() {
    List<ImagePlanes> all = new ArrayList<>();
    try (Arena arena = Arena.ofConfined()) {
      SampleShot shot = new SampleShot(arena, W, H, SEEN + ADDED, SEEN);
      shot.frames.forEach(f -> all.add(ImagePlanes.rgbOf(f, new RectI(0, 0, W, H))));
    }
    ClipFrames seen = ClipFrames.of(all.subList(0, SEEN));
    ShotExtender x = new ShotExtender(new ShotExtender.Settings(false, 0), () -> {}, f -> {});
    List<ImagePlanes> predicted = new ArrayList<>();
    x.predict(x.fit(seen), ADDED, (t, f) -> predicted.add(f));

    BiPredicate<float[], Integer> red = (d, p) -> near(d, p, 0.85f, 0.1f, 0.08f);
    BiPredicate<float[], Integer> white = (d, p) -> d[p] > 1.2f && d[W * H + p] > 1.2f && d[2 * W * H + p] > 1.2f;
    boolean[] redBefore = mask(all.get(SEEN - 1).data(), red);
    for (int t = 1; t <= ADDED; t++) {
      float[] truth = all.get(SEEN - 1 + t).data(), ours = predicted.get(t - 1).data();
      int redMissing = missing(truth, ours, red), whiteMissing = missing(truth, ours, white);
      // uncovered: the red disc was there in the last seen frame, the real frame shows background
      // there (off the disc by at least 2 pixels, so that where the disc's edge is does not count)
      boolean[] redNow = ShotExtender.grow(mask(truth, red), W, H, 2);
      boolean[] uncovered = new boolean[W * H];
      int n = 0;
      for (int p = 0; p < W * H; p++) {
        uncovered[p] = redBefore[p] && !redNow[p];
        n += uncovered[p] ? 1 : 0;
      }
      double behind = n == 0 ? 99 : ShotExtenderTest.psnrOver(ours, truth, uncovered);
      System.out.printf("sample shot, horizon %d: %d px missing from the red disc, %d from the white one, "
          + "uncovered background %.2f dB over %d px%n", t, redMissing, whiteMissing, behind, n);
      assertTrue(redMissing <= MISSING, redMissing + " px missing from the red disc at horizon " + t);
      assertTrue(whiteMissing <= MISSING, whiteMissing + " px missing from the white disc at horizon " + t);
      assertTrue(behind >= 35, "uncovered background " + behind + " dB at horizon " + t);
    }
  }

  /** Pixels inside a disc of the real frame (a pixel in from its edge) that ours shows in another colour. */
  private static int missing(float[] truth, float[] ours, BiPredicate<float[], Integer> colour) {
    boolean[] inside = mask(truth, colour);
    boolean[] edge = ShotExtender.grow(invert(inside), W, H, 1);
    int lost = 0;
    for (int p = 0; p < W * H; p++) {
      lost += inside[p] && !edge[p] && !colour.test(ours, p) ? 1 : 0;
    }
    return lost;
  }

  private static boolean near(float[] d, int p, float r, float g, float b) {
    int plane = W * H;
    return Math.abs(d[p] - r) + Math.abs(d[plane + p] - g) + Math.abs(d[2 * plane + p] - b) < 0.15f;
  }

  private static boolean[] mask(float[] d, BiPredicate<float[], Integer> colour) {
    boolean[] m = new boolean[W * H];
    for (int p = 0; p < m.length; p++) {
      m[p] = colour.test(d, p);
    }
    return m;
  }

  private static boolean[] invert(boolean[] m) {
    boolean[] r = new boolean[m.length];
    for (int p = 0; p < m.length; p++) {
      r[p] = !m[p];
    }
    return r;
  }
}
