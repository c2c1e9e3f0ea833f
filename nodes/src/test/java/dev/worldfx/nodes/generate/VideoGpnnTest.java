package dev.worldfx.nodes.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * VGPNN on a 64x48x8 shot of moving discs: reproducible per seed, different across seeds, not a copy
 * of any reference frame, yet made of the reference's patches (exact nearest-patch distances, measured
 * here by brute force, against two baselines: the noisy coarse start and the reference's pixels shuffled).
 */
class VideoGpnnTest {
  static final int T = 8;
  static final int H = 48;
  static final int W = 64;
  private static final int PATCH = 5;

  private static Video reference;
  private static ShotModel model;
  private static Video sample7;

  @BeforeAll
  static void sample() {
    reference = MovingDiscs.shot(T, H, W);
    model = ShotModel.build(reference, ShotModel.Pyramid.DEFAULT);
    long start = System.nanoTime();
    sample7 = VideoGpnn.sample(model, T, 7, 0.25, () -> {}, f -> {});
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("VGPNN %dx%dx%d, %d levels: %.3f s per sample, %.1f ms per frame%n", W, H, T,
        model.levels().length, seconds, 1000 * seconds / T);
  }

  @Test
  void sameSeedSamePixels() {
    Video again = VideoGpnn.sample(model, T, 7, 0.25, () -> {}, f -> {});
    assertArrayEquals(sample7.data(), again.data());
  }

  @Test
  void sameBitsOnOneThreadAsOnTheCommonPool() throws Exception {
    java.util.concurrent.ForkJoinPool one = new java.util.concurrent.ForkJoinPool(1);
    try {
      Video single = one.submit(() -> VideoGpnn.sample(model, T, 7, 0.25, () -> {}, f -> {})).get();
      assertArrayEquals(sample7.data(), single.data());
    } finally {
      one.shutdown();
    }
  }

  @Test
  void anotherSeedAnotherSample() {
    Video other = VideoGpnn.sample(model, T, 8, 0.25, () -> {}, f -> {});
    double diff = meanAbsDiff(sample7, 0, other, 0, T);
    System.out.printf("seed 7 vs seed 8: mean abs diff %.4f%n", diff);
    assertTrue(diff > 0.03, "seeds 7 and 8 differ by only " + diff);
  }

  @Test
  void noFrameIsAReferenceFrame() {
    double closest = Double.MAX_VALUE;
    for (int t = 0; t < T; t++) {
      for (int r = 0; r < T; r++) {
        closest = Math.min(closest, meanAbsDiff(sample7, t, reference, r, 1));
      }
    }
    System.out.printf("closest sample frame to any reference frame: mean abs diff %.4f%n", closest);
    assertTrue(closest > 0.02, "a sample frame is within " + closest + " of a reference frame");
  }

  @Test
  void madeOfTheReferencesPatches() {
    double sample = meanNearestPatch(sample7, reference);
    Video noisyStart = noisyStart(7, 0.25);
    double start = meanNearestPatch(noisyStart, reference);
    double shuffled = meanNearestPatch(shuffled(reference, 3), reference);
    System.out.printf("mean nearest-patch distance (5x5 RGB MSE): sample %.5f, noisy start %.5f, shuffled %.5f%n",
        sample, start, shuffled);
    assertTrue(sample < 0.2 * start, "sample " + sample + " vs noisy start " + start);
    assertTrue(sample < 0.1 * shuffled, "sample " + sample + " vs shuffled pixels " + shuffled);
  }

  @Test
  void zeroVariationReconstructsTheReference() {
    Video still = VideoGpnn.sample(model, T, 7, 0, () -> {}, f -> {});
    double diff = meanAbsDiff(still, 0, reference, 0, T);
    System.out.printf("variation 0: mean abs diff to the reference %.4f%n", diff);
    assertTrue(diff < 0.02, "variation 0 should stay at the reference, differs by " + diff);
  }

  @Test
  void longerSampleThanTheReference() {
    Video longer = VideoGpnn.sample(model, 2 * T + 3, 7, 0.25, () -> {}, f -> {});
    assertEquals(2 * T + 3, longer.frames());
    assertEquals(H, longer.height());
    assertEquals(W, longer.width());
    double sample = meanNearestPatch(longer, reference);
    double shuffled = meanNearestPatch(shuffled(reference, 3), reference);
    System.out.printf("%d-frame sample: mean nearest-patch distance %.5f%n", longer.frames(), sample);
    assertTrue(sample < 0.1 * shuffled, "longer sample " + sample + " vs shuffled pixels " + shuffled);
  }

  /** Cancel (Ctrl-C in the CLI, a host's abort) is polled before every round, not only once per level. */
  @Test
  void abortIsPolledEveryRoundAndStopsTheSample() {
    int levels = model.levels().length;
    int rounds = VideoGpnn.COARSEST_ROUNDS + (levels - 1) * VideoGpnn.LEVEL_ROUNDS;
    int[] calls = {0};
    VideoGpnn.sample(model, T, 7, 0.25, () -> calls[0]++, f -> {});
    assertEquals(rounds, calls[0]);
    int stopAt = VideoGpnn.COARSEST_ROUNDS + 1; // the first round below the coarsest level
    double[] done = {0};
    int[] polled = {0};
    assertThrows(java.util.concurrent.CancellationException.class, () -> VideoGpnn.sample(model, T, 7, 0.25, () -> {
      if (++polled[0] == stopAt) {
        throw new java.util.concurrent.CancellationException();
      }
    }, f -> done[0] = f));
    assertEquals(stopAt, polled[0]);
    assertTrue(done[0] > 0 && done[0] < 1, "stopped part way: " + done[0]);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> VideoGpnn.sample(model, 0, 1, 0.25, () -> {}, f -> {}));
    assertThrows(IllegalArgumentException.class, () -> VideoGpnn.sample(model, 4, 1, Double.NaN, () -> {}, f -> {}));
    assertThrows(IllegalArgumentException.class,
        () -> ShotModel.build(MovingDiscs.shot(2, 4, 40), ShotModel.Pyramid.DEFAULT));
    IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class,
        () -> VideoGpnn.sample(model, 10000, 1, 0.25, () -> {}, f -> {}));
    assertTrue(tooLong.getMessage().contains("at most"), tooLong.getMessage());
  }

  /** The coarsest level plus the sampler's noise, upsampled to full size: where a sample starts. */
  private static Video noisyStart(long seed, double variation) {
    Video coarse = model.levels()[model.levels().length - 1];
    float[] d = coarse.data().clone();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = 0; i < d.length; i++) {
      d[i] += (float) (VideoGpnn.NOISE_PER_VARIATION * variation * rng.nextGaussian());
    }
    return new Video(coarse.frames(), coarse.height(), coarse.width(), 3, d).resized(T, H, W);
  }

  private static Video shuffled(Video v, long seed) {
    float[] d = v.data().clone();
    SplittableRandom rng = new SplittableRandom(seed);
    int pixels = d.length / 3;
    for (int i = pixels - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      for (int c = 0; c < 3; c++) {
        float tmp = d[3 * i + c];
        d[3 * i + c] = d[3 * j + c];
        d[3 * j + c] = tmp;
      }
    }
    return new Video(v.frames(), v.height(), v.width(), 3, d);
  }

  static double meanAbsDiff(Video a, int ta, Video b, int tb, int frames) {
    int n = a.frameValues() * frames;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += Math.abs(a.data()[ta * a.frameValues() + i] - b.data()[tb * b.frameValues() + i]);
    }
    return sum / n;
  }

  /**
   * Exact search: for 5x5 RGB patches of {@code v} on a stride-4 grid, the mean squared difference to
   * the closest 5x5 patch anywhere in any frame of {@code ref}; the mean over those patches.
   */
  static double meanNearestPatch(Video v, Video ref) {
    double total = 0;
    int n = 0;
    float[] a = v.data(), b = ref.data();
    int count = PATCH * PATCH * 3;
    for (int t = 0; t < v.frames(); t++) {
      for (int y = 0; y + PATCH <= v.height(); y += 4) {
        for (int x = 0; x + PATCH <= v.width(); x += 4) {
          double best = Double.MAX_VALUE;
          for (int rt = 0; rt < ref.frames(); rt++) {
            for (int ry = 0; ry + PATCH <= ref.height(); ry++) {
              for (int rx = 0; rx + PATCH <= ref.width(); rx++) {
                float sum = 0;
                for (int dy = 0; dy < PATCH && sum < best * count; dy++) {
                  int ia = ((t * v.height() + y + dy) * v.width() + x) * 3;
                  int ib = ((rt * ref.height() + ry + dy) * ref.width() + rx) * 3;
                  for (int e = 0; e < PATCH * 3; e++) {
                    float diff = a[ia + e] - b[ib + e];
                    sum += diff * diff;
                  }
                }
                best = Math.min(best, sum / count);
              }
            }
          }
          total += best;
          n++;
        }
      }
    }
    return total / n;
  }
}
