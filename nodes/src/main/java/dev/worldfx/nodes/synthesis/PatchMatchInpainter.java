package dev.worldfx.nodes.synthesis;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Exemplar-based hole filling: the "space-time completion" EM of Wexler, Shechtman and Irani
 * (CVPR 2004 / PAMI 2007) on a coarse-to-fine pyramid, with the nearest-neighbour field found by
 * PatchMatch (Barnes et al., SIGGRAPH 2009: propagation from the scan neighbours + random search
 * at halving radii).
 *
 * <p>Per level: every patch that overlaps the hole (the "targets") points at a patch lying wholly
 * outside the hole (a "source"); the hole pixels are then set to the weighted mean of what all
 * overlapping source patches say about them (Wexler's vote, weight {@code exp(-d / 2σ²)} with σ²
 * the 75th percentile of the patch distances), and search + vote repeat. The next finer level
 * starts from the upsampled field. Pixels outside the hole are never written: the result is a
 * copy of the input with only hole pixels replaced, so they are bit-exact.
 *
 * <p>Simpler than the papers, named so: the vote is a weighted mean at every level (no mean-shift
 * mode selection at the finest level), and sources are whole-image (no spatial restriction).
 *
 * <p>Temporal coherence ({@link Anchor}): an optional anchor image, e.g. the previous frame's
 * result warped to this frame, adds a data term {@code α·|A(x) − S(x)|²} over hole pixels to the
 * patch distance and to the vote, so {@code I(x) = (vote(x) + α·A(x)) / (1 + α)}. With α = 0 the
 * anchor has no effect; α = 1 weighs it as much as the whole patch vote.
 *
 * <p>Deterministic: one thread and one {@link SplittableRandom} seeded with the caller's seed.
 */
public final class PatchMatchInpainter {

  public enum Quality {
    DRAFT, FINAL
  }

  /**
   * @param patchSize odd patch side in pixels
   * @param levels the most pyramid levels to use (fewer when a coarser level would leave no
   *     complete source patch or be smaller than two patches)
   * @param emIterations search + vote rounds per level
   * @param searchIterations PatchMatch passes (alternating scan order) per round
   */
  public record Settings(int patchSize, int levels, int emIterations, int searchIterations) {
    public Settings {
      if (patchSize < 3 || patchSize % 2 == 0) {
        throw new IllegalArgumentException("patch size must be odd and at least 3, got " + patchSize);
      }
      if (levels < 1 || emIterations < 1 || searchIterations < 1) {
        throw new IllegalArgumentException("levels, EM iterations and search iterations must be at least 1, got "
            + levels + ", " + emIterations + ", " + searchIterations);
      }
    }

    public static Settings of(Quality quality) {
      return switch (quality) {
        case DRAFT -> new Settings(7, 4, 3, 1);
        case FINAL -> new Settings(7, 5, 6, 2);
      };
    }
  }

  /** An image the hole should stay close to (same size as the input), with weight α ≥ 0. */
  public record Anchor(ImagePlanes image, float weight) {
    public Anchor {
      if (!(weight >= 0f) || Float.isInfinite(weight)) {
        throw new IllegalArgumentException("anchor weight must be finite and non-negative, got " + weight);
      }
    }
  }

  private final Settings settings;

  public PatchMatchInpainter(Settings settings) {
    this.settings = settings;
  }

  public ImagePlanes fill(ImagePlanes image, HoleMask hole, long seed) {
    return run(image, hole, seed, null);
  }

  public ImagePlanes fill(ImagePlanes image, HoleMask hole, long seed, Anchor anchor) {
    anchor.image().requireSameSize(image, "anchor image");
    return run(image, hole, seed, anchor);
  }

  private ImagePlanes run(ImagePlanes image, HoleMask hole, long seed, Anchor anchor) {
    hole.requireFits(image);
    if (hole.count() == 0) {
      return image.copy();
    }
    int r = settings.patchSize() / 2;
    Level finest = new Level(image.channels(), image.height(), image.width(), interleave(image), hole.fill().clone(),
        anchor == null ? null : interleave(anchor.image()), r);
    if (finest.sourceCount() == 0) {
      throw new NoSourcePatchException("no " + settings.patchSize() + "x" + settings.patchSize()
          + " patch lies wholly outside the hole: the hole covers too much of the " + image.width() + "x"
          + image.height() + " image");
    }
    Level[] pyramid = buildPyramid(finest, r);
    float alpha = anchor == null ? 0f : anchor.weight();
    SplittableRandom rng = new SplittableRandom(seed);

    Level coarsest = pyramid[pyramid.length - 1];
    coarsest.fillByPatchOnionPeel(rng);
    coarsest.randomField(rng);
    for (int l = pyramid.length - 1; l >= 0; l--) {
      Level lv = pyramid[l];
      if (l < pyramid.length - 1) {
        lv.upsampleField(pyramid[l + 1], rng);
        lv.vote(false, alpha);
      }
      for (int it = 0; it < settings.emIterations(); it++) {
        lv.refreshDistances(alpha);
        for (int pass = 0; pass < settings.searchIterations(); pass++) {
          lv.search(pass % 2 == 0, rng, alpha);
        }
        lv.vote(true, alpha);
      }
    }
    return deinterleave(finest);
  }

  private Level[] buildPyramid(Level finest, int r) {
    Level[] levels = new Level[settings.levels()];
    levels[0] = finest;
    int n = 1;
    while (n < levels.length) {
      Level prev = levels[n - 1];
      if ((prev.h + 1) / 2 < 2 * settings.patchSize() || (prev.w + 1) / 2 < 2 * settings.patchSize()) {
        break;
      }
      Level next = prev.downsample(r);
      if (next.sourceCount() == 0) {
        break;
      }
      levels[n++] = next;
    }
    return Arrays.copyOf(levels, n);
  }

  // [C,H,W] planes -> [H,W,C] pixels: a patch distance then reads contiguous memory.
  private static float[] interleave(ImagePlanes p) {
    int c = p.channels(), plane = p.plane();
    float[] out = new float[p.data().length];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < plane; i++) {
        out[i * c + ch] = p.data()[ch * plane + i];
      }
    }
    return out;
  }

  private static ImagePlanes deinterleave(Level lv) {
    int c = lv.c, plane = lv.h * lv.w;
    float[] out = new float[lv.img.length];
    for (int ch = 0; ch < c; ch++) {
      for (int i = 0; i < plane; i++) {
        out[ch * plane + i] = lv.img[i * c + ch];
      }
    }
    return new ImagePlanes(c, lv.h, lv.w, out);
  }

  /** One pyramid level: pixels [H,W,C], its hole, its sources and targets and their field. */
  private static final class Level {
    final int c, h, w, r;
    final float[] img; // [H,W,C]; only hole pixels are ever written
    final boolean[] hole; // [H,W]
    final float[] anchor; // [H,W,C] or null
    final int[] sources; // centres (y*w+x) of patches wholly inside the image and outside the hole
    final boolean[] isSource;
    final int[] targets; // centres of patches that overlap the hole, row-major
    final boolean[] isTarget;
    final int[] field; // field[target centre] = source centre
    final float[] dist; // dist[target centre] = mean squared difference per pixel and channel

    Level(int c, int h, int w, float[] img, boolean[] hole, float[] anchor, int r) {
      this.c = c;
      this.h = h;
      this.w = w;
      this.r = r;
      this.img = img;
      this.hole = hole;
      this.anchor = anchor;
      int[] holeSum = integral(hole);
      isSource = new boolean[h * w];
      isTarget = new boolean[h * w];
      int ns = 0, nt = 0;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int holesInPatch = boxSum(holeSum, x - r, y - r, x + r, y + r);
          if (holesInPatch > 0) {
            isTarget[y * w + x] = true;
            nt++;
          } else if (x >= r && x < w - r && y >= r && y < h - r) {
            isSource[y * w + x] = true;
            ns++;
          }
        }
      }
      sources = new int[ns];
      targets = new int[nt];
      for (int i = 0, s = 0, t = 0; i < h * w; i++) {
        if (isSource[i]) {
          sources[s++] = i;
        }
        if (isTarget[i]) {
          targets[t++] = i;
        }
      }
      field = new int[h * w];
      dist = new float[h * w];
    }

    int sourceCount() {
      return sources.length;
    }

    // Integral image of a flag plane, [H+1,W+1], for O(1) hole counts in a window.
    private int[] integral(boolean[] flags) {
      int[] s = new int[(h + 1) * (w + 1)];
      for (int y = 0; y < h; y++) {
        int row = 0;
        for (int x = 0; x < w; x++) {
          row += flags[y * w + x] ? 1 : 0;
          s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
        }
      }
      return s;
    }

    private int boxSum(int[] s, int x0, int y0, int x1, int y1) {
      x0 = Math.max(x0, 0);
      y0 = Math.max(y0, 0);
      x1 = Math.min(x1, w - 1);
      y1 = Math.min(y1, h - 1);
      return s[(y1 + 1) * (w + 1) + x1 + 1] - s[y0 * (w + 1) + x1 + 1] - s[(y1 + 1) * (w + 1) + x0]
          + s[y0 * (w + 1) + x0];
    }

    /**
     * Half resolution: a coarse pixel is hole if any of its (up to) 2x2 fine pixels is, so coarse
     * sources never contain hole content; known pixels and the anchor are box means.
     */
    Level downsample(int patchRadius) {
      int ch = (h + 1) / 2, cw = (w + 1) / 2;
      float[] ci = new float[ch * cw * c];
      boolean[] chole = new boolean[ch * cw];
      float[] ca = anchor == null ? null : new float[ch * cw * c];
      for (int y = 0; y < ch; y++) {
        for (int x = 0; x < cw; x++) {
          int o = y * cw + x, n = 0;
          boolean anyHole = false;
          for (int fy = 2 * y; fy <= Math.min(2 * y + 1, h - 1); fy++) {
            for (int fx = 2 * x; fx <= Math.min(2 * x + 1, w - 1); fx++) {
              int f = fy * w + fx;
              anyHole |= hole[f];
              n++;
              for (int k = 0; k < c; k++) {
                ci[o * c + k] += img[f * c + k];
                if (ca != null) {
                  ca[o * c + k] += anchor[f * c + k];
                }
              }
            }
          }
          chole[o] = anyHole;
          for (int k = 0; k < c; k++) {
            ci[o * c + k] = anyHole ? 0f : ci[o * c + k] / n;
            if (ca != null) {
              ca[o * c + k] /= n;
            }
          }
        }
      }
      return new Level(c, ch, cw, ci, chole, ca, patchRadius);
    }

    /** Candidate sources tried per pixel by the onion-peel start (all of them when there are fewer). */
    static final int PEEL_CANDIDATES = 1500;

    /**
     * Starting guess at the coarsest level, textured: peel the hole from its border inwards (as
     * Newson et al., "Video Inpainting of Complex Scenes", SIAM J. Imaging Sci. 2014, start
     * theirs); each pixel of a layer takes the centre value of the source patch that best matches
     * the pixels known so far around it (mean squared difference over those only), searched
     * among all sources or a fixed random sample of {@link #PEEL_CANDIDATES}. A smooth start
     * (the mean of the neighbours) lets the EM settle on flat patches, and a real texture around
     * the hole then comes back as a blur.
     */
    void fillByPatchOnionPeel(SplittableRandom rng) {
      boolean[] known = new boolean[h * w];
      int left = 0;
      for (int i = 0; i < known.length; i++) {
        known[i] = !hole[i];
        left += hole[i] ? 1 : 0;
      }
      int[] candidates = sources;
      if (sources.length > PEEL_CANDIDATES) {
        candidates = new int[PEEL_CANDIDATES];
        for (int j = 0; j < candidates.length; j++) {
          candidates[j] = sources[rng.nextInt(sources.length)];
        }
      }
      int[] layer = new int[left];
      while (left > 0) {
        int n = 0;
        for (int i = 0; i < h * w; i++) {
          if (!known[i] && touchesKnown(known, i)) {
            layer[n++] = i;
          }
        }
        if (n == 0) {
          break; // cannot happen while a source exists; guards the loop
        }
        for (int j = 0; j < n; j++) {
          int p = layer[j], best = candidates[0];
          float bestD = Float.POSITIVE_INFINITY;
          for (int q : candidates) {
            float d = knownDistance(known, p, q);
            if (d < bestD) {
              bestD = d;
              best = q;
            }
          }
          System.arraycopy(img, best * c, img, p * c, c);
        }
        for (int j = 0; j < n; j++) {
          known[layer[j]] = true;
        }
        left -= n;
      }
    }

    private boolean touchesKnown(boolean[] known, int i) {
      int x = i % w, y = i / w;
      for (int dy = -1; dy <= 1; dy++) {
        for (int dx = -1; dx <= 1; dx++) {
          int yy = y + dy, xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w && known[yy * w + xx]) {
            return true;
          }
        }
      }
      return false;
    }

    /** Mean squared difference over the pixels of the patch at p that are known (+inf when none are). */
    private float knownDistance(boolean[] known, int p, int q) {
      int px = p % w, py = p / w, qx = q % w, qy = q / w;
      float sum = 0f;
      int n = 0;
      for (int dy = -r; dy <= r; dy++) {
        int yy = py + dy;
        if (yy < 0 || yy >= h) {
          continue;
        }
        for (int dx = -r; dx <= r; dx++) {
          int xx = px + dx;
          if (xx < 0 || xx >= w || !known[yy * w + xx]) {
            continue;
          }
          int ti = (yy * w + xx) * c, si = ((qy + dy) * w + qx + dx) * c;
          for (int k = 0; k < c; k++) {
            float d = img[ti + k] - img[si + k];
            sum += d * d;
          }
          n += c;
        }
      }
      return n == 0 ? Float.POSITIVE_INFINITY : sum / n;
    }

    void randomField(SplittableRandom rng) {
      for (int t : targets) {
        field[t] = sources[rng.nextInt(sources.length)];
      }
    }

    /** Each fine target inherits its coarse parent's source, doubled and shifted by its sub-position. */
    void upsampleField(Level coarse, SplittableRandom rng) {
      for (int t : targets) {
        int x = t % w, y = t / w;
        int parent = (y / 2) * coarse.w + x / 2;
        int cand = -1;
        if (coarse.isTarget[parent]) {
          int s = coarse.field[parent];
          int sx = Math.min(2 * (s % coarse.w) + (x & 1), w - 1 - r);
          int sy = Math.min(2 * (s / coarse.w) + (y & 1), h - 1 - r);
          int q = sy * w + sx;
          cand = isSource[q] ? q : -1;
        }
        field[t] = cand >= 0 ? cand : sources[rng.nextInt(sources.length)];
      }
    }

    void refreshDistances(float alpha) {
      for (int t : targets) {
        dist[t] = distance(t, field[t], Float.POSITIVE_INFINITY, alpha);
      }
    }

    /**
     * Mean squared difference between the target patch at {@code t} (clipped to the image) and
     * the source patch at {@code s}, plus the anchor term on hole pixels; gives up with +inf once
     * it cannot beat {@code best}.
     */
    float distance(int t, int s, float best, float alpha) {
      int tx = t % w, ty = t / w, sx = s % w, sy = s / w;
      int dy0 = Math.max(-r, -ty), dy1 = Math.min(r, h - 1 - ty);
      int dx0 = Math.max(-r, -tx), dx1 = Math.min(r, w - 1 - tx);
      int n = (dy1 - dy0 + 1) * (dx1 - dx0 + 1) * c;
      float limit = best * n;
      float sum = 0f;
      for (int dy = dy0; dy <= dy1; dy++) {
        int trow = ((ty + dy) * w + tx) * c, srow = ((sy + dy) * w + sx) * c;
        int trowPix = (ty + dy) * w + tx;
        for (int dx = dx0; dx <= dx1; dx++) {
          int ti = trow + dx * c, si = srow + dx * c;
          for (int k = 0; k < c; k++) {
            float d = img[ti + k] - img[si + k];
            sum += d * d;
          }
          if (anchor != null && hole[trowPix + dx]) {
            for (int k = 0; k < c; k++) {
              float d = anchor[ti + k] - img[si + k];
              sum += alpha * d * d;
            }
          }
        }
        if (sum > limit) {
          return Float.POSITIVE_INFINITY;
        }
      }
      return sum / n;
    }

    /** One PatchMatch pass: propagate from the two scan predecessors, then random search. */
    void search(boolean forward, SplittableRandom rng, float alpha) {
      int step = forward ? -1 : 1; // offset of the already visited neighbours
      int n = targets.length;
      for (int j = 0; j < n; j++) {
        int t = targets[forward ? j : n - 1 - j];
        int x = t % w, y = t / w;
        int best = field[t];
        float bestD = dist[t];
        if (x + step >= 0 && x + step < w && isTarget[t + step]) {
          int q = field[t + step] - step; // the neighbour's source, shifted back by the same offset
          if (q % w == (field[t + step] % w) - step && q >= 0 && q < h * w && isSource[q] && q != best) {
            float d = distance(t, q, bestD, alpha);
            if (d < bestD) {
              best = q;
              bestD = d;
            }
          }
        }
        if (y + step >= 0 && y + step < h && isTarget[t + step * w]) {
          int q = field[t + step * w] - step * w;
          if (q >= 0 && q < h * w && isSource[q] && q != best) {
            float d = distance(t, q, bestD, alpha);
            if (d < bestD) {
              best = q;
              bestD = d;
            }
          }
        }
        for (int radius = Math.max(w, h); radius >= 1; radius /= 2) {
          int bx = best % w, by = best / w;
          int qx = Math.clamp(bx + rng.nextInt(-radius, radius + 1), r, w - 1 - r);
          int qy = Math.clamp(by + rng.nextInt(-radius, radius + 1), r, h - 1 - r);
          int q = qy * w + qx;
          if (isSource[q] && q != best) {
            float d = distance(t, q, bestD, alpha);
            if (d < bestD) {
              best = q;
              bestD = d;
            }
          }
        }
        field[t] = best;
        dist[t] = bestD;
      }
    }

    /**
     * Sets every hole pixel to the mean of the source pixels that the patches covering it point
     * at; {@code weighted} uses Wexler's similarity weights (needs current distances), else all
     * patches count equally (right after upsampling, before distances exist).
     */
    void vote(boolean weighted, float alpha) {
      float twoSigma2 = 1f;
      if (weighted) {
        float[] d = new float[targets.length];
        for (int j = 0; j < d.length; j++) {
          d[j] = dist[targets[j]];
        }
        Arrays.sort(d);
        twoSigma2 = 2f * Math.max(d[(int) (0.75 * (d.length - 1))], 1e-8f);
      }
      float[] acc = new float[img.length];
      float[] wsum = new float[h * w];
      for (int t : targets) {
        // weights stay above zero so every hole pixel keeps at least one vote
        float wgt = weighted ? Math.max((float) Math.exp(-dist[t] / twoSigma2), 1e-6f) : 1f;
        int tx = t % w, ty = t / w, s = field[t], sx = s % w, sy = s / w;
        for (int dy = Math.max(-r, -ty); dy <= Math.min(r, h - 1 - ty); dy++) {
          for (int dx = Math.max(-r, -tx); dx <= Math.min(r, w - 1 - tx); dx++) {
            int p = (ty + dy) * w + tx + dx;
            if (!hole[p]) {
              continue;
            }
            int q = (sy + dy) * w + sx + dx;
            wsum[p] += wgt;
            for (int k = 0; k < c; k++) {
              acc[p * c + k] += wgt * img[q * c + k];
            }
          }
        }
      }
      for (int p = 0; p < h * w; p++) {
        if (!hole[p]) {
          continue;
        }
        for (int k = 0; k < c; k++) {
          float v = acc[p * c + k] / wsum[p];
          img[p * c + k] = anchor == null ? v : (v + alpha * anchor[p * c + k]) / (1f + alpha);
        }
      }
    }
  }
}
