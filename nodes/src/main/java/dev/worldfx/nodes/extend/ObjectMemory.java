package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Object permanence: moving objects are tracked through the whole shot (not only the last few
 * frames), so an object that went behind something before the shot ends is remembered and comes
 * out again on its path in the extension.
 *
 * <p>How: every frame's moving pieces (the flow-residual object mask) are put in the last
 * frame's coordinates through the camera chain and linked into tracks by nearest predicted
 * position. A track whose object was last seen whole at most {@link #GAP} frames before the end and
 * which is missing or cut down in the last frame, while the last frame at its predicted place does
 * not show it, is taken to be behind an occluder. Its sprite is the last whole view of it, its
 * motion a parabola through its whole views. The occluder is estimated in the last frame as the
 * colour-coherent region around the pixels where the object should be but something else is seen
 * (region growing, a heuristic: a textured occluder is found only in part, and the object then
 * shows in front of the rest of it).
 */
final class ObjectMemory {
  /** Frames an object may have been hidden before the shot ends and still be remembered. */
  static final int GAP = 16;
  /** A view of an object is whole when it has at least this share of the pixels of its median view. */
  static final double WHOLE = 0.85;
  /** Whole views this many frames before the object starts to be cut down are not used for its motion (its edge already touches the occluder). */
  static final int APPROACH = 2;
  /** Pixels around a hidden object's place in the last frame that belong to it. */
  static final int CLAIM = 4;
  /** Mean absolute RGB difference up to which a pixel belongs to the occluder's colour. */
  static final float OCCLUDER_COLOUR = 0.12f;

  private record Piece(int k, double x, double y, int[] pixels) {}

  private static final class Track {
    final List<Piece> views = new ArrayList<>();
    final List<double[]> at = new ArrayList<>(); // centroid in last-frame coordinates, per view
    int largest;

    Piece last() {
      return views.getLast();
    }
  }

  /** An object hidden at the end of the shot: sprite (offsets from its centre and colours) and motion at the last frame. */
  record Hidden(float[] dx, float[] dy, float[] rgb, double x, double y, double vx, double vy, double ax, double ay) {
    double[] centre(double t) {
      return new double[] {x + vx * t + ax * t * t / 2, y + vy * t + ay * t * t / 2};
    }
  }

  /**
   * The hidden objects; the occluder (last-frame pixels, null when none); the last frame's pixels
   * around where they are ({@code claimed}: no other object is made of these), and of those the
   * ones where part of a hidden object is still seen ({@code visible}).
   */
  record Result(List<Hidden> hidden, boolean[] occluder, boolean[] claimed, boolean[] visible) {
    static Result none(int plane) {
      return new Result(List.of(), null, new boolean[plane], new boolean[plane]);
    }
  }

  private final int w, h;
  private final List<List<Piece>> frames = new ArrayList<>();

  ObjectMemory(int w, int h) {
    this.w = w;
    this.h = h;
  }

  /** The moving pieces of frame k (its object mask, before growing); frames come in order from 1. */
  void observe(int k, boolean[] core) {
    while (frames.size() <= k) {
      frames.add(new ArrayList<>());
    }
    for (int[] grown : ShotExtender.components(ShotExtender.grow(core, w, h, 1), w, h)) {
      int[] piece = Arrays.stream(grown).filter(p -> core[p]).toArray();
      if (piece.length < ShotExtender.MIN_PIECE) {
        continue;
      }
      double sx = 0, sy = 0;
      for (int p : piece) {
        sx += p % w;
        sy += p / w;
      }
      frames.get(k).add(new Piece(k, sx / piece.length, sy / piece.length, piece));
    }
  }

  /**
   * The objects hidden at the last frame. {@code toPrev[k]} maps frame k to frame k-1;
   * {@code lastCore} is the last frame's object mask.
   */
  Result resolve(ClipFrames clip, Affine[] toPrev, ImagePlanes last, boolean[] lastCore, Background background) {
    int n = clip.count(), plane = w * h, lastK = n - 1;
    if (frames.size() < n) {
      return Result.none(plane);
    }
    // frame k -> last frame, for every k
    Affine[] toLast = new Affine[n];
    Affine lastToK = Affine.IDENTITY;
    for (int k = lastK; k >= 0; k--) {
      toLast[k] = lastToK.inverse();
      if (k > 0) {
        lastToK = toPrev[k].after(lastToK);
      }
    }
    List<Track> tracks = link(toLast, n);
    List<Hidden> hidden = new ArrayList<>();
    boolean[] claimed = new boolean[plane], visible = new boolean[plane];
    boolean[] evidence = new boolean[plane];
    for (Track tr : tracks) {
      Hidden hd = hidden(tr, clip, toLast, last, lastCore, background, evidence);
      if (hd == null) {
        continue;
      }
      hidden.add(hd);
      if (tr.last().k() == lastK) {
        for (int p : tr.last().pixels()) {
          visible[p] = true; // its visible part in the last frame: drawn from the sprite, not moved on its own
        }
      }
      // around its place in the last frame: what moves there (the background it just uncovered,
      // what is left of it) belongs to it
      boolean[] at = new boolean[plane];
      for (int i = 0; i < hd.dx().length; i++) {
        int x = (int) Math.round(hd.x() + hd.dx()[i]), y = (int) Math.round(hd.y() + hd.dy()[i]);
        if (x >= 0 && y >= 0 && x < w && y < h) {
          at[y * w + x] = true;
        }
      }
      at = ShotExtender.grow(at, w, h, CLAIM);
      for (int p = 0; p < plane; p++) {
        claimed[p] |= at[p] || visible[p];
      }
    }
    if (hidden.isEmpty()) {
      return Result.none(plane);
    }
    return new Result(List.copyOf(hidden), occluder(evidence, last, lastCore), claimed, visible);
  }

  /** Pieces linked frame to frame by nearest predicted position (constant velocity), gaps up to {@link #GAP}. */
  private List<Track> link(Affine[] toLast, int n) {
    List<Track> all = new ArrayList<>();
    for (int k = 1; k < n; k++) {
      List<Piece> pieces = frames.get(k);
      boolean[] used = new boolean[pieces.size()];
      List<Track> open = new ArrayList<>();
      for (Track t : all) {
        if (k - t.last().k() <= GAP) {
          open.add(t);
        }
      }
      // greedy: the closest (track, piece) pairs first
      while (true) {
        double best = Double.POSITIVE_INFINITY;
        Track bt = null;
        int bp = -1;
        for (Track t : open) {
          double[] guess = predicted(t, k);
          double gate = 4 + 0.75 * Math.sqrt(t.views.get(t.largest).pixels().length);
          for (int i = 0; i < pieces.size(); i++) {
            if (used[i]) {
              continue;
            }
            double[] c = inLast(pieces.get(i), toLast);
            double d = Math.hypot(c[0] - guess[0], c[1] - guess[1]);
            if (d < gate && d < best) {
              best = d;
              bt = t;
              bp = i;
            }
          }
        }
        if (bt == null) {
          break;
        }
        used[bp] = true;
        open.remove(bt);
        add(bt, pieces.get(bp), toLast);
      }
      for (int i = 0; i < pieces.size(); i++) {
        if (!used[i]) {
          Track t = new Track();
          add(t, pieces.get(i), toLast);
          all.add(t);
        }
      }
    }
    return all;
  }

  private static void add(Track t, Piece p, Affine[] toLast) {
    t.views.add(p);
    t.at.add(inLast(p, toLast));
    if (p.pixels().length > t.views.get(t.largest).pixels().length) {
      t.largest = t.views.size() - 1;
    }
  }

  private static double[] inLast(Piece p, Affine[] toLast) {
    Affine a = toLast[p.k()];
    return new double[] {a.x(p.x(), p.y()), a.y(p.x(), p.y())};
  }

  /** Where the track's object is expected in frame k (last-frame coordinates), from its last two views. */
  private static double[] predicted(Track t, int k) {
    int m = t.views.size();
    double[] a = t.at.get(m - 1);
    if (m < 2) {
      return a;
    }
    double[] b = t.at.get(m - 2);
    int dt = t.views.get(m - 1).k() - t.views.get(m - 2).k();
    double s = (double) (k - t.views.get(m - 1).k()) / Math.max(1, dt);
    return new double[] {a[0] + s * (a[0] - b[0]), a[1] + s * (a[1] - b[1])};
  }

  /** The shot's background (the scene without its moving objects) at a last-frame position, or false where unknown. */
  interface Background {
    boolean sample(double x, double y, float[] rgb);
  }

  /** The track as a hidden object at the last frame, or null when it is not one. */
  private Hidden hidden(Track tr, ClipFrames clip, Affine[] toLast, ImagePlanes last, boolean[] lastCore,
                        Background background, boolean[] evidence) {
    int lastK = toLast.length - 1;
    int[] areas = tr.views.stream().mapToInt(v -> v.pixels().length).sorted().toArray();
    double full = WHOLE * areas[areas.length / 2];
    List<Integer> whole = new ArrayList<>();
    for (int i = 0; i < tr.views.size(); i++) {
      if (tr.views.get(i).pixels().length >= full) {
        whole.add(i);
      }
    }
    if (whole.size() < 3) {
      return null;
    }
    Piece lastWhole = tr.views.get(whole.getLast());
    boolean cutDown = tr.last().k() == lastK && tr.last().pixels().length < full;
    boolean missing = tr.last().k() < lastK;
    if (!(cutDown || missing) || lastK - lastWhole.k() > GAP || lastWhole.k() == lastK) {
      return null;
    }
    // the sprite: its last whole view, less what the background shows there too (the piece's
    // mask also takes in background its flow dragged along)
    ImagePlanes img = clip.rgb(lastWhole.k());
    int[] px = lastWhole.pixels();
    int plane = w * h, m = 0;
    int[] spritePx = new int[px.length];
    float[] dx = new float[px.length], dy = new float[px.length], rgb = new float[3 * px.length];
    Affine a = toLast[lastWhole.k()];
    for (int p : px) {
      int x = p % w, y = p / w;
      if (ShotExtender.isBackground(img, p, background, a, w)) {
        continue;
      }
      spritePx[m] = p;
      dx[m] = (float) (x - lastWhole.x());
      dy[m] = (float) (y - lastWhole.y());
      for (int c = 0; c < 3; c++) {
        rgb[3 * m + c] = img.data()[c * plane + p];
      }
      m++;
    }
    if (m < ShotExtender.MIN_PIECE) {
      return null;
    }
    dx = Arrays.copyOf(dx, m);
    dy = Arrays.copyOf(dy, m);
    rgb = Arrays.copyOf(rgb, 3 * m);
    spritePx = Arrays.copyOf(spritePx, m);
    // motion: a parabola through the last whole views (last-frame coordinates, time relative to the last frame)
    List<double[]> samples = new ArrayList<>();
    for (int i = whole.size() - 1; i >= 0 && samples.size() < 8; i--) {
      int k = tr.views.get(whole.get(i)).k();
      if (k > lastWhole.k() - APPROACH && whole.size() - samples.size() > 3) {
        continue;
      }
      // the sprite matched into that frame (the piece's centroid moves with whatever background
      // its mask takes in; the sprite's match does not)
      double[] d = k == lastWhole.k() ? new double[2] : ShotExtender.match(img, clip.rgb(k), spritePx, 0, 0,
          tr.views.get(whole.get(i)).x() - lastWhole.x(), tr.views.get(whole.get(i)).y() - lastWhole.y(), w, h);
      double fx = lastWhole.x() + d[0], fy = lastWhole.y() + d[1];
      Affine ak = toLast[k];
      samples.add(new double[] {k - lastK, ak.x(fx, fy), ak.y(fx, fy)});
    }
    double[] mx = fit(samples, 1, false), my = fit(samples, 2, false);
    double[] qx = fit(samples, 1, true), qy = fit(samples, 2, true);
    // acceleration only when a parabola explains the path clearly better than a line
    double linear = rms(samples, mx, my), quadratic = rms(samples, qx, qy);
    if (linear > 0.75 && quadratic < 0.6 * linear && Math.hypot(qx[2], qy[2]) <= ShotExtender.MAX_ACCELERATION) {
      mx = qx;
      my = qy;
    }
    double ax = mx[2], ay = my[2];
    if (Math.hypot(mx[1], my[1]) < ShotExtender.MIN_OWN_MOTION) {
      return null; // an object that stopped is background now, not hidden
    }
    Hidden hd = new Hidden(dx, dy, rgb, mx[0], my[0], mx[1], my[1], ax, ay);
    // is it really hidden? where it should be, the last frame must mostly show something else
    int inFrame = 0, other = 0;
    boolean[] here = new boolean[plane];
    float[] s = new float[3];
    for (int i = 0; i < m; i++) {
      int x = (int) Math.round(hd.x() + dx[i]), y = (int) Math.round(hd.y() + dy[i]);
      if (x < 0 || y < 0 || x >= w || y >= h) {
        continue;
      }
      inFrame++;
      int p = y * w + x;
      ShotExtender.bilinear(last.data(), w, h, x, y, s, 0, 1);
      float d = 0;
      for (int c = 0; c < 3; c++) {
        d += Math.abs(s[c] - rgb[3 * i + c]) / 3;
      }
      if (d > ShotExtender.CHANGE && !lastCore[p]) {
        here[p] = true;
        other++;
      }
    }
    if (inFrame < m / 2 || other < 0.3 * inFrame) {
      return null; // out of the frame (it left, it is not hidden), or the last frame shows it
    }
    for (int p = 0; p < plane; p++) {
      evidence[p] |= here[p];
    }
    return hd;
  }

  /** Root mean square distance (pixels) of the samples from the path {x, y}(τ). */
  private static double rms(List<double[]> samples, double[] mx, double[] my) {
    double e = 0;
    for (double[] sm : samples) {
      double t = sm[0];
      double ex = mx[0] + mx[1] * t + mx[2] * t * t / 2 - sm[1], ey = my[0] + my[1] * t + my[2] * t * t / 2 - sm[2];
      e += ex * ex + ey * ey;
    }
    return Math.sqrt(e / samples.size());
  }

  /** Least squares of c + v·τ + a·τ²/2 (or c + v·τ) through (τ, value) samples; returns {c, v, a}. */
  private static double[] fit(List<double[]> samples, int axis, boolean quadratic) {
    int terms = quadratic && samples.size() >= 4 ? 3 : 2;
    double[][] ata = new double[3][3];
    double[] atb = new double[3];
    for (double[] sm : samples) {
      double t = sm[0];
      double[] r = {1, t, terms == 3 ? t * t / 2 : 0};
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          ata[a][b] += r[a] * r[b];
        }
        atb[a] += r[a] * sm[axis];
      }
    }
    if (terms == 2) {
      ata[2][2] = 1; // a = 0
    }
    double[] x = Affine.solve3(ata, atb);
    return x == null ? new double[] {samples.getFirst()[axis], 0, 0} : x;
  }

  /**
   * The occluder in the last frame: grown from the evidence pixels over neighbours of the
   * evidence's mean colour (within {@link #OCCLUDER_COLOUR}), never over moving pixels, at most a
   * quarter of the frame.
   */
  private boolean[] occluder(boolean[] evidence, ImagePlanes last, boolean[] lastCore) {
    int plane = w * h;
    float[] mean = new float[3];
    int count = 0;
    for (int p = 0; p < plane; p++) {
      if (evidence[p]) {
        for (int c = 0; c < 3; c++) {
          mean[c] += last.data()[c * plane + p];
        }
        count++;
      }
    }
    boolean[] occ = new boolean[plane];
    if (count == 0) {
      return null;
    }
    for (int c = 0; c < 3; c++) {
      mean[c] /= count;
    }
    int[] queue = new int[plane];
    int head = 0, tail = 0, size = 0;
    for (int p = 0; p < plane; p++) {
      if (evidence[p]) {
        occ[p] = true;
        queue[tail++] = p;
        size++;
      }
    }
    while (head < tail && size < plane / 4) {
      int p = queue[head++];
      int x = p % w, y = p / w;
      int[][] near = {{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}};
      for (int[] q : near) {
        if (q[0] < 0 || q[1] < 0 || q[0] >= w || q[1] >= h) {
          continue;
        }
        int r = q[1] * w + q[0];
        if (occ[r] || lastCore[r]) {
          continue;
        }
        float d = 0;
        for (int c = 0; c < 3; c++) {
          d += Math.abs(last.data()[c * plane + r] - mean[c]) / 3;
        }
        if (d <= OCCLUDER_COLOUR) {
          occ[r] = true;
          queue[tail++] = r;
          size++;
        }
      }
    }
    return occ;
  }
}
