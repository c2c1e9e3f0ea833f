package dev.worldfx.nodes.synthesis;

/**
 * Seamless cloning (Pérez, Gangnet and Blake, "Poisson Image Editing", SIGGRAPH 2003, eq. 7 with
 * v = ∇g): inside the region Ω the result f has the source's gradients, on Ω's border it meets the
 * frame. Per channel and for every p in Ω, with N_p the 4-neighbours of p inside the image:
 *
 * <pre>
 *   |N_p| f_p − Σ_{q ∈ N_p ∩ Ω} f_q = Σ_{q ∈ N_p \ Ω} frame_q + Σ_{q ∈ N_p} (source_p − source_q)
 * </pre>
 *
 * The matrix is the Dirichlet Laplacian on Ω, symmetric positive definite as long as Ω is not
 * the whole image, and is solved with conjugate gradients in double precision until
 * ‖b − Af‖₂ ≤ tolerance · ‖b‖₂ (or n iterations, n = |Ω|, the exact-arithmetic bound; the reached
 * residual is reported). Pixels outside Ω are copied, so they are bit-exact.
 *
 * <p>The source must carry its own content around Ω (a warped neighbour frame, a synthesised
 * layer): its gradients across Ω's border are what make the seam disappear. A source equal to
 * the frame outside Ω reproduces the hard paste exactly.
 */
public final class PoissonBlender {

  /** Relative residual at which the solve stops by default. */
  public static final double DEFAULT_TOLERANCE = 1e-6;

  /**
   * @param iterations the most conjugate-gradient iterations any channel needed
   * @param relativeResidual the largest final ‖b − Af‖₂ / ‖b‖₂ over the channels
   */
  public record Result(ImagePlanes image, int iterations, double relativeResidual) {
  }

  private final double tolerance;

  public PoissonBlender(double tolerance) {
    if (!(tolerance > 0 && tolerance < 1)) {
      throw new IllegalArgumentException("tolerance must lie in (0, 1), got " + tolerance);
    }
    this.tolerance = tolerance;
  }

  public Result blend(ImagePlanes frame, ImagePlanes source, HoleMask region) {
    return solve(frame, source, region, false);
  }

  /**
   * As {@link #blend}, but the source's gradients guide only between two pixels of Ω; across
   * Ω's border the guidance is 0. The result meets the frame continuously on the border and keeps
   * the source's detail inside: a fill that is offset from the frame (another exposure, another
   * frame's light) is bent back to it by a smooth membrane, whatever the source holds outside Ω.
   */
  public Result blendInterior(ImagePlanes frame, ImagePlanes source, HoleMask region) {
    return solve(frame, source, region, true);
  }

  private Result solve(ImagePlanes frame, ImagePlanes source, HoleMask region, boolean interiorOnly) {
    source.requireSameSize(frame, "source");
    region.requireFits(frame);
    int h = frame.height(), w = frame.width(), plane = frame.plane();
    int[] unknown = new int[plane]; // pixel -> unknown index, or -1 outside Ω
    int n = 0;
    for (int i = 0; i < plane; i++) {
      unknown[i] = region.fill()[i] ? n++ : -1;
    }
    ImagePlanes out = frame.copy();
    if (n == 0) {
      return new Result(out, 0, 0);
    }
    if (n == plane) {
      throw new IllegalArgumentException("the blend region covers the whole " + w + "x" + h
          + " image: there is no frame border to blend towards");
    }
    int[] pixel = new int[n]; // unknown index -> pixel
    int[] neighbours = new int[n * 4]; // in-image 4-neighbours' pixel indices, -1 where off the image
    for (int i = 0; i < plane; i++) {
      if (unknown[i] >= 0) {
        int u = unknown[i], x = i % w, y = i / w;
        pixel[u] = i;
        neighbours[4 * u] = x > 0 ? i - 1 : -1;
        neighbours[4 * u + 1] = x < w - 1 ? i + 1 : -1;
        neighbours[4 * u + 2] = y > 0 ? i - w : -1;
        neighbours[4 * u + 3] = y < h - 1 ? i + w : -1;
      }
    }
    int worstIterations = 0;
    double worstResidual = 0;
    Laplacian a = new Laplacian(unknown, neighbours);
    for (int ch = 0; ch < frame.channels(); ch++) {
      int base = ch * plane;
      double[] b = new double[n];
      double[] f = new double[n];
      for (int u = 0; u < n; u++) {
        int p = pixel[u];
        double rhs = 0;
        for (int k = 0; k < 4; k++) {
          int q = neighbours[4 * u + k];
          if (q < 0) {
            continue;
          }
          if (unknown[q] >= 0 || !interiorOnly) {
            rhs += (double) source.data()[base + p] - source.data()[base + q];
          }
          if (unknown[q] < 0) {
            rhs += frame.data()[base + q];
          }
        }
        b[u] = rhs;
        f[u] = source.data()[base + p]; // the hard paste is the starting guess
      }
      Solve s = conjugateGradients(a, b, f);
      worstIterations = Math.max(worstIterations, s.iterations);
      worstResidual = Math.max(worstResidual, s.relativeResidual);
      for (int u = 0; u < n; u++) {
        out.data()[base + pixel[u]] = (float) f[u];
      }
    }
    return new Result(out, worstIterations, worstResidual);
  }

  private record Solve(int iterations, double relativeResidual) {
  }

  private Solve conjugateGradients(Laplacian a, double[] b, double[] f) {
    int n = b.length;
    double[] r = new double[n];
    double[] p = new double[n];
    double[] ap = new double[n];
    a.apply(f, ap);
    double bb = 0, rr = 0;
    for (int i = 0; i < n; i++) {
      r[i] = b[i] - ap[i];
      p[i] = r[i];
      bb += b[i] * b[i];
      rr += r[i] * r[i];
    }
    double stop = tolerance * tolerance * Math.max(bb, Double.MIN_NORMAL);
    int it = 0;
    while (rr > stop && it < n) {
      a.apply(p, ap);
      double pap = 0;
      for (int i = 0; i < n; i++) {
        pap += p[i] * ap[i];
      }
      double step = rr / pap;
      double rrNext = 0;
      for (int i = 0; i < n; i++) {
        f[i] += step * p[i];
        r[i] -= step * ap[i];
        rrNext += r[i] * r[i];
      }
      double beta = rrNext / rr;
      for (int i = 0; i < n; i++) {
        p[i] = r[i] + beta * p[i];
      }
      rr = rrNext;
      it++;
    }
    return new Solve(it, Math.sqrt(rr / Math.max(bb, Double.MIN_NORMAL)));
  }

  /** y = A x for the Dirichlet Laplacian on Ω (unknowns only; the border sits in b). */
  private record Laplacian(int[] unknown, int[] neighbours) {
    void apply(double[] x, double[] y) {
      for (int u = 0; u < x.length; u++) {
        double v = 0;
        for (int k = 0; k < 4; k++) {
          int q = neighbours[4 * u + k];
          if (q < 0) {
            continue;
          }
          v += x[u];
          int uq = unknown[q];
          if (uq >= 0) {
            v -= x[uq];
          }
        }
        y[u] = v;
      }
    }
  }
}
