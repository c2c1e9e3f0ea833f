package dev.worldfx.inference.ref;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.OpContext;
import dev.worldfx.inference.Tensor;

/**
 * Scalar reference of the conv ops. All four walk the same list of taps of the forward
 * convolution (one tap = one product x[n,c,iy,ix] * w[o,ci,ky,kx] feeding y[n,o,oy,ox]); they differ
 * only in which of the three tensors the product accumulates into. That makes the backward ops
 * the adjoints of conv2d by construction, and the transposed conv the input gradient of the
 * forward conv it is described by (see {@link ConvGeometry#transpose}). Double accumulation.
 */
final class RefConv {
  private RefConv() {}

  /** Receives one tap as flat indices into x [N,C,H,W], w [O,C/g,kh,kw] and y [N,O,Ho,Wo]. */
  private interface Tap {
    void at(int xi, int wi, int yi);
  }

  static Tensor conv2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.forward(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    float[] xv = x.toArray();
    float[] wv = w.toArray();
    double[] y = new double[size(g.outputShape())];
    forEachTap(g, (xi, wi, yi) -> y[yi] += (double) xv[xi] * wv[wi]);
    return toTensor(ctx, y, bias, g.outputShape());
  }

  static Tensor convTranspose2d(OpContext ctx, Tensor x, Tensor w, Tensor bias, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.transpose(x.shape(), w.shape(), bias == null ? null : bias.shape(), p);
    // x plays the forward output, the result the forward input.
    float[] yv = x.toArray();
    float[] wv = w.toArray();
    double[] out = new double[size(g.inputShape())];
    forEachTap(g, (xi, wi, yi) -> out[xi] += (double) yv[yi] * wv[wi]);
    return toTensor(ctx, out, bias, g.inputShape());
  }

  static Tensor conv2dBackwardInput(OpContext ctx, Tensor gradOut, Tensor w, int[] inputShape, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.backwardInput(gradOut.shape(), w.shape(), inputShape, p);
    float[] gy = gradOut.toArray();
    float[] wv = w.toArray();
    double[] dx = new double[size(g.inputShape())];
    forEachTap(g, (xi, wi, yi) -> dx[xi] += (double) gy[yi] * wv[wi]);
    return toTensor(ctx, dx, null, g.inputShape());
  }

  static Tensor conv2dBackwardWeight(OpContext ctx, Tensor x, Tensor gradOut, int[] weightShape, Conv2dParams p) {
    ConvGeometry g = ConvGeometry.backwardWeight(x.shape(), gradOut.shape(), weightShape, p);
    float[] xv = x.toArray();
    float[] gy = gradOut.toArray();
    double[] dw = new double[size(g.weightShape())];
    forEachTap(g, (xi, wi, yi) -> dw[wi] += (double) xv[xi] * gy[yi]);
    return toTensor(ctx, dw, null, g.weightShape());
  }

  /** Every in-bounds tap, in the order n, o, oy, ox, ci, ky, kx (padding taps read zeros and are skipped). */
  private static void forEachTap(ConvGeometry g, Tap tap) {
    Conv2dParams p = g.p();
    int cg = g.cg();
    int og = g.og();
    for (int n = 0; n < g.n(); n++) {
      for (int o = 0; o < g.o(); o++) {
        int c0 = (o / og) * cg; // first input channel of o's group
        for (int oy = 0; oy < g.ho(); oy++) {
          for (int ox = 0; ox < g.wo(); ox++) {
            int yi = ((n * g.o() + o) * g.ho() + oy) * g.wo() + ox;
            for (int ci = 0; ci < cg; ci++) {
              for (int ky = 0; ky < g.kh(); ky++) {
                int iy = oy * p.strideH() - p.padTop() + ky * p.dilationH();
                if (iy < 0 || iy >= g.h()) {
                  continue;
                }
                for (int kx = 0; kx < g.kw(); kx++) {
                  int ix = ox * p.strideW() - p.padLeft() + kx * p.dilationW();
                  if (ix < 0 || ix >= g.w()) {
                    continue;
                  }
                  int xi = ((n * g.c() + c0 + ci) * g.h() + iy) * g.w() + ix;
                  int wi = ((o * cg + ci) * g.kh() + ky) * g.kw() + kx;
                  tap.at(xi, wi, yi);
                }
              }
            }
          }
        }
      }
    }
  }

  /** Rounds the double sums to float, adding bias [shape[1]] per channel if given. */
  private static Tensor toTensor(OpContext ctx, double[] sums, Tensor bias, int[] shape) {
    float[] b = bias == null ? null : bias.toArray();
    int plane = shape[2] * shape[3];
    float[] out = new float[sums.length];
    for (int i = 0; i < sums.length; i++) {
      double v = sums[i];
      if (b != null) {
        v += b[(i / plane) % shape[1]];
      }
      out[i] = (float) v;
    }
    return Tensor.of(ctx.arena(), out, shape);
  }

  private static int size(int[] shape) {
    return Math.toIntExact(Tensor.numel(shape));
  }
}
