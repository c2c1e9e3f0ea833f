package dev.worldfx.nodes.inpaint;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.flow.FlowCompletion;
import dev.worldfx.nodes.flow.FlowConsistency;
import dev.worldfx.nodes.flow.FlowParams;
import dev.worldfx.nodes.flow.TvL1Flow;
import dev.worldfx.nodes.synthesis.HoleMask;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import dev.worldfx.nodes.synthesis.NoSourcePatchException;
import dev.worldfx.nodes.synthesis.PatchMatchInpainter;
import dev.worldfx.nodes.synthesis.PoissonBlender;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.function.DoubleConsumer;

/**
 * The whole-shot Inpaint solve (DESIGN.md §4): flow-guided propagation of real pixels, then
 * synthesis of what no frame showed, then seam blending. Four passes over the shot, each reading
 * the frames in order, so at most two decoded frames are held at a time; what is kept for the
 * whole shot is per removal-region pixel only (its weight, two flow vectors, two candidate
 * sources and their colours: about 80 bytes).
 *
 * <ol>
 *   <li><b>Flow.</b> For each pair of neighbouring frames where either has something to remove:
 *       TV-L1 flow both ways ({@link TvL1Flow}) on a crop around the two removal regions, with
 *       the regions taken out of the data term, completed inside them as a membrane
 *       ({@link FlowCompletion}) so the object's own motion is never used, and checked
 *       forward-backward ({@link FlowConsistency}).
 *   <li><b>Trace.</b> Two sweeps (from the past, from the future) follow the completed flow one
 *       frame at a time: a removal pixel whose flow lands on a visible pixel of the neighbour
 *       takes that pixel as its source; one that lands in the neighbour's removal region
 *       inherits the neighbour's source (frame, position + sub-pixel offset) one step further,
 *       up to the temporal radius. Sources are positions, not colours, so a colour is sampled
 *       once from the original frame and does not blur along the chain. Inconsistent flow
 *       (occlusion, flow errors) stops the chain.
 *   <li><b>Sample.</b> Each source frame is read once and every position that points at it is
 *       sampled bilinearly from its visible pixels. The nearer source in time wins; equal distances
 *       are averaged.
 *   <li><b>Synthesise and blend.</b> Per frame, in order: pixels no frame showed are filled by
 *       PatchMatch ({@link PatchMatchInpainter}) on a crop around them, anchored to the previous
 *       frame's result warped by the flow (temporal coherence); then the whole removal region is
 *       Poisson-blended into the frame ({@link PoissonBlender}, guidance from the fill's own
 *       gradients inside the region only) so exposure differences between source frames leave
 *       no seam.
 * </ol>
 *
 * <p>Small frames or holes that leave no complete 7x7 patch outside fall back to 3x3 patches,
 * and where not even those exist to a smooth membrane (Laplace) fill from the hole's border.
 *
 * <p>Confidence: 1 for a source in the neighbouring frame, falling linearly to 0.5 at the temporal
 * radius; 0.25 for synthesised pixels. Same frames and settings give the same bits.
 */
public final class InpaintSolver {
  /** Receives each frame's result, in frame order. */
  @FunctionalInterface
  public interface Sink {
    void accept(int frame, FrameFill fill) throws IOException;
  }

  /** What a solve did, for reports and benchmarks. */
  public record Stats(int frames, long removalPixels, long propagatedPixels, long synthesisedPixels, int flowPairs,
                      double seconds, double flowSeconds, double traceSeconds, double sampleSeconds,
                      double synthesisSeconds) {
  }

  static final float SYNTHESISED_CONFIDENCE = 0.25f;
  private static final float ANCHOR_WEIGHT = 0.3f;

  private final InpaintSettings settings;
  private final Runnable abortPoll;
  private final DoubleConsumer progress;

  public InpaintSolver(InpaintSettings settings, Runnable abortPoll, DoubleConsumer progress) {
    this.settings = settings;
    this.abortPoll = abortPoll;
    this.progress = progress;
  }

  /** Per-frame state, indexed by the frame's removal pixels in increasing pixel order. */
  private static final class FrameState {
    final int[] idx;
    final float[] weight;
    final int bx0, by0, bx1, by1; // removal bounding box, exclusive end; empty when idx is empty
    // flow at removal pixels towards the previous (back) and next (fwd) frame, and its consistency
    float[] backU, backV, fwdU, fwdV;
    boolean[] backOk, fwdOk;
    // candidate sources from the past (p) and the future (f): frame, position, distance (0 = none)
    int[] pSrc, fSrc;
    float[] pX, pY, fX, fY;
    short[] pD, fD;
    float[] pRgb, fRgb;

    FrameState(int[] idx, float[] weight, int width) {
      this.idx = idx;
      this.weight = weight;
      int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = -1, y1 = -1;
      for (int p : idx) {
        int x = p % width, y = p / width;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
      bx0 = idx.length == 0 ? 0 : x0;
      by0 = idx.length == 0 ? 0 : y0;
      bx1 = idx.length == 0 ? 0 : x1 + 1;
      by1 = idx.length == 0 ? 0 : y1 + 1;
      int n = idx.length;
      pSrc = new int[n];
      fSrc = new int[n];
      pX = new float[n];
      pY = new float[n];
      fX = new float[n];
      fY = new float[n];
      pD = new short[n];
      fD = new short[n];
    }

    int n() {
      return idx.length;
    }

    /** Position of pixel p among the removal pixels, or negative when p is visible. */
    int find(int p) {
      return Arrays.binarySearch(idx, p);
    }

    boolean removed(int p) {
      return find(p) >= 0;
    }
  }

  public Stats solve(ShotFrames frames, Sink sink) throws IOException {
    return solve(frames, sink, 0);
  }

  /**
   * As {@link #solve(ShotFrames, Sink)}, but frames before {@code firstOutput} only lend their
   * pixels: they are not synthesised, blended or passed to the sink.
   */
  public Stats solve(ShotFrames frames, Sink sink, int firstOutput) throws IOException {
    long t0 = System.nanoTime();
    int n = frames.count();
    int w = frames.width();
    int h = frames.height();
    if (n < 1) {
      throw new NodeException("Inpaint: the shot has no frames");
    }
    FrameState[] st = new FrameState[n];
    int pairs = flowPass(frames, st);
    long t1 = System.nanoTime();
    tracePass(st, w, h);
    long t2 = System.nanoTime();
    samplePass(frames, st, w, h);
    long t3 = System.nanoTime();
    long[] counts = new long[3];
    synthesisPass(frames, st, sink, counts, firstOutput);
    long t4 = System.nanoTime();
    return new Stats(n, counts[0], counts[1], counts[2], pairs, (t4 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9,
        (t3 - t2) / 1e9, (t4 - t3) / 1e9);
  }

  // ---- pass 1: removal regions and flow -------------------------------------------------------

  private int flowPass(ShotFrames frames, FrameState[] st) {
    int n = frames.count(), w = frames.width(), h = frames.height();
    FlowParams fp = settings.finalQuality() ? FlowParams.finalQuality() : FlowParams.draft();
    float threshold = settings.finalQuality() ? 1f : 1.5f;
    for (int i = 0; i < n; i++) {
      abortPoll.run();
      float[] matte = frames.matte(i);
      if (matte.length != w * h) {
        throw new NodeException("Inpaint: the matte of frame " + i + " has " + matte.length + " pixels, not " + w
            + "x" + h);
      }
      st[i] = state(MatteShaper.weight(matte, h, w, settings.dilate(), settings.feather()), w);
      if (st[i].n() == w * h) {
        throw new NodeException("Inpaint: the matte covers the whole of frame " + i + "; there is nothing left to "
            + "fill it from");
      }
    }
    progress.accept(0.05);
    ImagePlanes prev = null;
    int pairs = 0;
    for (int i = 1; i < n; i++) {
      if ((st[i].n() == 0 && st[i - 1].n() == 0) || settings.temporalRadius() == 0) {
        prev = null;
        continue;
      }
      abortPoll.run();
      if (prev == null) {
        prev = frames.rgb(i - 1);
        checkSize(prev, w, h, i - 1);
      }
      ImagePlanes cur = frames.rgb(i);
      checkSize(cur, w, h, i);
      pairFlows(prev, cur, st[i - 1], st[i], w, h, fp, threshold);
      pairs++;
      prev = cur;
      progress.accept(0.05 + 0.55 * i / (n - 1));
    }
    return pairs;
  }

  private static void checkSize(ImagePlanes img, int w, int h, int i) {
    if (img != null && (img.width() != w || img.height() != h || img.channels() != 3)) {
      throw new NodeException("Inpaint: frame " + i + " is " + img.width() + "x" + img.height() + " but the shot is "
          + w + "x" + h);
    }
  }

  private static FrameState state(float[] weight, int w) {
    int count = 0;
    for (float v : weight) {
      count += v > 0 ? 1 : 0;
    }
    int[] idx = new int[count];
    float[] wt = new float[count];
    for (int p = 0, k = 0; p < weight.length; p++) {
      if (weight[p] > 0) {
        idx[k] = p;
        wt[k++] = weight[p];
      }
    }
    return new FrameState(idx, wt, w);
  }

  /** A box [x0,y0,x1,y1) around both regions, grown by a margin for context and motion. */
  private static int[] pairBox(FrameState a, FrameState b, int w, int h) {
    int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = 0, y1 = 0;
    for (FrameState s : new FrameState[] {a, b}) {
      if (s.n() > 0) {
        x0 = Math.min(x0, s.bx0);
        y0 = Math.min(y0, s.by0);
        x1 = Math.max(x1, s.bx1);
        y1 = Math.max(y1, s.by1);
      }
    }
    int margin = Math.max(64, Math.max(x1 - x0, y1 - y0));
    return new int[] {Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.min(w, x1 + margin),
        Math.min(h, y1 + margin)};
  }

  private void pairFlows(ImagePlanes prev, ImagePlanes cur, FrameState sp, FrameState sc, int w, int h,
                         FlowParams fp, float threshold) {
    int[] box = pairBox(sp, sc, w, h);
    int bw = box[2] - box[0], bh = box[3] - box[1];
    try (Arena arena = Arena.ofShared()) {
      Ops ops = Backends.forCompute(arena);
      Tensor a = Tensor.of(arena, crop(prev.data(), 3, w, h, box), 1, 3, bh, bw);
      Tensor b = Tensor.of(arena, crop(cur.data(), 3, w, h, box), 1, 3, bh, bw);
      Tensor ha = Tensor.of(arena, holeCrop(sp, w, box), 1, 1, bh, bw);
      Tensor hb = Tensor.of(arena, holeCrop(sc, w, box), 1, 1, bh, bw);
      TvL1Flow flow = new TvL1Flow(ops, arena, fp, abortPoll);
      Tensor fwd = FlowCompletion.completeFlow(arena, flow.estimate(a, b, ha, hb), ha); // prev -> cur
      Tensor bwd = FlowCompletion.completeFlow(arena, flow.estimate(b, a, hb, ha), hb); // cur -> prev
      float[] okPrev = FlowConsistency.confidence(ops, arena, fwd, bwd, threshold).toArray();
      float[] okCur = FlowConsistency.confidence(ops, arena, bwd, fwd, threshold).toArray();
      float[] f = fwd.toArray();
      float[] g = bwd.toArray();
      int plane = bw * bh;
      sp.fwdU = new float[sp.n()];
      sp.fwdV = new float[sp.n()];
      sp.fwdOk = new boolean[sp.n()];
      for (int k = 0; k < sp.n(); k++) {
        int c = cropIndex(sp.idx[k], w, box);
        sp.fwdU[k] = f[c];
        sp.fwdV[k] = f[plane + c];
        sp.fwdOk[k] = okPrev[c] > 0;
      }
      sc.backU = new float[sc.n()];
      sc.backV = new float[sc.n()];
      sc.backOk = new boolean[sc.n()];
      for (int k = 0; k < sc.n(); k++) {
        int c = cropIndex(sc.idx[k], w, box);
        sc.backU[k] = g[c];
        sc.backV[k] = g[plane + c];
        sc.backOk[k] = okCur[c] > 0;
      }
    }
  }

  private static int cropIndex(int p, int w, int[] box) {
    return (p / w - box[1]) * (box[2] - box[0]) + (p % w - box[0]);
  }

  static float[] crop(float[] planes, int channels, int w, int h, int[] box) {
    int bw = box[2] - box[0], bh = box[3] - box[1];
    float[] out = new float[channels * bw * bh];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < bh; y++) {
        System.arraycopy(planes, c * w * h + (box[1] + y) * w + box[0], out, (c * bh + y) * bw, bw);
      }
    }
    return out;
  }

  private static float[] holeCrop(FrameState s, int w, int[] box) {
    float[] out = new float[(box[2] - box[0]) * (box[3] - box[1])];
    for (int p : s.idx) {
      out[cropIndex(p, w, box)] = 1f;
    }
    return out;
  }

  // ---- pass 2: trace sources along the flow ----------------------------------------------------

  private void tracePass(FrameState[] st, int w, int h) {
    int radius = settings.temporalRadius();
    if (radius == 0) {
      return;
    }
    for (int t = 1; t < st.length; t++) {
      trace(st[t], st[t - 1], t - 1, true, w, h, radius);
    }
    for (int t = st.length - 2; t >= 0; t--) {
      trace(st[t], st[t + 1], t + 1, false, w, h, radius);
    }
  }

  /** Candidates of {@code s} from its neighbour {@code o} (frame {@code oi}): the past when {@code fromPast}. */
  private static void trace(FrameState s, FrameState o, int oi, boolean fromPast, int w, int h, int radius) {
    float[] u = fromPast ? s.backU : s.fwdU;
    float[] v = fromPast ? s.backV : s.fwdV;
    boolean[] ok = fromPast ? s.backOk : s.fwdOk;
    if (u == null) {
      return; // no flow was needed: the neighbour pair had nothing to remove
    }
    int[] src = fromPast ? s.pSrc : s.fSrc;
    float[] sx = fromPast ? s.pX : s.fX;
    float[] sy = fromPast ? s.pY : s.fY;
    short[] sd = fromPast ? s.pD : s.fD;
    int[] oSrc = fromPast ? o.pSrc : o.fSrc;
    float[] oX = fromPast ? o.pX : o.fX;
    float[] oY = fromPast ? o.pY : o.fY;
    short[] oD = fromPast ? o.pD : o.fD;
    for (int k = 0; k < s.n(); k++) {
      if (!ok[k]) {
        continue;
      }
      int p = s.idx[k];
      float x = p % w + u[k];
      float y = p / w + v[k];
      if (!(x >= 0 && x <= w - 1 && y >= 0 && y <= h - 1)) {
        continue;
      }
      int jx = Math.round(x), jy = Math.round(y);
      int kk = o.find(jy * w + jx);
      if (kk < 0) {
        src[k] = oi;
        sx[k] = x;
        sy[k] = y;
        sd[k] = 1;
      } else if (oD[kk] > 0 && oD[kk] < radius) {
        src[k] = oSrc[kk];
        sx[k] = oX[kk] + (x - jx);
        sy[k] = oY[kk] + (y - jy);
        sd[k] = (short) (oD[kk] + 1);
      }
    }
  }

  // ---- pass 3: sample the sources --------------------------------------------------------------

  private void samplePass(ShotFrames frames, FrameState[] st, int w, int h) {
    int n = st.length, radius = settings.temporalRadius();
    for (FrameState s : st) {
      s.pRgb = new float[3 * s.n()];
      s.fRgb = new float[3 * s.n()];
    }
    if (radius == 0) {
      return;
    }
    for (int src = 0; src < n; src++) {
      abortPoll.run();
      ImagePlanes img = null;
      for (int t = Math.max(0, src - radius); t <= Math.min(n - 1, src + radius); t++) {
        FrameState s = st[t];
        for (int k = 0; k < s.n(); k++) {
          boolean p = s.pD[k] > 0 && s.pSrc[k] == src;
          boolean f = s.fD[k] > 0 && s.fSrc[k] == src;
          if (!p && !f) {
            continue;
          }
          if (img == null) {
            img = frames.rgb(src);
            checkSize(img, w, h, src);
          }
          if (p) {
            sample(img, st[src], s.pX[k], s.pY[k], s.pRgb, 3 * k);
          }
          if (f) {
            sample(img, st[src], s.fX[k], s.fY[k], s.fRgb, 3 * k);
          }
        }
      }
      progress.accept(0.6 + 0.1 * (src + 1) / n);
    }
  }

  /** Bilinear sample at (x, y) over the taps that are visible in the source frame (renormalised). */
  private static void sample(ImagePlanes img, FrameState srcState, float x, float y, float[] out, int at) {
    int w = img.width(), h = img.height(), plane = w * h;
    float cx = Math.clamp(x, 0, w - 1), cy = Math.clamp(y, 0, h - 1);
    int x0 = (int) Math.floor(cx), y0 = (int) Math.floor(cy);
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    float fx = cx - x0, fy = cy - y0;
    int[] taps = {y0 * w + x0, y0 * w + x1, y1 * w + x0, y1 * w + x1};
    float[] wt = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
    float sum = 0;
    for (int i = 0; i < 4; i++) {
      if (wt[i] > 0 && srcState.removed(taps[i])) {
        wt[i] = 0;
      }
      sum += wt[i];
    }
    if (sum <= 0) { // the nearest pixel is visible by construction; only degenerate weights land here
      int nearest = Math.round(cy) * w + Math.round(cx);
      Arrays.fill(wt, 0);
      taps[0] = nearest;
      wt[0] = 1;
      sum = 1;
    }
    for (int c = 0; c < 3; c++) {
      float acc = 0;
      for (int i = 0; i < 4; i++) {
        acc += wt[i] * img.data()[c * plane + taps[i]];
      }
      out[at + c] = acc / sum;
    }
  }

  // ---- pass 4: choose, synthesise, blend -------------------------------------------------------

  private void synthesisPass(ShotFrames frames, FrameState[] st, Sink sink, long[] counts, int firstOutput)
      throws IOException {
    int n = st.length, w = frames.width(), h = frames.height(), plane = w * h;
    int radius = settings.temporalRadius();
    PatchMatchInpainter patchMatch = new PatchMatchInpainter(PatchMatchInpainter.Settings.of(
        settings.finalQuality() ? PatchMatchInpainter.Quality.FINAL : PatchMatchInpainter.Quality.DRAFT));
    PoissonBlender blender = new PoissonBlender(settings.finalQuality() ? 1e-5 : 1e-3);
    float[] previous = null; // the previous frame with its removal region filled
    for (int t = Math.max(0, firstOutput); t < n; t++) {
      abortPoll.run();
      FrameState s = st[t];
      if (s.n() == 0) {
        sink.accept(t, FrameFill.empty(w, h));
        previous = null;
        progress.accept(0.7 + 0.3 * (t + 1) / n);
        continue;
      }
      ImagePlanes img = frames.rgb(t);
      checkSize(img, w, h, t);
      float[] composite = img.data().clone();
      float[] conf = new float[s.n()];
      byte[] kind = new byte[s.n()];
      boolean[] unfilled = new boolean[plane];
      int unfilledCount = 0;
      for (int k = 0; k < s.n(); k++) {
        int p = s.idx[k];
        int dp = s.pD[k], df = s.fD[k];
        if (dp == 0 && df == 0) {
          unfilled[p] = true;
          unfilledCount++;
          kind[k] = FrameFill.SYNTHESISED;
          conf[k] = SYNTHESISED_CONFIDENCE;
          continue;
        }
        int d;
        // the nearer source in time wins (a longer chain carries more flow error); equal distances average
        float wp = dp > 0 && (df == 0 || dp <= df) ? 1f : 0f, wf = df > 0 && (dp == 0 || df <= dp) ? 1f : 0f;
        for (int c = 0; c < 3; c++) {
          composite[c * plane + p] = (wp * s.pRgb[3 * k + c] + wf * s.fRgb[3 * k + c]) / (wp + wf);
        }
        d = dp == 0 ? df : df == 0 ? dp : Math.min(dp, df);
        kind[k] = FrameFill.PROPAGATED;
        conf[k] = 1f - 0.5f * (d - 1) / Math.max(1, radius - 1);
      }
      counts[0] += s.n();
      counts[1] += s.n() - unfilledCount;
      counts[2] += unfilledCount;
      if (unfilledCount > 0) {
        synthesise(patchMatch, composite, unfilled, s, previous, w, h, t);
      }
      float[] blended = blend(blender, img.data(), composite, s, w, h);
      FrameFill fill = fillOf(s, blended, conf, kind, w, h);
      sink.accept(t, fill);
      previous = composite;
      for (int k = 0; k < s.n(); k++) {
        for (int c = 0; c < 3; c++) {
          previous[c * plane + s.idx[k]] = blended[c * plane + s.idx[k]];
        }
      }
      progress.accept(0.7 + 0.3 * (t + 1) / n);
    }
  }

  private void synthesise(PatchMatchInpainter patchMatch, float[] composite, boolean[] unfilled, FrameState s,
                          float[] previous, int w, int h, int t) {
    int x0 = Integer.MAX_VALUE, y0 = Integer.MAX_VALUE, x1 = 0, y1 = 0;
    for (int p = 0; p < unfilled.length; p++) {
      if (unfilled[p]) {
        x0 = Math.min(x0, p % w);
        y0 = Math.min(y0, p / w);
        x1 = Math.max(x1, p % w + 1);
        y1 = Math.max(y1, p / w + 1);
      }
    }
    // Sources from near the hole: a wide crop brings in unrelated smooth areas (sky) that an
    // unsure estimate matches best, and the fill comes out flat.
    int margin = Math.max(24, Math.max(x1 - x0, y1 - y0) / 2);
    int[] box = {Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.min(w, x1 + margin), Math.min(h, y1 + margin)};
    int bw = box[2] - box[0], bh = box[3] - box[1], bplane = bw * bh, plane = w * h;
    ImagePlanes image = new ImagePlanes(3, bh, bw, crop(composite, 3, w, h, box));
    boolean[] hole = new boolean[bplane];
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        hole[y * bw + x] = unfilled[(box[1] + y) * w + box[0] + x];
      }
    }
    long seed = settings.seed() * 0x9E3779B97F4A7C15L + t;
    PatchMatchInpainter.Anchor anchor = null;
    if (previous != null && s.backU != null) {
      float[] a = image.data().clone();
      float[] px = new float[3];
      for (int k = 0; k < s.n(); k++) {
        int p = s.idx[k];
        if (!unfilled[p]) {
          continue;
        }
        int c = cropIndex(p, w, box);
        bilinear(previous, w, h, p % w + s.backU[k], p / w + s.backV[k], px);
        for (int ch = 0; ch < 3; ch++) {
          a[ch * bplane + c] = px[ch];
        }
      }
      anchor = new PatchMatchInpainter.Anchor(new ImagePlanes(3, bh, bw, a), ANCHOR_WEIGHT);
    }
    HoleMask holeMask = new HoleMask(bh, bw, hole);
    ImagePlanes filled = patchFill(patchMatch, image, holeMask, seed, anchor);
    if (filled == null) {
      filled = patchFill(new PatchMatchInpainter(new PatchMatchInpainter.Settings(3, 1, 4, 2)), image, holeMask, seed,
          anchor);
    }
    if (filled == null) {
      // No complete 3x3 patch outside the hole: a smooth membrane from the hole's border is all there is to go on.
      filled = new PoissonBlender(1e-4).blendInterior(image, new ImagePlanes(3, bh, bw, new float[3 * bplane]),
          holeMask).image();
    }
    for (int y = 0; y < bh; y++) {
      for (int x = 0; x < bw; x++) {
        int p = (box[1] + y) * w + box[0] + x;
        if (unfilled[p]) {
          for (int ch = 0; ch < 3; ch++) {
            composite[ch * plane + p] = filled.data()[ch * bplane + y * bw + x];
          }
        }
      }
    }
  }

  /** PatchMatch's fill, or null when no source patch of its size lies wholly outside the hole. */
  private static ImagePlanes patchFill(PatchMatchInpainter pm, ImagePlanes image, HoleMask hole, long seed,
                                       PatchMatchInpainter.Anchor anchor) {
    try {
      return anchor == null ? pm.fill(image, hole, seed) : pm.fill(image, hole, seed, anchor);
    } catch (NoSourcePatchException e) {
      return null;
    }
  }

  private static void bilinear(float[] planes, int w, int h, float x, float y, float[] out) {
    float cx = Math.clamp(x, 0, w - 1), cy = Math.clamp(y, 0, h - 1);
    int x0 = (int) Math.floor(cx), y0 = (int) Math.floor(cy);
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    float fx = cx - x0, fy = cy - y0;
    int plane = w * h;
    for (int c = 0; c < out.length; c++) {
      int b = c * plane;
      float top = planes[b + y0 * w + x0] * (1 - fx) + planes[b + y0 * w + x1] * fx;
      float bottom = planes[b + y1 * w + x0] * (1 - fx) + planes[b + y1 * w + x1] * fx;
      out[c] = top * (1 - fy) + bottom * fy;
    }
  }

  /** The frame with its removal region Poisson-blended from the composite (full-frame planes). */
  private static float[] blend(PoissonBlender blender, float[] frame, float[] composite, FrameState s, int w, int h) {
    int[] box = {Math.max(0, s.bx0 - 1), Math.max(0, s.by0 - 1), Math.min(w, s.bx1 + 1), Math.min(h, s.by1 + 1)};
    int bw = box[2] - box[0], bh = box[3] - box[1], plane = w * h, bplane = bw * bh;
    boolean[] region = new boolean[bplane];
    for (int p : s.idx) {
      region[cropIndex(p, w, box)] = true;
    }
    float[] out = composite.clone();
    if (s.n() == bplane) {
      return out; // the region fills its own box (it touches the frame border all round): nothing to blend towards
    }
    PoissonBlender.Result r = blender.blendInterior(new ImagePlanes(3, bh, bw, crop(frame, 3, w, h, box)),
        new ImagePlanes(3, bh, bw, crop(composite, 3, w, h, box)), new HoleMask(bh, bw, region));
    for (int p : s.idx) {
      int c = cropIndex(p, w, box);
      for (int ch = 0; ch < 3; ch++) {
        out[ch * plane + p] = r.image().data()[ch * bplane + c];
      }
    }
    return out;
  }

  private static FrameFill fillOf(FrameState s, float[] planes, float[] conf, byte[] kind, int w, int h) {
    int bw = s.bx1 - s.bx0, bh = s.by1 - s.by0, bn = bw * bh, plane = w * h;
    float[] weight = new float[bn];
    float[] rgb = new float[3 * bn];
    float[] confidence = new float[bn];
    byte[] kinds = new byte[bn];
    for (int k = 0; k < s.n(); k++) {
      int p = s.idx[k];
      int b = (p / w - s.by0) * bw + (p % w - s.bx0);
      weight[b] = s.weight[k];
      confidence[b] = conf[k];
      kinds[b] = kind[k];
      for (int c = 0; c < 3; c++) {
        rgb[c * bn + b] = planes[c * plane + p];
      }
    }
    return new FrameFill(w, h, s.bx0, s.by0, bw, bh, weight, rgb, confidence, kinds);
  }
}
