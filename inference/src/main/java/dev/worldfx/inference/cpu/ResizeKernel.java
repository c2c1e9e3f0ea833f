package dev.worldfx.inference.cpu;

import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.ref.ResizeTaps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Separable resize (ONNX Resize on H and W): the reference's taps ({@link ResizeTaps}) with float weights, worked
 * out once per output row and column; each output row is a weighted sum of k input rows already interpolated along
 * W (cached, since neighbouring output rows share input rows), the vertical sum vectorised across the row.
 */
final class ResizeKernel {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final ByteOrder ORDER = ByteOrder.nativeOrder();
  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final int ROWS_PER_TASK = 32;

  private ResizeKernel() {}

  /** x [N,C,H,W] -> [N,C,outH,outW] with ONNX scales (out / in when the model gives sizes); shapes checked by the caller. */
  static Tensor resize(OpContext ctx, Tensor x, int outH, int outW, double scaleH, double scaleW, Ops.ResizeMode mode,
      Ops.CoordMode coord, Ops.NearestMode nearest, float cubicA, int threads) {
    int h = x.dim(2);
    int w = x.dim(3);
    Tensor in = x.contiguous(ctx.arena()); // [N,C,H,W]
    int planes = in.dim(0) * in.dim(1);
    Tensor out = Tensor.zeros(ctx.arena(), in.dim(0), in.dim(1), outH, outW); // [N,C,outH,outW]
    if (out.numel() == 0) {
      return out;
    }
    AxisTaps rows = AxisTaps.of(ResizeTaps.of(mode, coord, nearest, cubicA, scaleH, h, outH));
    AxisTaps cols = AxisTaps.of(ResizeTaps.of(mode, coord, nearest, cubicA, scaleW, w, outW));
    int blocks = (outH + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    CpuThreads.forEach(planes * blocks, CpuThreads.threadsFor(threads, in.data(), out.data()), task -> {
      int p = task / blocks;
      int y0 = task % blocks * ROWS_PER_TASK;
      resizeRows(in, out, p, y0, Math.min(outH, y0 + ROWS_PER_TASK), rows, cols);
    });
    return out;
  }

  /** Output rows [y0, y1) of plane p. */
  private static void resizeRows(Tensor in, Tensor out, int p, int y0, int y1, AxisTaps rows, AxisTaps cols) {
    int h = in.dim(2);
    int w = in.dim(3);
    int outW = out.dim(3);
    int k = rows.k;
    MemorySegment src = in.data();
    MemorySegment dst = out.data();
    long inPlane = in.offset() + (long) p * h * w;
    float[] line = new float[w];
    float[][] cache = new float[k][outW]; // input rows interpolated along W; input row i sits in slot i % k
    int[] cached = new int[k];
    Arrays.fill(cached, -1);
    for (int oy = y0; oy < y1; oy++) {
      // The k taps of a row are consecutive input rows (clamped at the edges), so their slots never collide.
      for (int t = 0; t < k; t++) {
        int iy = rows.index[oy * k + t];
        int slot = iy % k;
        if (cached[slot] != iy) {
          MemorySegment.copy(src, F32, (inPlane + (long) iy * w) * 4, line, 0, w);
          interpolateLine(line, cols, cache[slot]);
          cached[slot] = iy;
        }
      }
      long at = ((long) p * out.dim(2) + oy) * outW * 4;
      if (k == 1) {
        MemorySegment.copy(cache[rows.index[oy] % k], 0, dst, F32, at, outW);
      } else {
        combineRows(cache, rows, oy, dst, at, outW);
      }
    }
  }

  /** One input row interpolated along W into {@code row}. */
  private static void interpolateLine(float[] line, AxisTaps cols, float[] row) {
    int[] ix = cols.index;
    float[] wx = cols.weight;
    switch (cols.k) {
      case 1 -> {
        for (int ox = 0; ox < row.length; ox++) {
          row[ox] = line[ix[ox]];
        }
      }
      case 2 -> {
        for (int ox = 0, j = 0; ox < row.length; ox++, j += 2) {
          row[ox] = wx[j] * line[ix[j]] + wx[j + 1] * line[ix[j + 1]];
        }
      }
      default -> {
        for (int ox = 0, j = 0; ox < row.length; ox++, j += 4) {
          row[ox] = wx[j] * line[ix[j]] + wx[j + 1] * line[ix[j + 1]] + wx[j + 2] * line[ix[j + 2]] + wx[j + 3] * line[ix[j + 3]];
        }
      }
    }
  }

  /** Output row oy = sum over its k taps of weight * cached row, in tap order; the scalar tail does the same ops. */
  private static void combineRows(float[][] cache, AxisTaps rows, int oy, MemorySegment dst, long at, int outW) {
    int k = rows.k;
    float[][] r = new float[k][];
    float[] wy = new float[k];
    for (int t = 0; t < k; t++) {
      int iy = rows.index[oy * k + t];
      r[t] = cache[iy % k];
      wy[t] = rows.weight[oy * k + t];
    }
    int ox = 0;
    for (int bound = SPECIES.loopBound(outW); ox < bound; ox += SPECIES.length()) {
      FloatVector acc = FloatVector.fromArray(SPECIES, r[0], ox).mul(wy[0]);
      for (int t = 1; t < k; t++) {
        acc = acc.add(FloatVector.fromArray(SPECIES, r[t], ox).mul(wy[t]));
      }
      acc.intoMemorySegment(dst, at + ox * 4L, ORDER);
    }
    for (; ox < outW; ox++) {
      float acc = r[0][ox] * wy[0];
      for (int t = 1; t < k; t++) {
        acc += r[t][ox] * wy[t];
      }
      dst.set(F32, at + ox * 4L, acc);
    }
  }

  /** The shared taps with their weights rounded to float once. */
  private record AxisTaps(int k, int[] index, float[] weight) {
    static AxisTaps of(ResizeTaps taps) {
      float[] w = new float[taps.weight().length];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) taps.weight()[i];
      }
      return new AxisTaps(taps.k(), taps.index(), w);
    }
  }
}
