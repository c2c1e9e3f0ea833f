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

/**
 * Direct depthwise conv (groups == C, each output channel reads one input channel): too little work
 * per output for a GEMM, so each output row is accumulated tap by tap with vector FMAs along x.
 */
final class ConvDepthwise {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();

  private ConvDepthwise() {}

  /** y [N,O,Ho,Wo] = x [N,C,H,W] * w [O,1,kh,kw] (+ bias [O]); x, w, bias contiguous F32. One task per output plane. */
  static void forward(MemorySegment x, long xOff, MemorySegment w, long wOff, MemorySegment bias, long biasOff,
      ConvGeometry g, MemorySegment y, int threads) {
    int taps = g.kh() * g.kw();
    GemmPool.forEach(g.n() * g.o(), threads, plane -> {
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
}
