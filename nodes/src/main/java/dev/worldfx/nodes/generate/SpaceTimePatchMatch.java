package dev.worldfx.nodes.generate;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Approximate nearest space-time patches: PatchMatch (Barnes et al., SIGGRAPH 2009) extended to
 * [T,H,W] grids, as in the video variant of Barnes et al.'s generalized PatchMatch (ECCV 2010):
 * every query patch keeps its best key patch so far; scans alternate direction, each query tries
 * its scan-predecessors' matches shifted by one along x, y and t (propagation), then random keys
 * around its match at halving radii (random search).
 *
 * <p>Cost: the mean squared difference over the patch, divided by {@code alpha + completeness[k]}
 * when a per-key completeness is given: GPNN's normalised score (Granot et al., "Drop the GAN",
 * CVPR 2022, eq. 2), which makes a key patch that some query already matches closely cheaper to
 * reuse than one nobody needs less, so that the output keeps all of the reference's content.
 *
 * <p>Only valid patch positions (wholly inside the video). Seeded {@link SplittableRandom}s and
 * bands fixed by the grid's size (see {@link #search}): the same inputs give the same field, bit for
 * bit, on any number of threads.
 */
final class SpaceTimePatchMatch {
  private static final int ROWS_PER_BAND = 8;
  private static final int MAX_BANDS = 32;
  private final Video query;
  private final Video key;
  private final int pt;
  private final int ps;
  private final Grid q;
  private final Grid k;
  private final float[] completeness;
  private final float alpha;
  /** match[i] = index of the key patch matched to query patch i (in the key grid). */
  final int[] match;
  final float[] cost;

  /** The positions at which a pt x ps x ps patch fits in a [t,h,w] video. */
  record Grid(int nt, int ny, int nx) {
    static Grid of(Video v, int pt, int ps) {
      return new Grid(v.frames() - pt + 1, v.height() - ps + 1, v.width() - ps + 1);
    }

    int count() {
      return nt * ny * nx;
    }

    int index(int t, int y, int x) {
      return (t * ny + y) * nx + x;
    }
  }

  SpaceTimePatchMatch(Video query, Video key, int pt, int ps, float[] completeness, float alpha) {
    this.query = query;
    this.key = key;
    this.pt = pt;
    this.ps = ps;
    this.q = Grid.of(query, pt, ps);
    this.k = Grid.of(key, pt, ps);
    if (q.count() < 1 || k.count() < 1) {
      throw new IllegalArgumentException("a " + pt + "x" + ps + "x" + ps + " patch does not fit the videos");
    }
    this.completeness = completeness;
    this.alpha = alpha;
    this.match = new int[q.count()];
    this.cost = new float[q.count()];
  }

  Grid queryGrid() {
    return q;
  }

  Grid keyGrid() {
    return k;
  }

  void initRandom(SplittableRandom rng) {
    for (int i = 0; i < match.length; i++) {
      match[i] = rng.nextInt(k.count());
    }
    rescore();
  }

  /** Starts from a field over other grids (a coarser level's), its positions scaled to these grids. */
  void initScaled(int[] from, Grid fromQuery, Grid fromKey) {
    for (int t = 0; t < q.nt; t++) {
      int ft = scale(t, q.nt, fromQuery.nt);
      for (int y = 0; y < q.ny; y++) {
        int fy = scale(y, q.ny, fromQuery.ny);
        for (int x = 0; x < q.nx; x++) {
          int fx = scale(x, q.nx, fromQuery.nx);
          int m = from[fromQuery.index(ft, fy, fx)];
          int mx = m % fromKey.nx, my = (m / fromKey.nx) % fromKey.ny, mt = m / (fromKey.nx * fromKey.ny);
          int kt = scale(mt, fromKey.nt, k.nt), ky = scale(my, fromKey.ny, k.ny), kx = scale(mx, fromKey.nx, k.nx);
          match[q.index(t, y, x)] = k.index(kt, ky, kx);
        }
      }
    }
    rescore();
  }

  /** Keeps the field, rescoring it (the key video's pixels or the completeness changed). */
  void rescore() {
    IntStream.range(0, match.length).parallel().forEach(i -> cost[i] = score(i, match[i], Float.POSITIVE_INFINITY));
  }

  private static int scale(int v, int n, int m) {
    return n <= 1 ? 0 : Math.min(m - 1, (int) Math.round((double) v * (m - 1) / (n - 1)));
  }

  /**
   * {@code passes} PatchMatch scans, alternating forward and backward, in bands of patch rows searched
   * in parallel. The bands depend only on the grid's size, each has its own random stream drawn from
   * {@code rng} in order, and propagation stays inside a band, so the field does not depend on the
   * number of threads or their timing.
   */
  void search(int passes, SplittableRandom rng) {
    int bands = Math.clamp(q.ny / ROWS_PER_BAND, 1, MAX_BANDS);
    long[] seeds = new long[bands];
    for (int b = 0; b < bands; b++) {
      seeds[b] = rng.nextLong();
    }
    IntStream.range(0, bands).parallel().forEach(b -> {
      SplittableRandom bandRng = new SplittableRandom(seeds[b]);
      int y0 = q.ny * b / bands, y1 = q.ny * (b + 1) / bands;
      for (int pass = 0; pass < passes; pass++) {
        scan(pass % 2 == 0, y0, y1, bandRng);
      }
    });
  }

  private void scan(boolean forward, int y0, int y1, SplittableRandom rng) {
    int step = forward ? 1 : -1;
    int rows = y1 - y0;
    int n = q.nt * rows * q.nx;
    for (int s = 0; s < n; s++) {
      int j = forward ? s : n - 1 - s;
      int x = j % q.nx, y = y0 + (j / q.nx) % rows, t = j / (q.nx * rows);
      int i = q.index(t, y, x);
      // Propagation: the scan-predecessor along each axis, its match moved one step along.
      if (x - step >= 0 && x - step < q.nx) {
        tryShifted(i, match[i - step], step, 0, 0);
      }
      if (y - step >= y0 && y - step < y1) {
        tryShifted(i, match[i - step * q.nx], 0, step, 0);
      }
      if (t - step >= 0 && t - step < q.nt) {
        tryShifted(i, match[i - step * q.nx * q.ny], 0, 0, step);
      }
      randomSearch(i, rng);
    }
  }

  private void tryShifted(int i, int m, int dx, int dy, int dt) {
    int mx = m % k.nx + dx, my = (m / k.nx) % k.ny + dy, mt = m / (k.nx * k.ny) + dt;
    if (mx >= 0 && mx < k.nx && my >= 0 && my < k.ny && mt >= 0 && mt < k.nt) {
      tryKey(i, k.index(mt, my, mx));
    }
  }

  private void randomSearch(int i, SplittableRandom rng) {
    int m = match[i];
    int mx = m % k.nx, my = (m / k.nx) % k.ny, mt = m / (k.nx * k.ny);
    for (int r = Math.max(k.nx, Math.max(k.ny, k.nt)); r >= 1; r /= 2) {
      int rt = Math.min(r, k.nt - 1);
      int cx = Math.clamp(mx + rng.nextInt(-r, r + 1), 0, k.nx - 1);
      int cy = Math.clamp(my + rng.nextInt(-r, r + 1), 0, k.ny - 1);
      int ct = Math.clamp(mt + (rt == 0 ? 0 : rng.nextInt(-rt, rt + 1)), 0, k.nt - 1);
      tryKey(i, k.index(ct, cy, cx));
    }
  }

  private void tryKey(int i, int candidate) {
    if (candidate == match[i]) {
      return;
    }
    float c = score(i, candidate, cost[i]);
    if (c < cost[i]) {
      cost[i] = c;
      match[i] = candidate;
    }
  }

  /** The cost of matching query patch i to key patch j; anything at or above {@code cutoff} may stop early. */
  private float score(int i, int j, float cutoff) {
    float norm = completeness == null ? 1f : alpha + completeness[j];
    float d = distance(i, j, cutoff * norm);
    return d / norm;
  }

  /** Mean squared difference of query patch i and key patch j, or something >= cutoff once the sum passes it. */
  float distance(int i, int j, float cutoff) {
    int c = query.channels();
    int qx = i % q.nx, qy = (i / q.nx) % q.ny, qt = i / (q.nx * q.ny);
    int kx = j % k.nx, ky = (j / k.nx) % k.ny, kt = j / (k.nx * k.ny);
    int count = pt * ps * ps * c;
    float limit = cutoff * count;
    float[] a = query.data(), b = key.data();
    int run = ps * c;
    float sum = 0f;
    for (int dt = 0; dt < pt; dt++) {
      for (int dy = 0; dy < ps; dy++) {
        int ia = (((qt + dt) * query.height() + qy + dy) * query.width() + qx) * c;
        int ib = (((kt + dt) * key.height() + ky + dy) * key.width() + kx) * c;
        for (int e = 0; e < run; e++) {
          float diff = a[ia + e] - b[ib + e];
          sum += diff * diff;
        }
      }
      if (sum >= limit) {
        return sum / count;
      }
    }
    return sum / count;
  }

  /**
   * The output: each query position takes the value video's patch at its match; overlapping patches
   * are averaged (GPNN's uniform vote). The value video has the key video's size.
   */
  Video vote(Video value) {
    int c = value.channels(), h = query.height(), w = query.width();
    float[] sum = new float[query.data().length];
    int[] votes = new int[query.frames() * h * w];
    float[] v = value.data();
    for (int i = 0; i < match.length; i++) {
      int qx = i % q.nx, qy = (i / q.nx) % q.ny, qt = i / (q.nx * q.ny);
      int j = match[i];
      int kx = j % k.nx, ky = (j / k.nx) % k.ny, kt = j / (k.nx * k.ny);
      for (int dt = 0; dt < pt; dt++) {
        for (int dy = 0; dy < ps; dy++) {
          int pix = ((qt + dt) * h + qy + dy) * w + qx;
          int ib = (((kt + dt) * value.height() + ky + dy) * value.width() + kx) * c;
          for (int dx = 0; dx < ps; dx++) {
            votes[pix + dx]++;
            for (int ch = 0; ch < c; ch++) {
              sum[(pix + dx) * c + ch] += v[ib + dx * c + ch];
            }
          }
        }
      }
    }
    for (int p = 0; p < votes.length; p++) {
      float inv = 1f / votes[p];
      for (int ch = 0; ch < c; ch++) {
        sum[p * c + ch] *= inv;
      }
    }
    return new Video(query.frames(), h, w, c, sum);
  }
}
