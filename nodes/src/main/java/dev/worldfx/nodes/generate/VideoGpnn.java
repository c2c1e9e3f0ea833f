package dev.worldfx.nodes.generate;

import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;

/**
 * Samples a new shot from a {@link ShotModel}: VGPNN (Haim, Feinstein, Granot, Shocher, Bagon,
 * Dekel, Irani, "Diverse Generation from a Single Video Made Possible", ECCV 2022), the video form
 * of GPNN (Granot, Feinstein, Shocher, Bagon, Irani, "Drop the GAN", CVPR 2022).
 *
 * <p>Coarse to fine over the reference's space-time pyramid: the coarsest level starts from the
 * reference's coarsest level (stretched in time to the sample's length) plus seeded Gaussian noise
 * of standard deviation {@code 4 * variation} in pixel values (variation 0.25: sigma 1; weaker
 * noise on our small coarsest levels gave the reference back nearly unchanged); at every level each space-time patch of the current sample is replaced by its nearest
 * reference patch under GPNN's normalised score (completeness term, see {@link SpaceTimePatchMatch})
 * and overlapping patches are averaged; the result is upsampled to the next level. As in GPNN, the
 * first round at a level matches against the reference's blurred level (the coarser level upsampled:
 * the same blur as the upsampled sample carries) and pastes the sharp level's patches.
 *
 * <p>Simpler than the papers, named so: the nearest neighbours are approximate (PatchMatch instead
 * of exact search on a GPU), the completeness term uses each reference patch's approximate nearest
 * sample patch, and the iteration counts are small ({@link #COARSEST_ROUNDS}, {@link #LEVEL_ROUNDS}).
 * A sample longer than the reference gets a proportionally longer temporal pyramid (its coarsest
 * level is the reference's stretched in time), so it is one generated shot, not clips joined end to
 * end.
 *
 * <p>Deterministic: every random draw comes from the seed, and the parallel search bands are fixed
 * by the grid's size, so a seed gives the same bits on any number of threads (tested).
 */
public final class VideoGpnn {
  static final int COARSEST_ROUNDS = 6;
  static final int LEVEL_ROUNDS = 2;
  static final int SEARCH_PASSES = 2;
  static final int REVERSE_PASSES = 1;
  /** GPNN's completeness α, for mean squared patch distances of values in [0,1]. */
  static final float ALPHA = 0.005f;
  /** Noise standard deviation per unit of variation, in pixel values; measured on test shots (see VideoGpnnTest). */
  static final double NOISE_PER_VARIATION = 4;

  private VideoGpnn() {}

  /**
   * A sample of {@code frames} frames, the reference's size.
   *
   * @param abort called between rounds; it throws to stop
   * @param progress fraction done in [0,1]
   */
  public static Video sample(ShotModel model, int frames, long seed, double variation, Runnable abort,
                             DoubleConsumer progress) {
    if (frames < 1) {
      throw new IllegalArgumentException("a sample needs at least one frame, got " + frames);
    }
    ShotModel.requireWithinLimit(frames, model.height(), model.width(), "the sample");
    if (!(variation >= 0) || Double.isInfinite(variation)) {
      throw new IllegalArgumentException("variation must be finite and non-negative, got " + variation);
    }
    return sampleWithNoise(model, frames, seed, (float) (NOISE_PER_VARIATION * variation), abort, progress);
  }

  static Video sampleWithNoise(ShotModel model, int frames, long seed, float sigma, Runnable abort,
                               DoubleConsumer progress) {
    ShotModel.Pyramid p = model.pyramid();
    Video[] ref = model.levels();
    int levels = ref.length;
    int referenceFrames = model.frames();
    SplittableRandom rng = new SplittableRandom(seed);
    double work = 0, total = 0;
    for (int l = 0; l < levels; l++) {
      total += (double) ref[l].data().length * (l == levels - 1 ? COARSEST_ROUNDS : LEVEL_ROUNDS);
    }

    int top = levels - 1;
    int[] size = p.levelSize(top, levels, frames, referenceFrames, model.height(), model.width());
    Video sample = ref[top].resized(size[0], size[1], size[2]);
    float[] d = sample.data();
    for (int i = 0; i < d.length; i++) {
      d[i] += (float) (sigma * rng.nextGaussian());
    }
    Field forward = new Field();
    Field reverse = new Field();
    for (int l = top; l >= 0; l--) {
      Video value = ref[l];
      if (l < top) {
        size = p.levelSize(l, levels, frames, referenceFrames, model.height(), model.width());
        sample = sample.resized(size[0], size[1], size[2]);
      }
      int pt = Math.min(p.patchFrames(), Math.min(value.frames(), sample.frames()));
      int rounds = l == top ? COARSEST_ROUNDS : LEVEL_ROUNDS;
      for (int round = 0; round < rounds; round++) {
        abort.run();
        // First round below the top: blurred keys (the coarser reference level upsampled), sharp values.
        Video key = l < top && round == 0 ? ref[l + 1].resized(value.frames(), value.height(), value.width()) : value;
        // GPNN's completeness: each key patch's distance to its nearest sample patch (reverse search).
        SpaceTimePatchMatch back = new SpaceTimePatchMatch(key, sample, pt, p.patchSize(), null, 0f);
        reverse.start(back, rng);
        back.search(REVERSE_PASSES, rng);
        reverse.keep(back);
        SpaceTimePatchMatch nn = new SpaceTimePatchMatch(sample, key, pt, p.patchSize(), back.cost, ALPHA);
        boolean fresh = forward.start(nn, rng);
        nn.search(SEARCH_PASSES + (fresh ? 1 : 0), rng);
        forward.keep(nn);
        sample = nn.vote(value);
        work += value.data().length;
        progress.accept(Math.min(1, work / total));
      }
    }
    return sample;
  }

  /** A nearest-neighbour field carried from round to round and level to level (PatchMatch's warm start). */
  private static final class Field {
    int[] match;
    SpaceTimePatchMatch.Grid query;
    SpaceTimePatchMatch.Grid key;

    /** Seeds {@code nn} from the kept field (as is, or scaled to new grids); randomly the first time (true). */
    boolean start(SpaceTimePatchMatch nn, SplittableRandom rng) {
      if (match == null) {
        nn.initRandom(rng);
        return true;
      }
      if (query.equals(nn.queryGrid()) && key.equals(nn.keyGrid())) {
        System.arraycopy(match, 0, nn.match, 0, match.length);
        nn.rescore();
      } else {
        nn.initScaled(match, query, key);
      }
      return false;
    }

    void keep(SpaceTimePatchMatch nn) {
      match = nn.match;
      query = nn.queryGrid();
      key = nn.keyGrid();
    }
  }
}
