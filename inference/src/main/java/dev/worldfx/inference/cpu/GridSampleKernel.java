package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.ref.GridCoordinates.padded;
import static dev.worldfx.inference.ref.GridCoordinates.paddedGrad;
import static dev.worldfx.inference.ref.GridCoordinates.unnormalize;
import static dev.worldfx.inference.ref.GridCoordinates.unnormalizeGrad;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.SpatialShapes;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fast grid sampling, its bilinear backward, and backward warp by a flow. Work is cut per batch into blocks of
 * output rows: the taps and weights of a row are computed once and reused for every channel. Coordinates come from
 * the reference's {@code GridCoordinates} (ATen's float32 arithmetic), so taps and rounding decisions are the
 * reference's; warp feeds pixel coordinates into the same row sampler as bilinear grid sampling.
 */
final class GridSampleKernel {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int ROWS_PER_TASK = 4;
  /** dx is scattered by tasks that each own this many whole channel planes. */
  private static final int CHANNELS_PER_TASK = 4;
  private static final float CUBIC_A = -0.75f;

  private GridSampleKernel() {}

  static Tensor gridSample(OpContext ctx, Tensor x, Tensor grid, Ops.GridMode mode, Ops.GridPadding padding,
      boolean alignCorners, int threads) {
    int[] s = SpatialShapes.image(x, "gridSample");
    int[] gs = SpatialShapes.grid(grid, s, "gridSample");
    Tensor in = x.contiguous(ctx.arena()); // [N,C,H,W]
    Tensor g = grid.contiguous(ctx.arena()); // [N,Ho,Wo,2]
    int c = s[1];
    int h = s[2];
    int w = s[3];
    int ho = gs[1];
    int wo = gs[2];
    Tensor out = Tensor.zeros(ctx.arena(), s[0], c, ho, wo); // [N,C,Ho,Wo]
    if (out.numel() == 0) {
      return out;
    }
    int blocks = (ho + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    int usable = CpuThreads.threadsFor(threads, in.data(), g.data(), out.data());
    CpuThreads.forEach(s[0] * blocks, usable, task -> {
      int b = task / blocks;
      int y0 = task % blocks * ROWS_PER_TASK;
      Row row = new Row(wo, mode);
      MemorySegment gd = g.data();
      for (int oy = y0; oy < Math.min(ho, y0 + ROWS_PER_TASK); oy++) {
        long gAt = (g.offset() + ((long) b * ho + oy) * wo * 2) * 4;
        for (int ox = 0; ox < wo; ox++) {
          float gx = gd.get(F32, gAt + ox * 8L);
          float gy = gd.get(F32, gAt + ox * 8L + 4);
          float ux = unnormalize(gx, w, alignCorners);
          float uy = unnormalize(gy, h, alignCorners);
          // bicubic pads each tap, not the sample point
          row.ix[ox] = mode == Ops.GridMode.BICUBIC ? ux : padded(ux, w, padding, alignCorners);
          row.iy[ox] = mode == Ops.GridMode.BICUBIC ? uy : padded(uy, h, padding, alignCorners);
        }
        long inBase = in.offset() + (long) b * c * h * w;
        long outBase = ((long) b * c * ho + oy) * wo;
        long outPlane = (long) ho * wo;
        switch (mode) {
          case BILINEAR -> bilinearRow(in.data(), inBase, c, h, w, row, out.data(), outBase, outPlane);
          case NEAREST -> nearestRow(in.data(), inBase, c, h, w, row, out.data(), outBase, outPlane);
          case BICUBIC -> bicubicRow(in.data(), inBase, c, h, w, row, padding, alignCorners, out.data(), outBase, outPlane);
        }
      }
    });
    return out;
  }

  static Tensor warp(OpContext ctx, Tensor x, Tensor flow, Ops.GridPadding padding, int threads) {
    int[] s = SpatialShapes.image(x, "warp");
    SpatialShapes.flow(flow, s);
    int c = s[1];
    int h = s[2];
    int w = s[3];
    Tensor in = x.contiguous(ctx.arena()); // [N,C,H,W]
    Tensor f = flow.contiguous(ctx.arena()); // [N,2,H,W]: horizontal, vertical displacement in pixels
    Tensor out = Tensor.zeros(ctx.arena(), s); // [N,C,H,W]
    if (out.numel() == 0) {
      return out;
    }
    int blocks = (h + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    int usable = CpuThreads.threadsFor(threads, in.data(), f.data(), out.data());
    CpuThreads.forEach(s[0] * blocks, usable, task -> {
      int b = task / blocks;
      int y0 = task % blocks * ROWS_PER_TASK;
      Row row = new Row(w, Ops.GridMode.BILINEAR);
      MemorySegment fd = f.data();
      long plane = (long) h * w;
      for (int y = y0; y < Math.min(h, y0 + ROWS_PER_TASK); y++) {
        long uAt = (f.offset() + (long) b * 2 * plane + (long) y * w) * 4;
        long vAt = uAt + plane * 4;
        for (int xx = 0; xx < w; xx++) {
          // pixel coordinates are align-corners coordinates: 0 and size - 1 are the outer pixel centres
          row.ix[xx] = padded(xx + fd.get(F32, uAt + xx * 4L), w, padding, true);
          row.iy[xx] = padded(y + fd.get(F32, vAt + xx * 4L), h, padding, true);
        }
        bilinearRow(in.data(), in.offset() + (long) b * c * plane, c, h, w, row, out.data(),
            ((long) b * c * h + y) * w, plane);
      }
    });
    return out;
  }

  // --- row samplers ---------------------------------------------------------------------------------

  /** Per-pixel scratch of one output row: sample coordinates, then taps and weights. */
  private static final class Row {
    final float[] ix;
    final float[] iy;
    final int[] base; // bilinear/nearest: index of the (top-left) tap in the plane, -1 when not all taps are inside
    final float[] x0;
    final float[] y0;
    final float[] weight; // bilinear: nw, ne, sw, se per pixel; bicubic: 4 x then 4 y coefficients per pixel
    final int[] taps; // bicubic: 4 x then 4 y tap indices per pixel, -1 outside

    Row(int width, Ops.GridMode mode) {
      ix = new float[width];
      iy = new float[width];
      base = new int[width];
      x0 = mode == Ops.GridMode.BILINEAR ? new float[width] : null;
      y0 = mode == Ops.GridMode.BILINEAR ? new float[width] : null;
      weight = mode == Ops.GridMode.NEAREST ? null : new float[width * (mode == Ops.GridMode.BILINEAR ? 4 : 8)];
      taps = mode == Ops.GridMode.BICUBIC ? new int[width * 8] : null;
    }
  }

  /**
   * Bilinear at padded pixel coordinates; taps outside the image contribute nothing. Pixels whose four taps are all
   * inside take the branch-free path; the others are summed tap by tap, in the same order.
   */
  private static void bilinearRow(MemorySegment in, long inBase, int c, int h, int w, Row row, MemorySegment out,
      long outBase, long outPlane) {
    int wo = row.ix.length;
    float[] wt = row.weight;
    Corners k = new Corners();
    for (int ox = 0; ox < wo; ox++) {
      k.at(row.ix[ox], row.iy[ox], h, w);
      wt[4 * ox] = k.l * k.t;
      wt[4 * ox + 1] = k.r * k.t;
      wt[4 * ox + 2] = k.l * k.b;
      wt[4 * ox + 3] = k.r * k.b;
      row.x0[ox] = k.x0;
      row.y0[ox] = k.y0;
      row.base[ox] = k.inL && k.inR && k.inT && k.inB ? (int) k.offset(w) : -1;
    }
    long rowBytes = w * 4L;
    for (int ch = 0; ch < c; ch++) {
      long plane = inBase + (long) ch * h * w;
      long o = (outBase + ch * outPlane) * 4;
      for (int ox = 0; ox < wo; ox++) {
        int b = row.base[ox];
        float v;
        if (b >= 0) {
          long a = (plane + b) * 4;
          v = in.get(F32, a) * wt[4 * ox] + in.get(F32, a + 4) * wt[4 * ox + 1]
              + in.get(F32, a + rowBytes) * wt[4 * ox + 2] + in.get(F32, a + rowBytes + 4) * wt[4 * ox + 3];
        } else {
          v = bilinearAtEdge(in, plane, h, w, row.x0[ox], row.y0[ox], wt, 4 * ox);
        }
        out.set(F32, o + ox * 4L, v);
      }
    }
  }

  private static float bilinearAtEdge(MemorySegment in, long plane, int h, int w, float x0, float y0, float[] wt, int at) {
    boolean l = inside(x0, w);
    boolean r = inside(x0 + 1, w);
    boolean t = inside(y0, h);
    boolean bt = inside(y0 + 1, h);
    long a = (plane + (long) y0 * w + (long) x0) * 4;
    long rowBytes = w * 4L;
    float v = 0;
    if (l && t) {
      v += in.get(F32, a) * wt[at];
    }
    if (r && t) {
      v += in.get(F32, a + 4) * wt[at + 1];
    }
    if (l && bt) {
      v += in.get(F32, a + rowBytes) * wt[at + 2];
    }
    if (r && bt) {
      v += in.get(F32, a + rowBytes + 4) * wt[at + 3];
    }
    return v;
  }

  private static void nearestRow(MemorySegment in, long inBase, int c, int h, int w, Row row, MemorySegment out,
      long outBase, long outPlane) {
    int wo = row.ix.length;
    for (int ox = 0; ox < wo; ox++) {
      float x = (float) Math.rint(row.ix[ox]); // nearbyint: half to even
      float y = (float) Math.rint(row.iy[ox]);
      row.base[ox] = inside(x, w) && inside(y, h) ? (int) y * w + (int) x : -1;
    }
    for (int ch = 0; ch < c; ch++) {
      long plane = inBase + (long) ch * h * w;
      long o = (outBase + ch * outPlane) * 4;
      for (int ox = 0; ox < wo; ox++) {
        int b = row.base[ox];
        out.set(F32, o + ox * 4L, b >= 0 ? in.get(F32, (plane + b) * 4) : 0);
      }
    }
  }

  /** Bicubic at unpadded pixel coordinates: each of the 4x4 taps is padded on its own, as in ATen. */
  private static void bicubicRow(MemorySegment in, long inBase, int c, int h, int w, Row row, Ops.GridPadding padding,
      boolean alignCorners, MemorySegment out, long outBase, long outPlane) {
    int wo = row.ix.length;
    float[] cf = row.weight;
    int[] tp = row.taps;
    for (int ox = 0; ox < wo; ox++) {
      float x0 = (float) Math.floor(row.ix[ox]);
      float y0 = (float) Math.floor(row.iy[ox]);
      cubicCoefficients(row.ix[ox] - x0, cf, 8 * ox);
      cubicCoefficients(row.iy[ox] - y0, cf, 8 * ox + 4);
      for (int i = 0; i < 4; i++) {
        float px = padded(x0 - 1 + i, w, padding, alignCorners);
        float py = padded(y0 - 1 + i, h, padding, alignCorners);
        tp[8 * ox + i] = inside(px, w) ? (int) px : -1;
        tp[8 * ox + 4 + i] = inside(py, h) ? (int) py : -1;
      }
    }
    for (int ch = 0; ch < c; ch++) {
      long plane = inBase + (long) ch * h * w;
      long o = (outBase + ch * outPlane) * 4;
      for (int ox = 0; ox < wo; ox++) {
        int k = 8 * ox;
        float v = 0;
        for (int i = 0; i < 4; i++) {
          int ty = tp[k + 4 + i];
          long rowAt = plane + (long) ty * w;
          float rv = tap(in, rowAt, tp[k], ty) * cf[k] + tap(in, rowAt, tp[k + 1], ty) * cf[k + 1]
              + tap(in, rowAt, tp[k + 2], ty) * cf[k + 2] + tap(in, rowAt, tp[k + 3], ty) * cf[k + 3];
          v = i == 0 ? rv * cf[k + 4] : v + rv * cf[k + 4 + i];
        }
        out.set(F32, o + ox * 4L, v);
      }
    }
  }

  private static float tap(MemorySegment in, long rowAt, int tx, int ty) {
    return tx >= 0 && ty >= 0 ? in.get(F32, (rowAt + tx) * 4) : 0;
  }

  /** ATen's get_cubic_upsample_coefficients (Keys, A = -0.75) in float. */
  private static void cubicCoefficients(float t, float[] into, int at) {
    float u = 1 - t;
    into[at] = cubic2(t + 1);
    into[at + 1] = cubic1(t);
    into[at + 2] = cubic1(u);
    into[at + 3] = cubic2(u + 1);
  }

  private static float cubic1(float x) {
    return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
  }

  private static float cubic2(float x) {
    return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
  }

  // --- backward ------------------------------------------------------------------------------------

  /**
   * Bilinear backward as ATen's grid_sampler_2d_backward, in two passes so that every sum has one owner and a fixed
   * order: dgrid per grid point over channels in order, dx per channel plane over output pixels in row-major order.
   */
  static Tensor[] gridSampleBackward(OpContext ctx, Tensor gradOut, Tensor x, Tensor grid, Ops.GridPadding padding,
      boolean alignCorners, int threads) {
    int[] s = SpatialShapes.image(x, "gridSampleBackward");
    int[] gs = SpatialShapes.grid(grid, s, "gridSampleBackward");
    SpatialShapes.gridGradient(gradOut, s, gs);
    int n = s[0];
    int c = s[1];
    int h = s[2];
    int w = s[3];
    int ho = gs[1];
    int wo = gs[2];
    Tensor in = x.contiguous(ctx.arena()); // [N,C,H,W]
    Tensor g = grid.contiguous(ctx.arena()); // [N,Ho,Wo,2]
    Tensor go = gradOut.contiguous(ctx.arena()); // [N,C,Ho,Wo]
    Tensor dx = Tensor.zeros(ctx.arena(), s); // [N,C,H,W]
    Tensor dgrid = Tensor.zeros(ctx.arena(), gs); // [N,Ho,Wo,2]
    long plane = (long) h * w;
    long outPlane = (long) ho * wo;
    MemorySegment ind = in.data();
    MemorySegment gd = g.data();
    MemorySegment god = go.data();

    int usable = CpuThreads.threadsFor(threads, ind, gd, god, dx.data(), dgrid.data());
    int blocks = (ho + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    CpuThreads.forEach(ho == 0 ? 0 : n * blocks, usable, task -> {
      int b = task / blocks;
      int y0 = task % blocks * ROWS_PER_TASK;
      Corners k = new Corners();
      for (int oy = y0; oy < Math.min(ho, y0 + ROWS_PER_TASK); oy++) {
        for (int ox = 0; ox < wo; ox++) {
          long pix = ((long) b * ho + oy) * wo + ox;
          k.set(gd, (g.offset() + pix * 2) * 4, h, w, padding, alignCorners);
          long a = (in.offset() + (long) b * c * plane + k.offset(w)) * 4;
          long gAt = (go.offset() + (long) b * c * outPlane + (long) oy * wo + ox) * 4;
          float gix = 0;
          float giy = 0;
          for (int ch = 0; ch < c; ch++) {
            float gOut = god.get(F32, gAt + ch * outPlane * 4);
            long at = a + ch * plane * 4;
            if (k.inL && k.inT) {
              float v = ind.get(F32, at);
              gix -= v * k.t * gOut;
              giy -= v * k.l * gOut;
            }
            if (k.inR && k.inT) {
              float v = ind.get(F32, at + 4);
              gix += v * k.t * gOut;
              giy -= v * k.r * gOut;
            }
            if (k.inL && k.inB) {
              float v = ind.get(F32, at + w * 4L);
              gix -= v * k.b * gOut;
              giy += v * k.l * gOut;
            }
            if (k.inR && k.inB) {
              float v = ind.get(F32, at + w * 4L + 4);
              gix += v * k.b * gOut;
              giy += v * k.r * gOut;
            }
          }
          float mx = unnormalizeGrad(w, alignCorners) * paddedGrad(k.ux, w, padding, alignCorners);
          float my = unnormalizeGrad(h, alignCorners) * paddedGrad(k.uy, h, padding, alignCorners);
          dgrid.data().set(F32, pix * 8, mx * gix);
          dgrid.data().set(F32, pix * 8 + 4, my * giy);
        }
      }
    });

    int cblocks = (c + CHANNELS_PER_TASK - 1) / CHANNELS_PER_TASK;
    CpuThreads.forEach(n * cblocks, usable, task -> {
      int b = task / cblocks;
      int c0 = task % cblocks * CHANNELS_PER_TASK;
      int c1 = Math.min(c, c0 + CHANNELS_PER_TASK);
      MemorySegment dd = dx.data();
      dd.asSlice(((long) b * c + c0) * plane * 4, (c1 - c0) * plane * 4).fill((byte) 0);
      Corners k = new Corners();
      for (int oy = 0; oy < ho; oy++) {
        for (int ox = 0; ox < wo; ox++) {
          long pix = ((long) b * ho + oy) * wo + ox;
          k.set(gd, (g.offset() + pix * 2) * 4, h, w, padding, alignCorners);
          if (!(k.inL || k.inR) || !(k.inT || k.inB)) {
            continue;
          }
          long a = ((long) b * c * plane + k.offset(w)) * 4;
          long gAt = (go.offset() + (long) b * c * outPlane + (long) oy * wo + ox) * 4;
          for (int ch = c0; ch < c1; ch++) {
            float gOut = god.get(F32, gAt + ch * outPlane * 4);
            long at = a + ch * plane * 4;
            if (k.inL && k.inT) {
              dd.set(F32, at, dd.get(F32, at) + k.l * k.t * gOut);
            }
            if (k.inR && k.inT) {
              dd.set(F32, at + 4, dd.get(F32, at + 4) + k.r * k.t * gOut);
            }
            if (k.inL && k.inB) {
              dd.set(F32, at + w * 4L, dd.get(F32, at + w * 4L) + k.l * k.b * gOut);
            }
            if (k.inR && k.inB) {
              dd.set(F32, at + w * 4L + 4, dd.get(F32, at + w * 4L + 4) + k.r * k.b * gOut);
            }
          }
        }
      }
    });
    return new Tensor[] {dx, dgrid};
  }

  /** The four bilinear taps around one sample point: ATen's weight factors and which taps lie inside the image. */
  private static final class Corners {
    float ux; // unpadded pixel coordinates (the backward differentiates the padding there)
    float uy;
    float x0; // top-left tap
    float y0;
    float l; // weight factors, ATen's form: (x0 + 1) - ix rather than 1 - (ix - x0), which differ for tiny negative ix
    float r;
    float t;
    float b;
    boolean inL;
    boolean inR;
    boolean inT;
    boolean inB;

    /** The taps of the grid point whose (x, y) pair starts at byte {@code at} of the grid. */
    void set(MemorySegment grid, long at, int h, int w, Ops.GridPadding padding, boolean alignCorners) {
      ux = unnormalize(grid.get(F32, at), w, alignCorners);
      uy = unnormalize(grid.get(F32, at + 4), h, alignCorners);
      at(padded(ux, w, padding, alignCorners), padded(uy, h, padding, alignCorners), h, w);
    }

    /** The taps around padded pixel coordinates (ix, iy). */
    void at(float ix, float iy, int h, int w) {
      x0 = (float) Math.floor(ix);
      y0 = (float) Math.floor(iy);
      l = (x0 + 1) - ix;
      r = ix - x0;
      t = (y0 + 1) - iy;
      b = iy - y0;
      inL = inside(x0, w);
      inR = inside(x0 + 1, w);
      inT = inside(y0, h);
      inB = inside(y0 + 1, h);
    }

    /** Element offset of the top-left tap in a plane; used only when a tap is inside, so never out of range. */
    long offset(int w) {
      return (long) y0 * w + (long) x0;
    }
  }

  private static boolean inside(float i, int size) {
    return i >= 0 && i < size; // false for NaN
  }
}
