package dev.worldfx.inference.cpu;

import static dev.worldfx.inference.cpu.GemmMicroKernel.S;
import static dev.worldfx.inference.cpu.GemmMicroKernel.V;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ConvGeometry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;

/**
 * The conv ops on the packed SGEMM ({@link Gemm}); every case is covered. Per image and group:
 * conv2d is weights [O/g, C/g*kh*kw] x im2col(x) (packed straight from the image; a 1x1 stride-1
 * unpadded conv reads x as the matrix itself). The input gradient, and the transposed conv described
 * as one, is weights^T x gradOut followed by col2im; the weight gradient is gradOut x im2col(x)^T
 * summed over the batch. Depthwise convs and their gradients run directly ({@link ConvDepthwise}).
 */
final class CpuConv {
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
  /** Most floats of col2im scratch (4 MiB, so that it stays in L3 between the GEMM and col2im): bands of rows. */
  private static final int COLS_MAX = 1 << 20;

  private CpuConv() {}

  static Tensor conv2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.forward(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    Tensor xc = x.contiguous(ctx.arena()); // [N,C,H,W]
    Tensor wc = w.contiguous(ctx.arena()); // [O,C/g,kh,kw]
    Tensor bc = bias == null ? null : bias.contiguous(ctx.arena()); // [O]
    Tensor y = Tensor.zeros(ctx.arena(), g.outputShape()); // [N,O,Ho,Wo]
    int threads = threads(xc, wc, bc, y);
    if (isDepthwise(g)) {
      ConvDepthwise.forward(xc.data(), xc.offset(), wc.data(), wc.offset(), bc == null ? null : bc.data(),
          bc == null ? 0 : bc.offset(), g, y.data(), threads);
      return y;
    }
    int kk = g.cg() * g.kh() * g.kw();
    int pix = g.ho() * g.wo();
    long plane = (long) g.h() * g.w();
    Gemm.PackA[] weights = new Gemm.PackA[g.groups()]; // [O/g, C/g*kh*kw] per group, shared by the batch
    for (int gi = 0; gi < g.groups(); gi++) {
      weights[gi] = GemmMatrix.rowMajor(wc.data(), wc.offset() + (long) gi * g.og() * kk, kk).asA();
    }
    List<Gemm.Problem> problems = new ArrayList<>();
    for (int n = 0; n < g.n(); n++) {
      for (int gi = 0; gi < g.groups(); gi++) {
        long xGroup = xc.offset() + ((long) n * g.c() + (long) gi * g.cg()) * plane;
        Gemm.PackB cols = isPointwise(g) ? GemmMatrix.rowMajor(xc.data(), xGroup, plane).asB()
            : new Im2col(xc.data(), xGroup, g).columns();
        long yGroup = ((long) n * g.o() + (long) gi * g.og()) * pix;
        problems.add(new Gemm.Problem(g.og(), pix, kk, weights[gi], cols, y.data(), yGroup, pix,
            biasEpilogue(bc, gi * g.og(), y.data(), yGroup, pix)));
      }
    }
    Gemm.run(problems, threads);
    return y;
  }

  static Tensor convTranspose2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.transpose(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    return inputGradient(ctx, x, w, bias, g, COLS_MAX);
  }

  static Tensor conv2dBackwardInput(OpContext ctx, Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.backwardInput(gradOut.shape(), w.shape(), inputShape, p);
    return inputGradient(ctx, gradOut, w, null, g, COLS_MAX);
  }

  /**
   * dx [N,C,H,W] = the adjoint of the forward conv {@code g} applied to gy [N,O,Ho,Wo], + bias [C] if given,
   * with at most {@code colsMax} floats of col2im scratch.
   */
  static Tensor inputGradient(OpContext ctx, Tensor gy, Tensor w, Tensor bias, ConvGeometry g, int colsMax) {
    Tensor gc = gy.contiguous(ctx.arena()); // [N,O,Ho,Wo]
    Tensor wc = w.contiguous(ctx.arena()); // [O,C/g,kh,kw]
    Tensor bc = bias == null ? null : bias.contiguous(ctx.arena()); // [C]
    Tensor dx = Tensor.zeros(ctx.arena(), g.inputShape()); // [N,C,H,W]
    int threads = threads(gc, wc, bc, dx);
    if (isDepthwise(g)) {
      ConvDepthwise.inputGradient(gc.data(), gc.offset(), wc.data(), wc.offset(), bc == null ? null : bc.data(),
          bc == null ? 0 : bc.offset(), g, dx.data(), threads);
      return dx;
    }
    int kk = g.cg() * g.kh() * g.kw();
    int pix = g.ho() * g.wo();
    long plane = (long) g.h() * g.w();
    Gemm.PackA[] weightsT = new Gemm.PackA[g.groups()]; // [C/g*kh*kw, O/g] per group
    for (int gi = 0; gi < g.groups(); gi++) {
      weightsT[gi] = GemmMatrix.rowMajor(wc.data(), wc.offset() + (long) gi * g.og() * kk, kk).transposed().asA();
    }
    if (isPointwise(g)) {
      // col2im of a 1x1 stride-1 unpadded conv is the identity: the product lands in dx directly.
      List<Gemm.Problem> problems = new ArrayList<>();
      for (int n = 0; n < g.n(); n++) {
        for (int gi = 0; gi < g.groups(); gi++) {
          GemmMatrix gyGroup = GemmMatrix.rowMajor(gc.data(), gc.offset() + ((long) n * g.o() + (long) gi * g.og()) * pix,
              pix);
          long dxGroup = ((long) n * g.c() + (long) gi * g.cg()) * plane;
          problems.add(new Gemm.Problem(g.cg(), pix, g.og(), weightsT[gi], gyGroup.asB(), dx.data(), dxGroup, plane,
              biasEpilogue(bc, gi * g.cg(), dx.data(), dxGroup, plane)));
        }
      }
      Gemm.run(problems, threads);
      return dx;
    }
    // cols [C*kh*kw, band*Wo]: group gi's rows are gi*kk.., so channel c's taps are rows (c*kh + ky)*kw + kx.
    int band = Math.clamp(colsMax / ((long) g.groups() * kk * g.wo()), 1, g.ho());
    float[] cols = new float[Math.toIntExact((long) g.groups() * kk * band * g.wo())];
    MemorySegment colsSegment = MemorySegment.ofArray(cols);
    for (int n = 0; n < g.n(); n++) {
      for (int oy0 = 0; oy0 < g.ho(); oy0 += band) {
        int rows = Math.min(band, g.ho() - oy0);
        int rowLen = rows * g.wo();
        List<Gemm.Problem> problems = new ArrayList<>();
        for (int gi = 0; gi < g.groups(); gi++) {
          long gyBand = gc.offset() + ((long) n * g.o() + (long) gi * g.og()) * pix + (long) oy0 * g.wo();
          problems.add(new Gemm.Problem(kk, rowLen, g.og(), weightsT[gi], GemmMatrix.rowMajor(gc.data(), gyBand, pix)
              .asB(), colsSegment, (long) gi * kk * rowLen, rowLen, null));
        }
        Gemm.run(problems, threads);
        int image = n;
        int first = oy0;
        CpuThreads.forEach(g.c(), threads, c -> Im2col.col2im(cols, rowLen, c, first, rows, g, dx.data(),
            ((long) image * g.c() + c) * plane));
      }
    }
    if (bc != null) {
      CpuThreads.forEach(g.n() * g.c(), threads, i -> addToRow(dx.data(), (long) i * plane, 0, (int) plane,
          bc.data().get(F32, (bc.offset() + i % g.c()) * 4)));
    }
    return dx;
  }

  static Tensor conv2dBackwardWeight(OpContext ctx, Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.backwardWeight(x.shape(), gradOut.shape(), weightShape, p);
    Tensor xc = x.contiguous(ctx.arena()); // [N,C,H,W]
    Tensor gc = gradOut.contiguous(ctx.arena()); // [N,O,Ho,Wo]
    Tensor dw = Tensor.zeros(ctx.arena(), g.weightShape()); // [O,C/g,kh,kw]
    int threads = threads(xc, gc, null, dw);
    if (isDepthwise(g)) {
      ConvDepthwise.weightGradient(xc.data(), xc.offset(), gc.data(), gc.offset(), g, dw.data(), threads);
      return dw;
    }
    int kk = g.cg() * g.kh() * g.kw();
    int pix = g.ho() * g.wo();
    long plane = (long) g.h() * g.w();
    // dw_g [O/g, C/g*kh*kw] = sum over images of gy_g [O/g, Ho*Wo] x im2col(x_g)^T, images in order.
    for (int n = 0; n < g.n(); n++) {
      List<Gemm.Problem> problems = new ArrayList<>();
      for (int gi = 0; gi < g.groups(); gi++) {
        long xGroup = xc.offset() + ((long) n * g.c() + (long) gi * g.cg()) * plane;
        Gemm.PackB colsT = isPointwise(g) ? GemmMatrix.rowMajor(xc.data(), xGroup, plane).transposed().asB()
            : new Im2col(xc.data(), xGroup, g).transposed();
        GemmMatrix gyGroup = GemmMatrix.rowMajor(gc.data(), gc.offset() + ((long) n * g.o() + (long) gi * g.og()) * pix,
            pix);
        problems.add(new Gemm.Problem(g.og(), kk, pix, gyGroup.asA(), colsT, dw.data(), (long) gi * g.og() * kk, kk,
            n > 0, null));
      }
      Gemm.run(problems, threads);
    }
    return dw;
  }

  /** groups == C: each output channel reads one input channel. */
  private static boolean isDepthwise(ConvGeometry g) {
    return g.cg() == 1 && g.groups() > 1;
  }

  /**
   * A 1x1 kernel with unit stride and no padding: im2col(x) is x itself. (The size check matters for a
   * transposed conv, whose output padding may add rows that no input pixel reaches.)
   */
  private static boolean isPointwise(ConvGeometry g) {
    Conv2dParams p = g.p();
    return g.kh() == 1 && g.kw() == 1 && p.strideH() == 1 && p.strideW() == 1 && p.padTop() == 0 && p.padLeft() == 0
        && p.padBottom() == 0 && p.padRight() == 0 && g.h() == g.ho() && g.w() == g.wo();
  }

  /** Adds bias[channel0 + m] to row m of the block (rows are channels, {@code ldc} apart from {@code offset}). */
  private static Gemm.Epilogue biasEpilogue(Tensor bias, int channel0, MemorySegment y, long offset, long ldc) {
    if (bias == null) {
      return null;
    }
    return (m0, m1, n0, n1) -> {
      for (int m = m0; m < m1; m++) {
        addToRow(y, offset + m * ldc, n0, n1, bias.data().get(F32, (bias.offset() + channel0 + m) * 4));
      }
    };
  }

  /** y[row + j] += v for j in [j0, j1). */
  private static void addToRow(MemorySegment y, long row, int j0, int j1, float v) {
    FloatVector vv = FloatVector.broadcast(S, v);
    int j = j0;
    for (; j + V <= j1; j += V) {
      long at = (row + j) * 4;
      FloatVector.fromMemorySegment(S, y, at, NATIVE).add(vv).intoMemorySegment(y, at, NATIVE);
    }
    for (; j < j1; j++) {
      long at = (row + j) * 4;
      y.set(F32, at, y.get(F32, at) + v);
    }
  }

  private static int threads(Tensor a, Tensor b, Tensor c, Tensor out) {
    return CpuThreads.threadsFor(a.data(), b.data(), c == null ? out.data() : c.data(), out.data());
  }
}
