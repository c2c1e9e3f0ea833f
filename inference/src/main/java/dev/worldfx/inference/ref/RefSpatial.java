package dev.worldfx.inference.ref;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.Arrays;
import java.util.List;

/**
 * Scalar reference of the spatial ops: plain loops over flat float arrays, interpolation sums in double.
 * Resize follows the ONNX Resize reference implementation (onnx/reference/ops/op_resize.py) for 4-D NCHW with
 * scales on H and W; grid sampling follows PyTorch's ATen GridSampler.h (coordinate arithmetic in float32, as
 * there, so that tap choice and rounding decisions are the same).
 */
final class RefSpatial {
  private RefSpatial() {}

  // --- resize -----------------------------------------------------------------------------------

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, Ops.ResizeMode mode, Ops.CoordMode coord,
      Ops.NearestMode nearest, float cubicA) {
    int[] s = requireImage(x, "resize");
    if (outH < 0 || outW < 0) {
      throw new IllegalArgumentException("resize: negative output size " + outH + "x" + outW);
    }
    if ((s[2] == 0 && outH > 0) || (s[3] == 0 && outW > 0)) {
      throw new IllegalArgumentException("resize: cannot resize empty " + Arrays.toString(s) + " to " + outH + "x" + outW);
    }
    return resize(ctx, x, outH, outW, (double) outH / s[2], (double) outW / s[3], mode, coord, nearest, cubicA);
  }

  /**
   * Resize with explicit ONNX scales. When a model gives scales rather than sizes, out = floor(in * scale) and the
   * coordinate transform uses the scale itself, not out / in (they differ, e.g. 0.6 on 4 pixels gives 2).
   */
  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, double scaleH, double scaleW, Ops.ResizeMode mode,
      Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    int[] s = requireImage(x, "resize");
    int planes = s[0] * s[1];
    int h = s[2];
    int w = s[3];
    float[] in = x.toArray(); // [N,C,H,W]
    float[] out = new float[planes * outH * outW]; // [N,C,outH,outW]
    Taps[] rows = new Taps[outH];
    for (int oy = 0; oy < outH; oy++) {
      rows[oy] = resizeTaps(mode, coord, nearest, cubicA, oy, scaleH, h, outH);
    }
    Taps[] cols = new Taps[outW];
    for (int ox = 0; ox < outW; ox++) {
      cols[ox] = resizeTaps(mode, coord, nearest, cubicA, ox, scaleW, w, outW);
    }
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          Taps ty = rows[oy];
          Taps tx = cols[ox];
          int o = (p * outH + oy) * outW + ox;
          if (mode == Ops.ResizeMode.NEAREST) {
            out[o] = in[(p * h + ty.index[0]) * w + tx.index[0]]; // a pick, not a weighted sum
            continue;
          }
          // ONNX interpolates along W first for each tap row, then along H.
          double acc = 0;
          for (int i = 0; i < ty.index.length; i++) {
            double row = 0;
            for (int j = 0; j < tx.index.length; j++) {
              row += tx.weight[j] * in[(p * h + ty.index[i]) * w + tx.index[j]];
            }
            acc += ty.weight[i] * row;
          }
          out[o] = (float) acc;
        }
      }
    }
    return Tensor.of(ctx.arena(), out, s[0], s[1], outH, outW);
  }

  /** The input indices (edge-clamped) and weights that make output index {@code xOut} along one axis. */
  private record Taps(int[] index, double[] weight) {}

  private static Taps resizeTaps(Ops.ResizeMode mode, Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA,
      int xOut, double scale, int inLen, int outLen) {
    double src = sourceCoordinate(coord, xOut, scale, inLen, outLen);
    double f = Math.floor(src);
    double t = src - f; // in [0, 1); ONNX's ratio 1 at integers with taps shifted left gives the same sums
    int i0 = (int) Math.max(-3, Math.min(f, inLen + 2)); // beyond that every tap clamps to the edge anyway
    return switch (mode) {
      case NEAREST -> new Taps(new int[] {clamp(i0 + (roundsUp(nearest, t) ? 1 : 0), inLen)}, new double[] {1});
      case BILINEAR -> new Taps(new int[] {clamp(i0, inLen), clamp(i0 + 1, inLen)}, new double[] {1 - t, t});
      case BICUBIC -> {
        double a = cubicA;
        double u = 1 - t;
        // ONNX op_resize.py _cubic_coeffs: Keys' cubic convolution at distances 1+t, t, 1-t, 2-t
        double[] c = {
          ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
          ((a + 2) * t - (a + 3)) * t * t + 1,
          ((a + 2) * u - (a + 3)) * u * u + 1,
          ((a * (u + 1) - 5 * a) * (u + 1) + 8 * a) * (u + 1) - 4 * a};
        yield new Taps(new int[] {clamp(i0 - 1, inLen), clamp(i0, inLen), clamp(i0 + 1, inLen), clamp(i0 + 2, inLen)}, c);
      }
    };
  }

  /** ONNX coordinate_transformation_mode: output index to input coordinate along one axis. */
  private static double sourceCoordinate(Ops.CoordMode coord, int xOut, double scale, int inLen, int outLen) {
    return switch (coord) {
      case HALF_PIXEL -> (xOut + 0.5) / scale - 0.5;
      case PYTORCH_HALF_PIXEL -> outLen > 1 ? (xOut + 0.5) / scale - 0.5 : 0;
      // ONNX divides by the scaled length (scale * in), which is not outLen when the model gives scales
      case ALIGN_CORNERS -> outLen == 1 ? 0 : xOut * (double) (inLen - 1) / (scale * inLen - 1);
      case ASYMMETRIC -> xOut / scale;
    };
  }

  /** ONNX nearest_mode: whether fractional part {@code t} of the source coordinate picks the upper pixel. */
  private static boolean roundsUp(Ops.NearestMode nearest, double t) {
    if (t == 0) {
      return false;
    }
    return switch (nearest) {
      case ROUND_PREFER_FLOOR -> t > 0.5;
      case ROUND_PREFER_CEIL -> t >= 0.5;
      case FLOOR -> false;
      case CEIL -> true;
    };
  }

  private static int clamp(int i, int len) {
    return Math.max(0, Math.min(i, len - 1));
  }

  // --- pixel shuffle ----------------------------------------------------------------------------

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r) {
    int[] s = requireImage(x, "pixelShuffle");
    if (r < 1 || s[1] % (r * r) != 0) {
      throw new IllegalArgumentException("pixelShuffle: " + s[1] + " channels do not split into blocks of " + r + "x" + r);
    }
    int n = s[0];
    int c = s[1] / (r * r);
    int h = s[2];
    int w = s[3];
    float[] in = x.toArray(); // [N,C*r*r,H,W]
    float[] out = new float[in.length]; // [N,C,H*r,W*r]
    for (int b = 0; b < n; b++) {
      for (int ch = 0; ch < c; ch++) {
        for (int y = 0; y < h * r; y++) {
          for (int xx = 0; xx < w * r; xx++) {
            int src = ch * r * r + (y % r) * r + xx % r; // CRD: channel, then row offset, then column offset
            out[((b * c + ch) * h * r + y) * w * r + xx] = in[((b * s[1] + src) * h + y / r) * w + xx / r];
          }
        }
      }
    }
    return Tensor.of(ctx.arena(), out, n, c, h * r, w * r);
  }

  // --- pad, concat, slice -----------------------------------------------------------------------

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value) {
    int[] s = x.shape();
    int r = s.length;
    if (pads.length != 2 * r) {
      throw new IllegalArgumentException("pad: " + pads.length + " pads for rank " + r + " (need begins then ends, 2 per axis)");
    }
    // Negative pads crop first; the positive ones then pad the cropped tensor (edge and reflect use its borders).
    int[] lo = new int[r];
    int[] hi = new int[r];
    int[] os = new int[r];
    for (int d = 0; d < r; d++) {
      lo[d] = Math.max(0, -pads[d]);
      hi[d] = s[d] - Math.max(0, -pads[d + r]);
      if (hi[d] < lo[d]) {
        throw new IllegalArgumentException("pad: pads " + Arrays.toString(pads) + " crop axis " + d + " of "
            + Arrays.toString(s) + " below zero");
      }
      os[d] = Math.addExact(hi[d] - lo[d], Math.max(0, pads[d]) + Math.max(0, pads[d + r]));
      if (mode != Ops.PadMode.CONSTANT && hi[d] == lo[d] && os[d] > 0) {
        throw new IllegalArgumentException("pad: " + mode + " padding needs a non-empty axis " + d + " in "
            + Arrays.toString(s));
      }
    }
    float[] in = x.toArray();
    float[] out = new float[Math.toIntExact(Tensor.numel(os))];
    int[] idx = new int[r];
    for (int i = 0; i < out.length; i++) {
      unflatten(i, os, idx);
      int src = 0;
      boolean inside = true;
      for (int d = 0; d < r; d++) {
        int q = idx[d] - pads[d]; // position in the uncropped input
        if (q < lo[d] || q >= hi[d]) {
          inside = false;
          int len = hi[d] - lo[d];
          q = switch (mode) {
            case CONSTANT -> lo[d];
            case EDGE -> Math.max(lo[d], Math.min(q, hi[d] - 1));
            case REFLECT -> lo[d] + reflectIndex(q - lo[d], len);
          };
        }
        src = src * s[d] + q;
      }
      out[i] = !inside && mode == Ops.PadMode.CONSTANT ? value : in[src];
    }
    return Tensor.of(ctx.arena(), out, os);
  }

  /** numpy's 'reflect' (mirror without repeating the edge), repeated when the pad exceeds the axis. */
  private static int reflectIndex(int k, int len) {
    if (len == 1) {
      return 0;
    }
    int period = 2 * (len - 1);
    int m = Math.floorMod(k, period);
    return m < len ? m : period - m;
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis) {
    if (xs.isEmpty()) {
      throw new IllegalArgumentException("concat: no inputs");
    }
    int[] s0 = xs.get(0).shape();
    int r = s0.length;
    int a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
      throw new IllegalArgumentException("concat: axis " + axis + " outside rank " + r);
    }
    int[] os = s0.clone();
    os[a] = 0;
    for (Tensor t : xs) {
      int[] s = t.shape();
      for (int d = 0; d < r; d++) {
        if (s.length != r || (d != a && s[d] != s0[d])) {
          throw new IllegalArgumentException("concat: " + Arrays.toString(s) + " does not match " + Arrays.toString(s0)
              + " off axis " + a);
        }
      }
      os[a] = Math.addExact(os[a], s[a]);
    }
    float[] out = new float[Math.toIntExact(Tensor.numel(os))];
    int[] idx = new int[r];
    int base = 0; // where along the axis the current input starts
    for (Tensor t : xs) {
      float[] in = t.toArray();
      int[] s = t.shape();
      for (int i = 0; i < in.length; i++) {
        unflatten(i, s, idx);
        idx[a] += base;
        out[flatten(idx, os)] = in[i];
      }
      base += s[a];
    }
    return Tensor.of(ctx.arena(), out, os);
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    int[] s = x.shape();
    int r = s.length;
    int k = starts.length;
    if (ends.length != k || (axes != null && axes.length != k) || (steps != null && steps.length != k)) {
      throw new IllegalArgumentException("slice: starts, ends, axes and steps differ in length");
    }
    long[] first = new long[r];
    long[] step = new long[r];
    int[] os = s.clone();
    Arrays.fill(step, 1);
    boolean[] seen = new boolean[r];
    for (int i = 0; i < k; i++) {
      int a = axes == null ? i : axes[i] < 0 ? axes[i] + r : axes[i];
      if (a < 0 || a >= r || seen[a]) {
        throw new IllegalArgumentException("slice: axis " + (axes == null ? i : axes[i]) + " outside rank " + r
            + " or repeated");
      }
      seen[a] = true;
      long st = steps == null ? 1 : steps[i];
      if (st == 0) {
        throw new IllegalArgumentException("slice: step 0 on axis " + a);
      }
      long dim = s[a];
      long b = starts[i] < 0 ? starts[i] + dim : starts[i];
      long e = ends[i] < 0 ? ends[i] + dim : ends[i];
      long count;
      if (st > 0) {
        b = Math.max(0, Math.min(b, dim));
        e = Math.max(0, Math.min(e, dim));
        count = e > b ? (e - b + st - 1) / st : 0;
      } else {
        b = Math.max(0, Math.min(b, dim - 1));
        e = Math.max(-1, Math.min(e, dim - 1));
        count = b > e && dim > 0 ? (b - e - st - 1) / -st : 0;
      }
      first[a] = b;
      step[a] = st;
      os[a] = (int) count;
    }
    float[] in = x.toArray();
    float[] out = new float[Math.toIntExact(Tensor.numel(os))];
    int[] idx = new int[r];
    for (int i = 0; i < out.length; i++) {
      unflatten(i, os, idx);
      for (int d = 0; d < r; d++) {
        idx[d] = (int) (first[d] + idx[d] * step[d]);
      }
      out[i] = in[flatten(idx, s)];
    }
    return Tensor.of(ctx.arena(), out, os);
  }

  private static void unflatten(int i, int[] shape, int[] idx) {
    for (int d = shape.length - 1; d >= 0; d--) {
      idx[d] = i % shape[d];
      i /= shape[d];
    }
  }

  private static int flatten(int[] idx, int[] shape) {
    int f = 0;
    for (int d = 0; d < shape.length; d++) {
      f = f * shape[d] + idx[d];
    }
    return f;
  }

  // --- grid sampling ----------------------------------------------------------------------------

  static Tensor gridSample(OpContext ctx, Tensor x, Tensor grid, Ops.GridMode mode, Ops.GridPadding padding,
      boolean alignCorners) {
    int[] s = requireImage(x, "gridSample");
    int[] gs = requireGrid(grid, s, "gridSample");
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    int ho = gs[1];
    int wo = gs[2];
    float[] in = x.toArray(); // [N,C,H,W]
    float[] g = grid.toArray(); // [N,Ho,Wo,2]
    float[] out = new float[n * c * ho * wo]; // [N,C,Ho,Wo]
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int gi = ((b * ho + oy) * wo + ox) * 2;
          for (int ch = 0; ch < c; ch++) {
            int plane = (b * c + ch) * h * w;
            double v = switch (mode) {
              case BILINEAR -> bilinear(in, plane, h, w, sourceIndex(g[gi], w, padding, alignCorners).value,
                  sourceIndex(g[gi + 1], h, padding, alignCorners).value);
              // nearbyint: round half to even, as Math.rint
              case NEAREST -> pixel(in, plane, h, w, Math.rint(sourceIndex(g[gi], w, padding, alignCorners).value),
                  Math.rint(sourceIndex(g[gi + 1], h, padding, alignCorners).value));
              case BICUBIC -> bicubic(in, plane, h, w, g[gi], g[gi + 1], padding, alignCorners);
            };
            out[((b * c + ch) * ho + oy) * wo + ox] = (float) v;
          }
        }
      }
    }
    return Tensor.of(ctx.arena(), out, n, c, ho, wo);
  }

  /** Bilinear sample at pixel coordinates (ix, iy); taps outside the image contribute nothing. */
  private static double bilinear(float[] in, int plane, int h, int w, float ix, float iy) {
    double x0 = Math.floor(ix);
    double y0 = Math.floor(iy);
    double tx = ix - x0;
    double ty = iy - y0;
    double acc = 0;
    for (int dy = 0; dy < 2; dy++) {
      for (int dx = 0; dx < 2; dx++) {
        double wgt = (dx == 0 ? 1 - tx : tx) * (dy == 0 ? 1 - ty : ty);
        if (inside(x0 + dx, w) && inside(y0 + dy, h)) {
          acc += wgt * in[plane + (int) (y0 + dy) * w + (int) (x0 + dx)];
        }
      }
    }
    return acc;
  }

  /**
   * Bicubic as ATen: taps around the unnormalised coordinate, each tap coordinate padded on its own (so reflection
   * and border act per tap), coefficient A = -0.75; interpolates the 4 rows along x, then along y.
   */
  private static double bicubic(float[] in, int plane, int h, int w, float gx, float gy, Ops.GridPadding padding,
      boolean alignCorners) {
    float ix = unnormalize(gx, w, alignCorners);
    float iy = unnormalize(gy, h, alignCorners);
    float x0 = (float) Math.floor(ix);
    float y0 = (float) Math.floor(iy);
    double[] cx = cubicCoefficients(ix - x0);
    double[] cy = cubicCoefficients(iy - y0);
    double acc = 0;
    for (int i = 0; i < 4; i++) {
      float ty = sourceIndexOfPixel(y0 - 1 + i, h, padding, alignCorners);
      double row = 0;
      for (int j = 0; j < 4; j++) {
        float tx = sourceIndexOfPixel(x0 - 1 + j, w, padding, alignCorners);
        row += cx[j] * pixel(in, plane, h, w, tx, ty);
      }
      acc += cy[i] * row;
    }
    return acc;
  }

  private static double[] cubicCoefficients(double t) {
    double a = -0.75;
    double u = 1 - t;
    return new double[] {
      ((a * (t + 1) - 5 * a) * (t + 1) + 8 * a) * (t + 1) - 4 * a,
      ((a + 2) * t - (a + 3)) * t * t + 1,
      ((a + 2) * u - (a + 3)) * u * u + 1,
      ((a * (u + 1) - 5 * a) * (u + 1) + 8 * a) * (u + 1) - 4 * a};
  }

  /** The pixel at integral coordinates (as ATen casts them, truncating), or 0 outside the image. */
  private static double pixel(float[] in, int plane, int h, int w, double ix, double iy) {
    if (!inside(ix, w) || !inside(iy, h)) {
      return 0;
    }
    return in[plane + (int) iy * w + (int) ix];
  }

  private static boolean inside(double i, int size) {
    return i >= 0 && i < size; // false for NaN
  }

  static Tensor[] gridSampleBackward(OpContext ctx, Tensor gradOut, Tensor x, Tensor grid, Ops.GridPadding padding,
      boolean alignCorners) {
    int[] s = requireImage(x, "gridSampleBackward");
    int[] gs = requireGrid(grid, s, "gridSampleBackward");
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    int ho = gs[1];
    int wo = gs[2];
    if (!Arrays.equals(gradOut.shape(), new int[] {n, c, ho, wo})) {
      throw new IllegalArgumentException("gridSampleBackward: gradOut " + Arrays.toString(gradOut.shape())
          + " is not the output shape " + Arrays.toString(new int[] {n, c, ho, wo}));
    }
    float[] in = x.toArray(); // [N,C,H,W]
    float[] g = grid.toArray(); // [N,Ho,Wo,2]
    float[] go = gradOut.toArray(); // [N,C,Ho,Wo]
    double[] dx = new double[in.length]; // [N,C,H,W]
    float[] dgrid = new float[g.length]; // [N,Ho,Wo,2]
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int gi = ((b * ho + oy) * wo + ox) * 2;
          Coordinate cx = sourceIndex(g[gi], w, padding, alignCorners);
          Coordinate cy = sourceIndex(g[gi + 1], h, padding, alignCorners);
          double x0 = Math.floor(cx.value);
          double y0 = Math.floor(cy.value);
          double tx = cx.value - x0;
          double ty = cy.value - y0;
          double gix = 0; // d loss / d ix
          double giy = 0;
          for (int ch = 0; ch < c; ch++) {
            int plane = (b * c + ch) * h * w;
            double gOut = go[((b * c + ch) * ho + oy) * wo + ox];
            for (int dy = 0; dy < 2; dy++) {
              for (int ddx = 0; ddx < 2; ddx++) {
                if (!inside(x0 + ddx, w) || !inside(y0 + dy, h)) {
                  continue;
                }
                double wx = ddx == 0 ? 1 - tx : tx;
                double wy = dy == 0 ? 1 - ty : ty;
                int at = plane + (int) (y0 + dy) * w + (int) (x0 + ddx);
                dx[at] += wx * wy * gOut;
                // d wx / d ix is -1 for the left tap and +1 for the right one; likewise in y
                gix += (ddx == 0 ? -wy : wy) * in[at] * gOut;
                giy += (dy == 0 ? -wx : wx) * in[at] * gOut;
              }
            }
          }
          dgrid[gi] = (float) (cx.grad * gix);
          dgrid[gi + 1] = (float) (cy.grad * giy);
        }
      }
    }
    float[] dxf = new float[dx.length];
    for (int i = 0; i < dx.length; i++) {
      dxf[i] = (float) dx[i];
    }
    return new Tensor[] {Tensor.of(ctx.arena(), dxf, s), Tensor.of(ctx.arena(), dgrid, gs)};
  }

  static Tensor warp(OpContext ctx, Tensor x, Tensor flow, Ops.GridPadding padding) {
    int[] s = requireImage(x, "warp");
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    if (!Arrays.equals(flow.shape(), new int[] {n, 2, h, w})) {
      throw new IllegalArgumentException("warp: flow " + Arrays.toString(flow.shape()) + " is not [N,2,H,W] = "
          + Arrays.toString(new int[] {n, 2, h, w}));
    }
    float[] in = x.toArray(); // [N,C,H,W]
    float[] f = flow.toArray(); // [N,2,H,W]: (u, v) = horizontal, vertical displacement in pixels
    float[] out = new float[in.length];
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          // pixel coordinates are align-corners coordinates: 0 and size - 1 are the outer pixel centres
          float ix = sourceIndexOfPixel(xx + f[((b * 2) * h + y) * w + xx], w, padding, true);
          float iy = sourceIndexOfPixel(y + f[((b * 2 + 1) * h + y) * w + xx], h, padding, true);
          for (int ch = 0; ch < c; ch++) {
            int plane = (b * c + ch) * h * w;
            out[plane + y * w + xx] = (float) bilinear(in, plane, h, w, ix, iy);
          }
        }
      }
    }
    return Tensor.of(ctx.arena(), out, s);
  }

  // --- grid coordinates (ATen GridSampler.h, float32 arithmetic as there) -------------------------

  /** A pixel coordinate and its derivative with respect to the normalised grid coordinate. */
  private record Coordinate(float value, float grad) {}

  private static float unnormalize(float coord, int size, boolean alignCorners) {
    return alignCorners ? ((coord + 1) / 2) * (size - 1) : ((coord + 1) * size - 1) / 2;
  }

  /** Normalised grid coordinate to padded pixel coordinate (grid_sampler_compute_source_index_set_grad). */
  private static Coordinate sourceIndex(float coord, int size, Ops.GridPadding padding, boolean alignCorners) {
    float scale = alignCorners ? (size - 1) / 2f : size / 2f;
    Coordinate c = pad(unnormalize(coord, size, alignCorners), size, padding, alignCorners);
    return new Coordinate(c.value, scale * c.grad);
  }

  private static float sourceIndexOfPixel(float pixel, int size, Ops.GridPadding padding, boolean alignCorners) {
    return pad(pixel, size, padding, alignCorners).value;
  }

  /** The padding mode applied to a pixel coordinate; grad is d(result)/d(pixel). */
  private static Coordinate pad(float p, int size, Ops.GridPadding padding, boolean alignCorners) {
    return switch (padding) {
      case ZEROS -> new Coordinate(p, 1);
      case BORDER -> clip(p, size);
      case REFLECTION -> {
        Coordinate r = alignCorners ? reflect(p, 0, 2 * (size - 1)) : reflect(p, -1, 2 * size - 1);
        Coordinate c = clip(r.value, size);
        yield new Coordinate(c.value, r.grad * c.grad);
      }
    };
  }

  /** Clamps to [0, size - 1]; the borders count as outside for the gradient (0 there). NaN stays NaN. */
  private static Coordinate clip(float p, int size) {
    if (p <= 0) {
      return new Coordinate(0, 0);
    }
    float max = size - 1;
    return p >= max ? new Coordinate(max, 0) : new Coordinate(p, 1);
  }

  /** Reflects p about twiceLow / 2 and twiceHigh / 2 until it lies between them. */
  private static Coordinate reflect(float p, int twiceLow, int twiceHigh) {
    if (twiceLow == twiceHigh) {
      return new Coordinate(0, 0);
    }
    float min = twiceLow / 2f;
    float span = (twiceHigh - twiceLow) / 2f;
    float d = p - min;
    float sign = d < 0 ? -1 : 1;
    d = Math.abs(d);
    float extra = d % span; // C fmod
    int flips = (int) Math.floor(d / span);
    return flips % 2 == 0 ? new Coordinate(extra + min, sign) : new Coordinate(span - extra + min, -sign);
  }

  // --- shape checks -----------------------------------------------------------------------------

  private static int[] requireImage(Tensor x, String op) {
    if (x.rank() != 4) {
      throw new IllegalArgumentException(op + ": input " + Arrays.toString(x.shape()) + " is not [N,C,H,W]");
    }
    return x.shape();
  }

  private static int[] requireGrid(Tensor grid, int[] image, String op) {
    int[] gs = grid.shape();
    if (gs.length != 4 || gs[0] != image[0] || gs[3] != 2) {
      throw new IllegalArgumentException(op + ": grid " + Arrays.toString(gs) + " is not [N,Ho,Wo,2] with N = "
          + image[0]);
    }
    return gs;
  }
}
