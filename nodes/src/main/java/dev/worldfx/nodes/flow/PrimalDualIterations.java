package dev.worldfx.nodes.flow;

/**
 * The TV-L1 iterations on one pyramid level (IPOL 2013, algorithm 1, inner loop) for the data term linearised at one
 * warp. Holds the flow being refined, [2,h,w] (u then v), and the dual variables that carry over between warps.
 *
 * <p>One iteration is one pass over the rows: each band does the primal step of row y and then the dual step of row
 * y - 1, whose forward differences need the new flow of rows y - 1 and y; the last row of every band waits for the
 * next band's first primal row and is finished after the pass. The primal step of a band's first row reads the dual
 * values of the row above before they are updated, exactly as a two-pass schedule would, so the bits are the same.
 */
final class PrimalDualIterations {
  /** Below this squared gradient the data term has no direction: the thresholding leaves the flow as it is. */
  private static final float MIN_GRADIENT_SQUARED = 1e-10f;
  /** A bilinear sample of frame2 counts only when all four taps (and their gradient stencils) are outside holes. */
  private static final float FULLY_VALID = 0.999f;

  private final int h;
  private final int w;
  private final int n;
  private final int bands;
  private final float theta;
  private final float tauOverTheta;
  private final float[] flow;
  // data term at the current warp: grad I1(x + u0), its squared norm, rho(u) - grad I1 . u, lambda theta weight
  private final float[] ix;
  private final float[] iy;
  private final float[] g2;
  private final float[] rhoConst;
  private final float[] threshold;
  // duals of grad u (p11, p12) and grad v (p21, p22)
  private final float[] p11;
  private final float[] p12;
  private final float[] p21;
  private final float[] p22;

  PrimalDualIterations(float[] flow, int h, int w, FlowParams params) {
    this(flow, h, w, params, RowTasks.bandsFor(h, w));
  }

  /** With a given number of row bands (the result does not depend on it). */
  PrimalDualIterations(float[] flow, int h, int w, FlowParams params, int bands) {
    this.bands = bands;
    this.h = h;
    this.w = w;
    this.n = h * w;
    this.theta = params.theta();
    this.tauOverTheta = params.tau() / params.theta();
    this.flow = flow;
    ix = new float[n];
    iy = new float[n];
    g2 = new float[n];
    rhoConst = new float[n];
    threshold = new float[n];
    p11 = new float[n];
    p12 = new float[n];
    p21 = new float[n];
    p22 = new float[n];
  }

  /**
   * Linearises the data term at the current flow. {@code warped} [4,h,w] is frame2, its x and y derivatives and its
   * validity sampled at x + flow; {@code i0} [h,w] is frame1; {@code weight} [h,w] is lambda theta where frame1 may
   * drive the data term, else 0 (further zeroed where frame2's sample is outside the frame or not fully valid).
   */
  void linearise(float[] warped, float[] i0, float[] weight) {
    RowTasks.inBands(h, bands, (y0, y1) -> {
      for (int y = y0; y < y1; y++) {
        for (int x = 0, i = y * w; x < w; x++, i++) {
          float u = flow[i];
          float v = flow[n + i];
          float tx = x + u;
          float ty = y + v;
          boolean inside = tx >= 0 && tx <= w - 1 && ty >= 0 && ty <= h - 1;
          float gx = warped[n + i];
          float gy = warped[2 * n + i];
          ix[i] = gx;
          iy[i] = gy;
          g2[i] = gx * gx + gy * gy;
          // rho(u) = I1(x + u0) + grad I1 . (u - u0) - I0(x) = rhoConst + grad I1 . u
          rhoConst[i] = warped[i] - gx * u - gy * v - i0[i];
          threshold[i] = inside && warped[3 * n + i] >= FULLY_VALID ? weight[i] : 0f;
        }
      }
    });
  }

  void iterate(int count) {
    for (int it = 0; it < count; it++) {
      int[] lastRows = RowTasks.inBands(h, bands, (y0, y1) -> {
        for (int y = y0; y < y1; y++) {
          primalRow(y);
          if (y > y0) {
            dualRow(y - 1);
          }
        }
      });
      for (int y : lastRows) {
        dualRow(y);
      }
    }
  }

  /** v = threshold(u) (IPOL 2013 eq. 19), then u = v + theta div p (eq. 20); reads only its own pixels of u. */
  private void primalRow(int y) {
    for (int x = 0, i = y * w; x < w; x++, i++) {
      float u = flow[i];
      float v = flow[n + i];
      float gx = ix[i];
      float gy = iy[i];
      float gg = g2[i];
      float lt = threshold[i];
      float rho = rhoConst[i] + gx * u + gy * v;
      if (rho < -lt * gg) {
        u += lt * gx;
        v += lt * gy;
      } else if (rho > lt * gg) {
        u -= lt * gx;
        v -= lt * gy;
      } else if (gg > MIN_GRADIENT_SQUARED) {
        float k = rho / gg;
        u -= k * gx;
        v -= k * gy;
      }
      // divergence with backward differences, the negative adjoint of the forward-difference gradient
      float div1 = p11[i] + p12[i];
      float div2 = p21[i] + p22[i];
      if (x > 0) {
        div1 -= p11[i - 1];
        div2 -= p21[i - 1];
      }
      if (y > 0) {
        div1 -= p12[i - w];
        div2 -= p22[i - w];
      }
      flow[i] = u + theta * div1;
      flow[n + i] = v + theta * div2;
    }
  }

  /** p = (p + tau/theta grad u) / (1 + tau/theta |grad u|) (Chambolle 2004), per flow component. */
  private void dualRow(int y) {
    for (int x = 0, i = y * w; x < w; x++, i++) {
      float ux = 0;
      float uy = 0;
      float vx = 0;
      float vy = 0;
      if (x < w - 1) {
        ux = flow[i + 1] - flow[i];
        vx = flow[n + i + 1] - flow[n + i];
      }
      if (y < h - 1) {
        uy = flow[i + w] - flow[i];
        vy = flow[n + i + w] - flow[n + i];
      }
      float du = 1 + tauOverTheta * (float) Math.sqrt(ux * ux + uy * uy);
      float dv = 1 + tauOverTheta * (float) Math.sqrt(vx * vx + vy * vy);
      p11[i] = (p11[i] + tauOverTheta * ux) / du;
      p12[i] = (p12[i] + tauOverTheta * uy) / du;
      p21[i] = (p21[i] + tauOverTheta * vx) / dv;
      p22[i] = (p22[i] + tauOverTheta * vy) / dv;
    }
  }
}
