package dev.worldfx.inference.autograd;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Ops.CoordMode;
import dev.worldfx.inference.Ops.NearestMode;
import dev.worldfx.inference.Tensor;

/** Adjoints of nearest and bilinear resize: gradients scattered back to the source pixels. */
final class ResizeAdjoint {
  private ResizeAdjoint() {}

  /**
   * g [N,C,outH,outW] -> dx [N,C,H,W] of nearest resize. Which source pixel an output copies is
   * taken from the forward op itself, by resizing an image whose pixels hold their own flat index
   * (exact in float below 2^24 pixels): a rounding tie in the coordinate transform then resolves
   * exactly as in the forward.
   */
  static Tensor nearest(Tape t, Tensor g, int[] xs, CoordMode coord, NearestMode nearest) {
    int h = xs[2];
    int w = xs[3];
    if ((long) h * w > (1 << 24)) {
      throw new IllegalArgumentException("nearest resize gradient: " + h + "x" + w + " exceeds 2^24 pixels");
    }
    float[] index = new float[h * w];
    for (int i = 0; i < index.length; i++) {
      index[i] = i;
    }
    int outH = g.dim(2);
    int outW = g.dim(3);
    float[] source = t.ops().resize(Tensor.of(t.arena(), index, 1, 1, h, w), outH, outW, Ops.ResizeMode.NEAREST,
        coord, nearest, -0.75f).toArray(); // [outH*outW] source flat index
    float[] gv = g.toArray();
    int planes = xs[0] * xs[1];
    int outPlane = outH * outW;
    double[] acc = new double[planes * h * w];
    for (int p = 0; p < planes; p++) {
      for (int o = 0; o < outPlane; o++) {
        acc[p * h * w + (int) source[o]] += gv[p * outPlane + o];
      }
    }
    return toTensor(t, acc, xs);
  }

  /** g [N,C,outH,outW] -> dx [N,C,H,W] of bilinear resize (ONNX linear, edge-clamped taps). */
  static Tensor bilinear(Tape t, Tensor g, int[] xs, CoordMode coord) {
    int h = xs[2];
    int w = xs[3];
    int outH = g.dim(2);
    int outW = g.dim(3);
    Taps ty = Taps.of(h, outH, coord);
    Taps tx = Taps.of(w, outW, coord);
    float[] gv = g.toArray();
    int planes = xs[0] * xs[1];
    double[] acc = new double[planes * h * w];
    for (int p = 0; p < planes; p++) {
      int in = p * h * w;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          double v = gv[(p * outH + oy) * outW + ox];
          double fy = ty.frac[oy];
          double fx = tx.frac[ox];
          acc[in + ty.lo[oy] * w + tx.lo[ox]] += v * (1 - fy) * (1 - fx);
          acc[in + ty.lo[oy] * w + tx.hi[ox]] += v * (1 - fy) * fx;
          acc[in + ty.hi[oy] * w + tx.lo[ox]] += v * fy * (1 - fx);
          acc[in + ty.hi[oy] * w + tx.hi[ox]] += v * fy * fx;
        }
      }
    }
    return toTensor(t, acc, xs);
  }

  private static Tensor toTensor(Tape t, double[] acc, int[] shape) {
    float[] out = new float[acc.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) acc[i];
    }
    return Tensor.of(t.arena(), out, shape);
  }

  /** Per output coordinate along one axis: the two source taps (clamped) and the weight of the upper one. */
  private record Taps(int[] lo, int[] hi, double[] frac) {
    static Taps of(int in, int out, CoordMode coord) {
      int[] lo = new int[out];
      int[] hi = new int[out];
      double[] frac = new double[out];
      for (int o = 0; o < out; o++) {
        double s = source(o, in, out, coord);
        double f = Math.floor(s);
        lo[o] = Math.clamp((long) f, 0, in - 1);
        hi[o] = Math.clamp((long) f + 1, 0, in - 1);
        frac[o] = s - f;
      }
      return new Taps(lo, hi, frac);
    }

    /** ONNX coordinate_transformation_mode, with the scale out / in of a resize given by sizes. */
    private static double source(int o, int in, int out, CoordMode coord) {
      double scale = (double) out / in;
      return switch (coord) {
        case HALF_PIXEL -> (o + 0.5) / scale - 0.5;
        case PYTORCH_HALF_PIXEL -> out > 1 ? (o + 0.5) / scale - 0.5 : 0;
        case ALIGN_CORNERS -> out > 1 ? o * (in - 1.0) / (out - 1) : 0;
        case ASYMMETRIC -> o / scale;
      };
    }
  }
}
