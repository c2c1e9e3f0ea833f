package dev.worldfx.nodes.flow;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Dense optical flow by TV-L1: Zach, Pock, Bischof, "A Duality Based Approach for Realtime TV-L1 Optical Flow"
 * (DAGM 2007), solved as in Sánchez Pérez, Meinhardt-Llopis, Facciolo, "TV-L1 Optical Flow Estimation" (IPOL 2013):
 * a coarse-to-fine pyramid, several warps per level, and per warp the alternation of a pointwise thresholding step
 * (data term, linearised at the current flow) with Chambolle's dual projection for the total variation. Wedel et
 * al.'s median filtering of the flow is not done.
 *
 * <p>Convention: the result {@code flow} [1,2,H,W] is in pixels, channel 0 = u along W (x), channel 1 = v along H
 * (tensor row index), such that {@code frame1(x, y) ≈ frame2(x + u, y + v)}, i.e. {@code Ops.warp(frame2, flow)}
 * reproduces frame1 wherever that content is visible in frame2.
 *
 * <p>Holes: an optional matte per frame ([1,1,H,W], any value above 0 = inside the object to remove) takes those
 * pixels out of the data term, so an object's own motion never drives the estimate; there the flow is whatever total
 * variation extends in from around (fill it with {@link FlowCompletion#completeFlow} for smooth background motion).
 * A pixel also drops out of the data term where its warped position leaves frame2.
 *
 * <p>Frames are [1,C,H,W] with C = 1 (luma) or 3 (RGB, reduced to Rec. 709 luma); the pair is normalised jointly to
 * [0, 1] so that lambda means the same for dark, bright and HDR footage. Pyramid, gradients and warps run through
 * {@link Ops}; the per-pixel primal-dual iterations are plain array loops split over row bands. Same input, same bits.
 *
 * <p>Memory: everything made with {@code ops} and {@code arena}, temporaries included, lives until the caller closes
 * its arena: use one per frame pair. By count of the tensors made, that is about 220 bytes per frame pixel at
 * {@link FlowParams#finalQuality()} (16 per warp for the warped samples) and 90 at {@link FlowParams#draft()}; the
 * solver's own arrays (13 floats per pixel of the level being solved) are on the Java heap.
 */
public final class TvL1Flow {
  /** Gaussian of sigma 0.6 * sqrt(1 / 0.5^2 - 1) = 1.04 before halving (IPOL 2013, section 3.3), 5 taps. */
  private static final float[] DOWNSCALE_BLUR = gaussian(1.04, 2);

  private final Ops ops;
  private final Arena arena;
  private final FlowParams params;
  private final Runnable abortPoll;

  /** {@code ops} should allocate from {@code arena} (or from an arena that is closed with it). */
  public TvL1Flow(Ops ops, Arena arena, FlowParams params) {
    this(ops, arena, params, () -> {});
  }

  /**
   * As {@link #TvL1Flow(Ops, Arena, FlowParams)}; {@code abortPoll} runs before every warp (tens of ms apart at HD)
   * and stops the estimate by throwing, e.g. {@code RenderContext::checkAbort}.
   */
  public TvL1Flow(Ops ops, Arena arena, FlowParams params, Runnable abortPoll) {
    this.ops = ops;
    this.arena = arena;
    this.params = params;
    this.abortPoll = abortPoll;
  }

  /** Flow [1,2,H,W] from frame1 to frame2, both [1,C,H,W]. */
  public Tensor estimate(Tensor frame1, Tensor frame2) {
    return estimate(frame1, frame2, null, null);
  }

  /** As {@link #estimate(Tensor, Tensor)}, ignoring pixels inside {@code hole1} / {@code hole2} ([1,1,H,W] or null). */
  public Tensor estimate(Tensor frame1, Tensor frame2, Tensor hole1, Tensor hole2) {
    int[] s = frame1.shape();
    if (s.length != 4 || s[0] != 1 || (s[1] != 1 && s[1] != 3) || !Arrays.equals(s, frame2.shape())) {
      throw new IllegalArgumentException("frames must both be [1,1,H,W] or [1,3,H,W], got "
          + Arrays.toString(s) + " and " + Arrays.toString(frame2.shape()));
    }
    int h = s[2];
    int w = s[3];
    float[] luma0 = luma(frame1);
    float[] luma1 = luma(frame2);
    normaliseJointly(luma0, luma1);
    float[] pair = Arrays.copyOf(luma0, 2 * h * w);
    System.arraycopy(luma1, 0, pair, h * w, h * w);

    List<Level> pyramid = new ArrayList<>();
    pyramid.add(new Level(Tensor.of(arena, pair, 1, 2, h, w), validity(hole1, h, w), validity(hole2, h, w), h, w));
    while (pyramid.size() < params.levels()) {
      Level fine = pyramid.getLast();
      int ch = (fine.h + 1) / 2;
      int cw = (fine.w + 1) / 2;
      if (Math.min(ch, cw) < FlowParams.MIN_LEVEL_SIDE) {
        break;
      }
      pyramid.add(new Level(downscale(fine.images, ch, cw), shrinkValid(fine.valid0, fine.h, fine.w, ch, cw),
          shrinkValid(fine.valid1, fine.h, fine.w, ch, cw), ch, cw));
    }

    int finest = Math.min(params.finestLevel(), pyramid.size() - 1);
    Level coarsest = pyramid.getLast();
    float[] flow = new float[2 * coarsest.h * coarsest.w]; // [2,h,w]: u then v
    for (int l = pyramid.size() - 1; l >= finest; l--) {
      Level level = pyramid.get(l);
      if (l < pyramid.size() - 1) {
        Level coarse = pyramid.get(l + 1);
        flow = resizeFlow(flow, coarse.h, coarse.w, level.h, level.w);
      }
      solve(level, flow);
    }
    Level done = pyramid.get(finest);
    if (finest > 0) {
      flow = resizeFlow(flow, done.h, done.w, h, w);
    }
    return Tensor.of(arena, flow, 1, 2, h, w);
  }

  /** One pyramid level: images [1,2,h,w] (frame1, frame2) and data-term validity of each frame (1 or 0). */
  private record Level(Tensor images, float[] valid0, float[] valid1, int h, int w) {}

  // --- the TV-L1 solver on one level ----------------------------------------------------------------

  private void solve(Level level, float[] flow) {
    int h = level.h;
    int w = level.w;
    int n = h * w;
    float[] i0 = level.images.narrow(1, 0, 1).toArray();
    Tensor frame2 = level.images.narrow(1, 1, 1).contiguous(arena); // [1,1,h,w]
    // [1,4,h,w]: frame2, d/dx, d/dy, validity; warped together so that one bilinear sample serves all four
    Tensor sampled = ops.concat(List.of(frame2, gradient(frame2), Tensor.of(arena, level.valid1, 1, 1, h, w)), 1);

    float lambdaTheta = params.lambda() * params.theta();
    float[] weight = new float[n]; // lambda theta where frame1 may drive the data term
    for (int i = 0; i < n; i++) {
      weight[i] = level.valid0[i] > 0 ? lambdaTheta : 0f;
    }
    PrimalDualIterations solver = new PrimalDualIterations(flow, h, w, params);
    Tensor flowNow = Tensor.zeros(arena, 1, 2, h, w); // refilled per warp rather than allocated again
    for (int warp = 0; warp < params.warps(); warp++) {
      abortPoll.run();
      MemorySegment.copy(flow, 0, flowNow.data(), ValueLayout.JAVA_FLOAT, 0, flow.length);
      float[] at = ops.warp(sampled, flowNow, Ops.GridPadding.BORDER).toArray();
      solver.linearise(at, i0, weight);
      solver.iterate(params.iterations());
    }
  }

  // --- pyramid and derivatives through Ops ----------------------------------------------------------------

  /** x [1,1,h,w] -> [1,2,h,w]: central differences d/dx, d/dy, edge-replicated borders. */
  private Tensor gradient(Tensor x) {
    float[] k = new float[18]; // [2,1,3,3]
    k[3] = -0.5f;
    k[5] = 0.5f;
    k[9 + 1] = -0.5f;
    k[9 + 7] = 0.5f;
    Tensor padded = ops.pad(x, new int[] {0, 0, 1, 1, 0, 0, 1, 1}, Ops.PadMode.EDGE, 0f);
    return ops.conv2d(padded, Tensor.of(arena, k, 2, 1, 3, 3), null, Conv2dParams.of(1, 0));
  }

  /** images [1,2,h,w] -> [1,2,ch,cw]: separable Gaussian (edge-replicated), then bilinear resize. */
  private Tensor downscale(Tensor images, int ch, int cw) {
    int r = DOWNSCALE_BLUR.length / 2;
    float[] taps = new float[2 * DOWNSCALE_BLUR.length];
    System.arraycopy(DOWNSCALE_BLUR, 0, taps, 0, DOWNSCALE_BLUR.length);
    System.arraycopy(DOWNSCALE_BLUR, 0, taps, DOWNSCALE_BLUR.length, DOWNSCALE_BLUR.length);
    Conv2dParams depthwise = Conv2dParams.of(1, 0).withGroups(2);
    Tensor padded = ops.pad(images, new int[] {0, 0, r, r, 0, 0, r, r}, Ops.PadMode.EDGE, 0f);
    Tensor rows = ops.conv2d(padded, Tensor.of(arena, taps, 2, 1, 1, taps.length / 2), null, depthwise);
    Tensor blurred = ops.conv2d(rows, Tensor.of(arena, taps, 2, 1, taps.length / 2, 1), null, depthwise);
    return ops.resize(blurred, ch, cw, Ops.ResizeMode.BILINEAR, Ops.CoordMode.HALF_PIXEL,
        Ops.NearestMode.ROUND_PREFER_FLOOR, -0.75f);
  }

  /** flow [2,h,w] -> [2,th,tw], bilinear, displacements scaled with the grid. */
  private float[] resizeFlow(float[] flow, int h, int w, int th, int tw) {
    Tensor f = Tensor.of(arena, flow, 1, 2, h, w);
    float[] out = ops.resize(f, th, tw, Ops.ResizeMode.BILINEAR, Ops.CoordMode.HALF_PIXEL,
        Ops.NearestMode.ROUND_PREFER_FLOOR, -0.75f).toArray();
    int n = th * tw;
    float sx = (float) tw / w;
    float sy = (float) th / h;
    for (int i = 0; i < n; i++) {
      out[i] *= sx;
      out[n + i] *= sy;
    }
    return out;
  }

  // --- pixel preparation -------------------------------------------------------------------------------

  private static float[] luma(Tensor frame) {
    float[] px = frame.toArray();
    int n = frame.dim(2) * frame.dim(3);
    if (frame.dim(1) == 1) {
      return px;
    }
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      y[i] = 0.2126f * px[i] + 0.7152f * px[n + i] + 0.0722f * px[2 * n + i];
    }
    return y;
  }

  /** Maps both to [0, 1] with one affine map (a flat pair stays flat, at 0). Non-finite values are rejected. */
  private static void normaliseJointly(float[] a, float[] b) {
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float[] img : new float[][] {a, b}) {
      for (float v : img) {
        if (!Float.isFinite(v)) {
          throw new IllegalArgumentException("frame holds a non-finite value " + v);
        }
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    float scale = hi > lo ? 1f / (hi - lo) : 0f;
    for (float[] img : new float[][] {a, b}) {
      for (int i = 0; i < img.length; i++) {
        img[i] = (img[i] - lo) * scale;
      }
    }
  }

  /**
   * 1 where a pixel may drive the data term: no hole pixel within one pixel of it, since its central-difference
   * gradient and the bilinear taps around it reach that far. hole [1,1,h,w] or null (all valid).
   */
  private static float[] validity(Tensor hole, int h, int w) {
    float[] valid = new float[h * w];
    Arrays.fill(valid, 1f);
    if (hole == null) {
      return valid;
    }
    if (!Arrays.equals(hole.shape(), new int[] {1, 1, h, w})) {
      throw new IllegalArgumentException("hole must be [1,1," + h + "," + w + "], got " + Arrays.toString(hole.shape()));
    }
    float[] m = hole.toArray();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (!(m[y * w + x] <= 0)) { // NaN counts as hole
          for (int yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
            for (int xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
              valid[yy * w + xx] = 0f;
            }
          }
        }
      }
    }
    return valid;
  }

  /** Coarse validity: 1 only if every fine pixel under the blur footprint of the coarse pixel is valid. */
  private static float[] shrinkValid(float[] valid, int h, int w, int ch, int cw) {
    int r = DOWNSCALE_BLUR.length / 2;
    float[] out = new float[ch * cw];
    for (int cy = 0; cy < ch; cy++) {
      for (int cx = 0; cx < cw; cx++) {
        float all = 1f;
        for (int y = Math.max(0, 2 * cy - r); y <= Math.min(h - 1, 2 * cy + 1 + r) && all > 0; y++) {
          for (int x = Math.max(0, 2 * cx - r); x <= Math.min(w - 1, 2 * cx + 1 + r); x++) {
            all = Math.min(all, valid[y * w + x]);
          }
        }
        out[cy * cw + cx] = all;
      }
    }
    return out;
  }

  private static float[] gaussian(double sigma, int radius) {
    float[] k = new float[2 * radius + 1];
    double sum = 0;
    for (int i = -radius; i <= radius; i++) {
      sum += Math.exp(-i * i / (2 * sigma * sigma));
    }
    for (int i = -radius; i <= radius; i++) {
      k[i + radius] = (float) (Math.exp(-i * i / (2 * sigma * sigma)) / sum);
    }
    return k;
  }
}
