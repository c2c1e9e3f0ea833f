package dev.worldfx.inference.ref;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.util.List;

/**
 * Scalar reference of the spatial ops: plain loops over flat float arrays, interpolation sums in double. Resize
 * follows the ONNX reference implementation for 4-D NCHW with scales on H and W; grid sampling follows PyTorch's
 * ATen (taps and coordinates from {@link ResizeTaps} and {@link GridCoordinates}, argument checks and geometry from
 * {@link SpatialShapes}, all shared with the fast kernels).
 */
final class RefSpatial {
  private RefSpatial() {}

  // --- resize -----------------------------------------------------------------------------------

  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, Ops.ResizeMode mode, Ops.CoordMode coord,
      Ops.NearestMode nearest, float cubicA) {
    int[] s = SpatialShapes.resize(x, outH, outW);
    return resize(ctx, x, outH, outW, (double) outH / s[2], (double) outW / s[3], mode, coord, nearest, cubicA);
  }

  /**
   * Resize with explicit ONNX scales. When a model gives scales rather than sizes, out = floor(in * scale) and the
   * coordinate transform uses the scale itself, not out / in (they differ, e.g. 0.6 on 4 pixels gives 2).
   */
  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, double scaleH, double scaleW, Ops.ResizeMode mode,
      Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA) {
    int[] s = SpatialShapes.resize(x, outH, outW);
    int planes = s[0] * s[1];
    int h = s[2];
    int w = s[3];
    float[] in = x.toArray(); // [N,C,H,W]
    float[] out = new float[planes * outH * outW]; // [N,C,outH,outW]
    ResizeTaps rows = ResizeTaps.of(mode, coord, nearest, cubicA, scaleH, h, outH);
    ResizeTaps cols = ResizeTaps.of(mode, coord, nearest, cubicA, scaleW, w, outW);
    int k = rows.k();
    for (int p = 0; p < planes; p++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          int o = (p * outH + oy) * outW + ox;
          if (mode == Ops.ResizeMode.NEAREST) {
            out[o] = in[(p * h + rows.index()[oy]) * w + cols.index()[ox]]; // a pick, not a weighted sum
            continue;
          }
          // ONNX interpolates along W first for each tap row, then along H.
          double acc = 0;
          for (int i = oy * k; i < (oy + 1) * k; i++) {
            double row = 0;
            for (int j = ox * k; j < (ox + 1) * k; j++) {
              row += cols.weight()[j] * in[(p * h + rows.index()[i]) * w + cols.index()[j]];
            }
            acc += rows.weight()[i] * row;
          }
          out[o] = (float) acc;
        }
      }
    }
    return Tensor.of(ctx.arena(), out, s[0], s[1], outH, outW);
  }

  // --- pixel shuffle ----------------------------------------------------------------------------

  static Tensor pixelShuffle(OpContext ctx, Tensor x, int r) {
    int[] os = SpatialShapes.pixelShuffle(x, r);
    int[] s = x.shape();
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
    return Tensor.of(ctx.arena(), out, os);
  }

  // --- pad, concat, slice -----------------------------------------------------------------------

  static Tensor pad(OpContext ctx, Tensor x, int[] pads, Ops.PadMode mode, float value) {
    int[] s = x.shape();
    SpatialShapes.Pad g = SpatialShapes.pad(s, pads, mode);
    int r = s.length;
    float[] in = x.toArray();
    float[] out = new float[Math.toIntExact(Tensor.numel(g.outShape()))];
    int[] idx = new int[r];
    for (int i = 0; i < out.length; i++) {
      unflatten(i, g.outShape(), idx);
      int src = 0;
      boolean inside = true;
      for (int d = 0; d < r; d++) {
        int k = idx[d] - g.before()[d]; // position relative to the kept block
        if (k < 0 || k >= g.kept()[d]) {
          inside = false;
          k = mode == Ops.PadMode.CONSTANT ? 0 : SpatialShapes.padSource(k, g.kept()[d], mode);
        }
        src = src * s[d] + g.crop()[d] + k;
      }
      out[i] = inside || mode != Ops.PadMode.CONSTANT ? in[src] : value;
    }
    return Tensor.of(ctx.arena(), out, g.outShape());
  }

  static Tensor concat(OpContext ctx, List<Tensor> xs, int axis) {
    SpatialShapes.Concat g = SpatialShapes.concat(xs, axis);
    int[] os = g.outShape();
    float[] out = new float[Math.toIntExact(Tensor.numel(os))];
    int[] idx = new int[os.length];
    int base = 0; // where along the axis the current input starts
    for (Tensor t : xs) {
      float[] in = t.toArray();
      int[] s = t.shape();
      for (int i = 0; i < in.length; i++) {
        unflatten(i, s, idx);
        idx[g.axis()] += base;
        out[flatten(idx, os)] = in[i];
      }
      base += s[g.axis()];
    }
    return Tensor.of(ctx.arena(), out, os);
  }

  static Tensor slice(OpContext ctx, Tensor x, int[] starts, int[] ends, int[] axes, int[] steps) {
    int[] s = x.shape();
    SpatialShapes.Slice g = SpatialShapes.slice(s, starts, ends, axes, steps);
    float[] in = x.toArray();
    float[] out = new float[Math.toIntExact(Tensor.numel(g.outShape()))];
    int[] idx = new int[s.length];
    for (int i = 0; i < out.length; i++) {
      unflatten(i, g.outShape(), idx);
      for (int d = 0; d < s.length; d++) {
        idx[d] = (int) (g.first()[d] + idx[d] * g.step()[d]);
      }
      out[i] = in[flatten(idx, s)];
    }
    return Tensor.of(ctx.arena(), out, g.outShape());
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
    int[] s = SpatialShapes.image(x, "gridSample");
    int[] gs = SpatialShapes.grid(grid, s, "gridSample");
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
          float ux = GridCoordinates.unnormalize(g[gi], w, alignCorners);
          float uy = GridCoordinates.unnormalize(g[gi + 1], h, alignCorners);
          float ix = GridCoordinates.padded(ux, w, padding, alignCorners);
          float iy = GridCoordinates.padded(uy, h, padding, alignCorners);
          for (int ch = 0; ch < c; ch++) {
            int plane = (b * c + ch) * h * w;
            double v = switch (mode) {
              case BILINEAR -> bilinear(in, plane, h, w, ix, iy);
              case NEAREST -> pixel(in, plane, h, w, Math.rint(ix), Math.rint(iy)); // nearbyint: half to even
              case BICUBIC -> bicubic(in, plane, h, w, ux, uy, padding, alignCorners);
            };
            out[((b * c + ch) * ho + oy) * wo + ox] = (float) v;
          }
        }
      }
    }
    return Tensor.of(ctx.arena(), out, n, c, ho, wo);
  }

  /** Bilinear sample at padded pixel coordinates (ix, iy); taps outside the image contribute nothing. */
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
   * Bicubic as ATen: taps around the unpadded pixel coordinate (ux, uy), each tap coordinate padded on its own (so
   * reflection and border act per tap), coefficient A = -0.75; interpolates the 4 rows along x, then along y.
   */
  private static double bicubic(float[] in, int plane, int h, int w, float ux, float uy, Ops.GridPadding padding,
      boolean alignCorners) {
    float x0 = (float) Math.floor(ux);
    float y0 = (float) Math.floor(uy);
    double[] cx = cubicCoefficients(ux - x0);
    double[] cy = cubicCoefficients(uy - y0);
    double acc = 0;
    for (int i = 0; i < 4; i++) {
      float ty = GridCoordinates.padded(y0 - 1 + i, h, padding, alignCorners);
      double row = 0;
      for (int j = 0; j < 4; j++) {
        float tx = GridCoordinates.padded(x0 - 1 + j, w, padding, alignCorners);
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
    int[] s = SpatialShapes.image(x, "gridSampleBackward");
    int[] gs = SpatialShapes.grid(grid, s, "gridSampleBackward");
    SpatialShapes.gridGradient(gradOut, s, gs);
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    int ho = gs[1];
    int wo = gs[2];
    float[] in = x.toArray(); // [N,C,H,W]
    float[] g = grid.toArray(); // [N,Ho,Wo,2]
    float[] go = gradOut.toArray(); // [N,C,Ho,Wo]
    double[] dx = new double[in.length]; // [N,C,H,W]
    float[] dgrid = new float[g.length]; // [N,Ho,Wo,2]
    for (int b = 0; b < n; b++) {
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          int gi = ((b * ho + oy) * wo + ox) * 2;
          float ux = GridCoordinates.unnormalize(g[gi], w, alignCorners);
          float uy = GridCoordinates.unnormalize(g[gi + 1], h, alignCorners);
          float ix = GridCoordinates.padded(ux, w, padding, alignCorners);
          float iy = GridCoordinates.padded(uy, h, padding, alignCorners);
          double x0 = Math.floor(ix);
          double y0 = Math.floor(iy);
          double tx = ix - x0;
          double ty = iy - y0;
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
          // chain rule through the padding and the unnormalisation
          dgrid[gi] = (float) (GridCoordinates.unnormalizeGrad(w, alignCorners)
              * GridCoordinates.paddedGrad(ux, w, padding, alignCorners) * gix);
          dgrid[gi + 1] = (float) (GridCoordinates.unnormalizeGrad(h, alignCorners)
              * GridCoordinates.paddedGrad(uy, h, padding, alignCorners) * giy);
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
    int[] s = SpatialShapes.image(x, "warp");
    SpatialShapes.flow(flow, s);
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    float[] in = x.toArray(); // [N,C,H,W]
    float[] f = flow.toArray(); // [N,2,H,W]: (u, v) = horizontal, vertical displacement in pixels
    float[] out = new float[in.length];
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < h; y++) {
        for (int xx = 0; xx < w; xx++) {
          // pixel coordinates are align-corners coordinates: 0 and size - 1 are the outer pixel centres
          float ix = GridCoordinates.padded(xx + f[((b * 2) * h + y) * w + xx], w, padding, true);
          float iy = GridCoordinates.padded(y + f[((b * 2 + 1) * h + y) * w + xx], h, padding, true);
          for (int ch = 0; ch < c; ch++) {
            int plane = (b * c + ch) * h * w;
            out[plane + y * w + xx] = (float) bilinear(in, plane, h, w, ix, iy);
          }
        }
      }
    }
    return Tensor.of(ctx.arena(), out, s);
  }
}
