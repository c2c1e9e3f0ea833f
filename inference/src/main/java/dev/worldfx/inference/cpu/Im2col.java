package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.Gemm.NR;
import static dev.worldfx.inference.cpu.GemmMicroKernel.S;
import static dev.worldfx.inference.cpu.GemmMicroKernel.V;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.ref.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * The im2col matrix of one image and group of a forward convolution, packed for {@link Gemm} straight
 * from the image (it is never materialised), and col2im, its adjoint. Rows r = (ci*kh + ky)*kw + kx for
 * ci < C/groups, columns q = oy*Wo + ox; entry (r, q) = x[ci, oy*sh - pt + ky*dh, ox*sw - pl + kx*dw],
 * zero in the padding.
 */
final class Im2col {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private final MemorySegment x;
  private final long base; // element offset of channel 0 of the group in this image: x[n, g*Cg, 0, 0]
  private final int h;
  private final int w;
  private final int kh;
  private final int kw;
  private final int wo;
  private final Conv2dParams p;

  Im2col(MemorySegment x, long base, ConvGeometry g) {
    this.x = x;
    this.base = base;
    this.h = g.h();
    this.w = g.w();
    this.kh = g.kh();
    this.kw = g.kw();
    this.wo = g.wo();
    this.p = g.p();
  }

  /** B = the im2col matrix [Cg*kh*kw, Ho*Wo], for the forward conv. */
  Gemm.PackB columns() {
    return this::packColumns;
  }

  /** B = its transpose [Ho*Wo, Cg*kh*kw], for the weight gradient. */
  Gemm.PackB transposed() {
    return this::packTransposed;
  }

  private void packColumns(float[] dst, int k0, int kc, int n0, int cols) {
    // A panel's columns split into runs along one output row: a run reads one input row.
    int panels = Math.ceilDiv(cols, NR);
    int[] runCount = new int[panels];
    int[] runStart = new int[panels * NR]; // runs of panel p at p*NR.., columns relative to the panel
    int[] runLen = new int[panels * NR];
    int[] runIy = new int[panels * NR];
    int[] runIx = new int[panels * NR];
    // A full panel in one output row with unit stride reads one contiguous span per kx: columns
    // [lo, hi) of it lie inside the input row (per panel and kx; lo = -1 marks the other panels).
    int[] lo = new int[panels * kw];
    int[] hi = new int[panels * kw];
    for (int pan = 0; pan < panels; pan++) {
      int valid = Math.min(NR, cols - pan * NR);
      int q = n0 + pan * NR;
      int u = pan * NR;
      for (int t = 0; t < valid; u++) {
        int oy = q / wo;
        int ox = q - oy * wo;
        int len = Math.min(valid - t, wo - ox);
        runStart[u] = t;
        runLen[u] = len;
        runIy[u] = oy * p.strideH() - p.padTop();
        runIx[u] = ox * p.strideW() - p.padLeft();
        t += len;
        q += len;
      }
      runCount[pan] = u - pan * NR;
      boolean span = runCount[pan] == 1 && valid == NR && p.strideW() == 1;
      for (int kx = 0; kx < kw; kx++) {
        int ix0 = runIx[pan * NR] + kx * p.dilationW();
        lo[pan * kw + kx] = span ? Math.clamp(-ix0, 0, NR) : -1;
        hi[pan * kw + kx] = span ? Math.clamp(w - ix0, lo[pan * kw + kx], NR) : -1;
      }
    }
    // Rows of B outermost: the panels side by side then read each input row left to right.
    int taps = kh * kw;
    int ci = k0 / taps; // (ci, ky, kx) of row k0, then stepped: no division per row
    int ky = (k0 - ci * taps) / kw;
    int kx = k0 - ci * taps - ky * kw;
    for (int k = 0; k < kc; k++) {
      long channel = base + (long) ci * h * w;
      int dy = ky * p.dilationH();
      int dx = kx * p.dilationW();
      for (int pan = 0; pan < panels; pan++) {
        int row = pan * NR * kc + k * NR;
        int first = pan * NR;
        int l = lo[pan * kw + kx];
        if (l < 0) {
          packRuns(dst, row, channel, dy, dx, first, runCount[pan], runStart, runLen, runIy, runIx);
          int valid = Math.min(NR, cols - pan * NR);
          Arrays.fill(dst, row + valid, row + NR, 0f);
          continue;
        }
        int iy = runIy[first] + dy;
        if (iy < 0 || iy >= h) {
          Arrays.fill(dst, row, row + NR, 0f);
          continue;
        }
        long at = (channel + (long) iy * w + runIx[first] + dx) * 4; // byte of column 0 (may lie outside)
        int r = hi[pan * kw + kx];
        if (l == 0 && r == NR) {
          FloatVector.fromMemorySegment(S, x, at, NATIVE).intoArray(dst, row);
          FloatVector.fromMemorySegment(S, x, at + V * 4L, NATIVE).intoArray(dst, row + V);
        } else {
          copyInside(dst, row, NR, at, l, r);
        }
      }
      if (++kx == kw) {
        kx = 0;
        if (++ky == kh) {
          ky = 0;
          ci++;
        }
      }
    }
  }

  /** dst[d + t] = x at byte {@code at + 4t} for t in [lo, hi), zero for the rest of [0, len). */
  private void copyInside(float[] dst, int d, int len, long at, int lo, int hi) {
    Arrays.fill(dst, d, d + lo, 0f);
    Arrays.fill(dst, d + hi, d + len, 0f);
    if (hi - lo < V) {
      for (int t = lo; t < hi; t++) {
        dst[d + t] = x.get(F32, at + t * 4L);
      }
      return;
    }
    // Whole vectors from lo, the last one ending exactly at hi (overlapping the one before).
    for (int t = lo; ; t += V) {
      int from = Math.min(t, hi - V);
      FloatVector.fromMemorySegment(S, x, at + from * 4L, NATIVE).intoArray(dst, d + from);
      if (from == hi - V) {
        return;
      }
    }
  }

  /** One row of B in any other panel (several output rows, a partial panel, a stride), run by run. */
  private void packRuns(float[] dst, int row, long channel, int dy, int dx, int first, int runs, int[] runStart,
      int[] runLen, int[] runIy, int[] runIx) {
    for (int u = first; u < first + runs; u++) {
      int d = row + runStart[u];
      int len = runLen[u];
      int iy = runIy[u] + dy;
      if (iy < 0 || iy >= h) {
        Arrays.fill(dst, d, d + len, 0f);
        continue;
      }
      long src = channel + (long) iy * w;
      int ix0 = runIx[u] + dx;
      if (p.strideW() == 1) {
        int l = Math.clamp(-ix0, 0, len);
        copyInside(dst, d, len, (src + ix0) * 4, l, Math.clamp(w - ix0, l, len));
        continue;
      }
      for (int t = 0; t < len; t++) {
        int ix = ix0 + t * p.strideW();
        dst[d + t] = ix >= 0 && ix < w ? x.get(F32, (src + ix) * 4) : 0f;
      }
    }
  }

  private void packTransposed(float[] dst, int k0, int kc, int n0, int cols) {
    int taps = kh * kw;
    for (int pan = 0; pan * NR < cols; pan++) {
      int panel = pan * NR * kc;
      int valid = Math.min(NR, cols - pan * NR);
      for (int j = 0; j < NR; j++) {
        if (j >= valid) {
          for (int k = 0; k < kc; k++) {
            dst[panel + k * NR + j] = 0f;
          }
          continue;
        }
        int r = n0 + pan * NR + j;
        int ci = r / taps;
        int ky = (r - ci * taps) / kw;
        int kx = r - ci * taps - ky * kw;
        long channel = base + (long) ci * h * w;
        int oy = k0 / wo;
        int ox = k0 - oy * wo;
        for (int k = 0; k < kc; oy++, ox = 0) {
          int len = Math.min(kc - k, wo - ox);
          int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
          int d = panel + k * NR + j;
          if (iy < 0 || iy >= h) {
            for (int t = 0; t < len; t++) {
              dst[d + t * NR] = 0f;
            }
          } else {
            long src = channel + (long) iy * w;
            for (int t = 0; t < len; t++) {
              int ix = (ox + t) * p.strideW() - p.padLeft() + kx * p.dilationW();
              dst[d + t * NR] = ix >= 0 && ix < w ? x.get(F32, (src + ix) * 4) : 0f;
            }
          }
          k += len;
        }
      }
    }
  }

  /**
   * col2im for one input channel: adds rows (ci*kh + ky)*kw + kx of {@code cols} (each {@code oyRows}
   * output rows from {@code oy0}, Wo wide, {@code cols} rows {@code rowLen} apart) into the plane
   * [H,W] of {@code dx} at element {@code plane}. Taps go ky descending: an input row then receives
   * its terms in ascending oy, so calling this band after band of output rows adds in the same
   * order as one call for all rows, and the band size never changes the result.
   */
  static void col2im(float[] cols, int rowLen, int ci, int oy0, int oyRows, ConvGeometry g, MemorySegment dx,
      long plane) {
    Conv2dParams p = g.p();
    int wo = g.wo();
    for (int ky = g.kh() - 1; ky >= 0; ky--) {
      for (int kx = 0; kx < g.kw(); kx++) {
        int row = ((ci * g.kh() + ky) * g.kw() + kx) * rowLen;
        int shift = kx * p.dilationW() - p.padLeft(); // ix = ox*sw + shift
        for (int oy = oy0; oy < oy0 + oyRows; oy++) {
          int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
          if (iy < 0 || iy >= g.h()) {
            continue;
          }
          int src = row + (oy - oy0) * wo;
          long dst = (plane + (long) iy * g.w()) * 4;
          if (p.strideW() == 1) {
            int lo = Math.clamp(-shift, 0, wo);
            int hi = Math.clamp(g.w() - shift, lo, wo);
            int ox = lo;
            for (; ox + V <= hi; ox += V) {
              long at = dst + (ox + shift) * 4L;
              FloatVector.fromMemorySegment(S, dx, at, NATIVE).add(FloatVector.fromArray(S, cols, src + ox))
                  .intoMemorySegment(dx, at, NATIVE);
            }
            for (; ox < hi; ox++) {
              long at = dst + (ox + shift) * 4L;
              dx.set(F32, at, dx.get(F32, at) + cols[src + ox]);
            }
          } else {
            for (int ox = 0; ox < wo; ox++) {
              int ix = ox * p.strideW() + shift;
              if (ix >= 0 && ix < g.w()) {
                long at = dst + ix * 4L;
                dx.set(F32, at, dx.get(F32, at) + cols[src + ox]);
              }
            }
          }
        }
      }
    }
  }
}
