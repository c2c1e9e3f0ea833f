package dev.worldfx.nodes.flow;

import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * Fills the flow inside a hole with the smoothest field that agrees with the flow around it: each component solves
 * Laplace's equation (a membrane) on the hole with the known flow as Dirichlet boundary and reflecting image borders.
 * The solver is a cascadic multigrid (Bornemann, Deuflhard, "The cascadic multigrid method for elliptic problems",
 * 1996): solve on a 2x coarser grid first, prolong as the start, then red-black SOR sweeps. A constant boundary
 * flow (a pan) comes back exactly, a linear one (a zoom) too for holes away from the image border, up to the sweep
 * tolerance. Used because the object's own motion inside its matte must not be propagated as background motion.
 */
public final class FlowCompletion {
  /** Red-black sweeps per level; the coarse start leaves only errors of a few pixels' wavelength. */
  private static final int SWEEPS_PER_LEVEL = 40;
  /** Sweeps on the coarsest grid (at most {@link #COARSEST_SIDE} pixels a side), enough to converge there. */
  private static final int COARSEST_SWEEPS = 400;
  private static final int COARSEST_SIDE = 16;
  /** Over-relaxation, near optimal for the grid sizes the coarse start leaves to each level. */
  private static final float OMEGA = 1.8f;

  private FlowCompletion() {}

  /**
   * flow [1,2,H,W], hole [1,1,H,W] (any value above 0 = to fill) -> a new flow [1,2,H,W] equal to {@code flow}
   * outside the hole, bit for bit.
   */
  public static Tensor completeFlow(Arena arena, Tensor flow, Tensor hole) {
    int[] s = flow.shape();
    if (s.length != 4 || s[0] != 1 || s[1] != 2) {
      throw new IllegalArgumentException("flow must be [1,2,H,W], got " + Arrays.toString(s));
    }
    int h = s[2];
    int w = s[3];
    if (!Arrays.equals(hole.shape(), new int[] {1, 1, h, w})) {
      throw new IllegalArgumentException("hole must be [1,1," + h + "," + w + "], got " + Arrays.toString(hole.shape()));
    }
    float[] f = flow.toArray();
    float[] m = hole.toArray();
    boolean[] known = new boolean[h * w];
    boolean any = false;
    for (int i = 0; i < known.length; i++) {
      known[i] = m[i] <= 0; // NaN counts as hole
      any |= known[i];
    }
    if (!any) {
      throw new IllegalArgumentException("the hole covers the whole frame: there is no flow to complete it from");
    }
    int n = h * w;
    float[] u = Arrays.copyOfRange(f, 0, n);
    float[] v = Arrays.copyOfRange(f, n, 2 * n);
    solve(u, v, known, h, w);
    System.arraycopy(u, 0, f, 0, n);
    System.arraycopy(v, 0, f, n, n);
    return Tensor.of(arena, f, 1, 2, h, w);
  }

  /** Overwrites u, v at unknown pixels; at least one pixel is known. */
  private static void solve(float[] u, float[] v, boolean[] known, int h, int w) {
    boolean coarsest = Math.max(h, w) <= COARSEST_SIDE;
    if (coarsest) {
      float[] mean = knownMean(u, v, known);
      for (int i = 0; i < known.length; i++) {
        if (!known[i]) {
          u[i] = mean[0];
          v[i] = mean[1];
        }
      }
    } else {
      // restriction: a coarse pixel is known if any of its 2x2 fine pixels is, with their mean
      int ch = (h + 1) / 2;
      int cw = (w + 1) / 2;
      float[] cu = new float[ch * cw];
      float[] cv = new float[ch * cw];
      boolean[] cKnown = new boolean[ch * cw];
      for (int cy = 0; cy < ch; cy++) {
        for (int cx = 0; cx < cw; cx++) {
          float su = 0;
          float sv = 0;
          int count = 0;
          for (int y = 2 * cy; y < Math.min(h, 2 * cy + 2); y++) {
            for (int x = 2 * cx; x < Math.min(w, 2 * cx + 2); x++) {
              int i = y * w + x;
              if (known[i]) {
                su += u[i];
                sv += v[i];
                count++;
              }
            }
          }
          int c = cy * cw + cx;
          cKnown[c] = count > 0;
          cu[c] = count > 0 ? su / count : 0f;
          cv[c] = count > 0 ? sv / count : 0f;
        }
      }
      solve(cu, cv, cKnown, ch, cw);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int i = y * w + x;
          if (!known[i]) {
            u[i] = cu[(y / 2) * cw + x / 2];
            v[i] = cv[(y / 2) * cw + x / 2];
          }
        }
      }
    }
    int[][] unknown = unknownByParity(known, h, w);
    int sweeps = coarsest ? COARSEST_SWEEPS : SWEEPS_PER_LEVEL;
    for (int sweep = 0; sweep < sweeps; sweep++) {
      relax(u, v, unknown[0], h, w);
      relax(u, v, unknown[1], h, w);
    }
  }

  /** Indices of the unknown pixels with (x + y) even, then odd: the two colours of red-black ordering. */
  private static int[][] unknownByParity(boolean[] known, int h, int w) {
    int[] counts = new int[2];
    for (int i = 0; i < known.length; i++) {
      if (!known[i]) {
        counts[(i / w + i % w) & 1]++;
      }
    }
    int[][] out = {new int[counts[0]], new int[counts[1]]};
    int[] at = new int[2];
    for (int i = 0; i < known.length; i++) {
      if (!known[i]) {
        int c = (i / w + i % w) & 1;
        out[c][at[c]++] = i;
      }
    }
    return out;
  }

  /**
   * One SOR half-sweep over unknown pixels of one colour (their neighbours are all of the other colour or known, so
   * the order within the list does not matter); Neumann at the image borders.
   */
  private static void relax(float[] u, float[] v, int[] pixels, int h, int w) {
    for (int i : pixels) {
      int x = i % w;
      int y = i / w;
      float su = 0;
      float sv = 0;
      int count = 0;
      if (x > 0) {
        su += u[i - 1];
        sv += v[i - 1];
        count++;
      }
      if (x < w - 1) {
        su += u[i + 1];
        sv += v[i + 1];
        count++;
      }
      if (y > 0) {
        su += u[i - w];
        sv += v[i - w];
        count++;
      }
      if (y < h - 1) {
        su += u[i + w];
        sv += v[i + w];
        count++;
      }
      if (count > 0) {
        u[i] += OMEGA * (su / count - u[i]);
        v[i] += OMEGA * (sv / count - v[i]);
      }
    }
  }

  private static float[] knownMean(float[] u, float[] v, boolean[] known) {
    double su = 0;
    double sv = 0;
    int count = 0;
    for (int i = 0; i < known.length; i++) {
      if (known[i]) {
        su += u[i];
        sv += v[i];
        count++;
      }
    }
    return new float[] {(float) (su / count), (float) (sv / count)};
  }
}
