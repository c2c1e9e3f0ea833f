package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.GemmMicroKernel.S;
import static dev.worldfx.inference.cpu.GemmMicroKernel.V;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.ref.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Direct depthwise conv (groups == C, so each output channel reads one input channel) and its two
 * gradients: too little work per output for a GEMM, so rows are accumulated tap by tap with vector FMAs
 * along x. Output channel o reads input channel o / (O/C).
 */
final class ConvDepthwise {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private ConvDepthwise() {}

  /** y [N,O,Ho,Wo] = x [N,C,H,W] * w [O,1,kh,kw] (+ bias [O]); x, w, bias contiguous F32. One task per output plane. */
  static void forward(MemorySegment x, long xOff, MemorySegment w, long wOff, MemorySegment bias, long biasOff,
      ConvGeometry g, MemorySegment y, int threads) {
    int taps = g.kh() * g.kw();
    CpuThreads.forEach(g.n() * g.o(), threads, plane -> {
      int o = plane % g.o();
      int c = o / g.og(); // og = output channels per input channel
      long xPlane = xOff + (long) (plane / g.o() * g.c() + c) * g.h() * g.w();
      float[] wk = new float[taps];
      MemorySegment.copy(w, F32, (wOff + (long) o * taps) * 4, wk, 0, taps);
      float b = bias == null ? 0f : bias.get(F32, (biasOff + o) * 4);
      float[] acc = new float[g.wo()];
      for (int oy = 0; oy < g.ho(); oy++) {
        Arrays.fill(acc, b);
        accumulateRow(x, xPlane, wk, g, oy, acc);
        MemorySegment.copy(acc, 0, y, F32, ((long) plane * g.ho() + oy) * g.wo() * 4, g.wo());
      }
    });
  }

  /** acc[ox] += sum over taps (ky, kx in order) of w[ky,kx] * x[iy, ix], skipping padding taps. */
  private static void accumulateRow(MemorySegment x, long xPlane, float[] wk, ConvGeometry g, int oy, float[] acc) {
    Conv2dParams p = g.p();
    int wo = g.wo();
    for (int ky = 0; ky < g.kh(); ky++) {
      int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
      if (iy < 0 || iy >= g.h()) {
        continue;
      }
      long row = (xPlane + (long) iy * g.w()) * 4;
      for (int kx = 0; kx < g.kw(); kx++) {
        float wv = wk[ky * g.kw() + kx];
        int shift = kx * p.dilationW() - p.padLeft(); // ix = ox*sw + shift
        if (p.strideW() == 1) {
          int lo = Math.clamp(-shift, 0, wo);
          int hi = Math.clamp(g.w() - shift, lo, wo);
          FloatVector wvec = FloatVector.broadcast(S, wv);
          int ox = lo;
          for (; ox + V <= hi; ox += V) {
            FloatVector.fromMemorySegment(S, x, row + (ox + shift) * 4L, NATIVE).fma(wvec, FloatVector.fromArray(S, acc, ox))
                .intoArray(acc, ox);
          }
          for (; ox < hi; ox++) {
            acc[ox] = Math.fma(x.get(F32, row + (ox + shift) * 4L), wv, acc[ox]);
          }
        } else {
          for (int ox = 0; ox < wo; ox++) {
            int ix = ox * p.strideW() + shift;
            if (ix >= 0 && ix < g.w()) {
              acc[ox] = Math.fma(x.get(F32, row + ix * 4L), wv, acc[ox]);
            }
          }
        }
      }
    }
  }

  /**
   * dx [N,C,H,W] = the input gradient of the forward depthwise conv {@code g} for gy [N,O,Ho,Wo], plus
   * bias [C] if given (the transposed conv). One task per input plane; per row, the terms of each output
   * channel and tap (o, ky, kx in order) are gathered.
   */
  static void inputGradient(MemorySegment gy, long gyOff, MemorySegment w, long wOff, MemorySegment bias, long biasOff,
      ConvGeometry g, MemorySegment dx, int threads) {
    Conv2dParams p = g.p();
    int taps = g.kh() * g.kw();
    int og = g.og();
    CpuThreads.forEach(g.n() * g.c(), threads, plane -> {
      int n = plane / g.c();
      int c = plane % g.c();
      float[] wk = new float[og * taps];
      MemorySegment.copy(w, F32, (wOff + (long) c * og * taps) * 4, wk, 0, og * taps);
      float b = bias == null ? 0f : bias.get(F32, (biasOff + c) * 4);
      float[] acc = new float[g.w()];
      for (int iy = 0; iy < g.h(); iy++) {
        Arrays.fill(acc, b);
        for (int oj = 0; oj < og; oj++) {
          long gyPlane = gyOff + ((long) n * g.o() + (long) c * og + oj) * g.ho() * g.wo();
          for (int ky = 0; ky < g.kh(); ky++) {
            int t = iy + p.padTop() - ky * p.dilationH(); // = oy * strideH
            if (t < 0 || t % p.strideH() != 0 || t / p.strideH() >= g.ho()) {
              continue;
            }
            long row = (gyPlane + (long) (t / p.strideH()) * g.wo()) * 4;
            for (int kx = 0; kx < g.kw(); kx++) {
              scatterRow(gy, row, wk[oj * taps + ky * g.kw() + kx], kx * p.dilationW() - p.padLeft(), g, acc);
            }
          }
        }
        MemorySegment.copy(acc, 0, dx, F32, ((long) plane * g.h() + iy) * g.w() * 4, g.w());
      }
    });
  }

  /** acc[ox*sw + shift] += wv * gy[row + ox] for every ox whose target lies in [0, W). */
  private static void scatterRow(MemorySegment gy, long row, float wv, int shift, ConvGeometry g, float[] acc) {
    int sw = g.p().strideW();
    if (sw == 1) {
      int lo = Math.clamp(shift, 0, g.w()); // ix range whose ox = ix - shift is in [0, Wo)
      int hi = Math.clamp((long) g.wo() + shift, lo, g.w());
      FloatVector wvec = FloatVector.broadcast(S, wv);
      int ix = lo;
      for (; ix + V <= hi; ix += V) {
        FloatVector.fromMemorySegment(S, gy, row + (ix - shift) * 4L, NATIVE).fma(wvec, FloatVector.fromArray(S, acc, ix))
            .intoArray(acc, ix);
      }
      for (; ix < hi; ix++) {
        acc[ix] = Math.fma(gy.get(F32, row + (ix - shift) * 4L), wv, acc[ix]);
      }
      return;
    }
    for (int ox = 0; ox < g.wo(); ox++) {
      int ix = ox * sw + shift;
      if (ix >= 0 && ix < g.w()) {
        acc[ix] = Math.fma(gy.get(F32, row + ox * 4L), wv, acc[ix]);
      }
    }
  }

  /**
   * dw [O,1,kh,kw] = sum over images and output pixels of gy * x for the forward depthwise conv
   * {@code g}. One task per output channel; each tap is a dot product kept in vector lanes (n, oy, ox
   * in order) and summed across lanes at the end.
   */
  static void weightGradient(MemorySegment x, long xOff, MemorySegment gy, long gyOff, ConvGeometry g,
      MemorySegment dw, int threads) {
    Conv2dParams p = g.p();
    int taps = g.kh() * g.kw();
    CpuThreads.forEach(g.o(), threads, o -> {
      int c = o / g.og();
      for (int ky = 0; ky < g.kh(); ky++) {
        for (int kx = 0; kx < g.kw(); kx++) {
          int shift = kx * p.dilationW() - p.padLeft(); // ix = ox*sw + shift
          int lo = Math.clamp(Math.ceilDiv(-shift, p.strideW()), 0, g.wo()); // ox range reading inside x
          int hi = Math.clamp(Math.ceilDiv(g.w() - shift, p.strideW()), lo, g.wo());
          FloatVector lanes = FloatVector.zero(S);
          float tail = 0f;
          for (int n = 0; n < g.n(); n++) {
            long xPlane = xOff + ((long) n * g.c() + c) * g.h() * g.w();
            long gyPlane = gyOff + ((long) n * g.o() + o) * g.ho() * g.wo();
            for (int oy = 0; oy < g.ho(); oy++) {
              int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
              if (iy < 0 || iy >= g.h()) {
                continue;
              }
              long xRow = (xPlane + (long) iy * g.w() + shift) * 4;
              long gyRow = (gyPlane + (long) oy * g.wo()) * 4;
              int ox = lo;
              if (p.strideW() == 1) {
                for (; ox + V <= hi; ox += V) {
                  lanes = FloatVector.fromMemorySegment(S, gy, gyRow + ox * 4L, NATIVE)
                      .fma(FloatVector.fromMemorySegment(S, x, xRow + ox * 4L, NATIVE), lanes);
                }
              }
              for (; ox < hi; ox++) {
                tail = Math.fma(gy.get(F32, gyRow + ox * 4L), x.get(F32, xRow + (long) ox * p.strideW() * 4), tail);
              }
            }
          }
          dw.set(F32, ((long) o * taps + ky * g.kw() + kx) * 4, lanes.reduceLanes(VectorOperators.ADD) + tail);
        }
      }
    });
  }
}
