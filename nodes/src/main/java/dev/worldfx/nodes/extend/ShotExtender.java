package dev.worldfx.nodes.extend;

import dev.worldfx.inference.Backends;
import dev.worldfx.inference.Tensor;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.flow.FlowParams;
import dev.worldfx.nodes.flow.TvL1Flow;
import dev.worldfx.nodes.synthesis.DistanceTransform;
import dev.worldfx.nodes.synthesis.HoleMask;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import dev.worldfx.nodes.synthesis.NoSourcePatchException;
import dev.worldfx.nodes.synthesis.PatchMatchInpainter;
import dev.worldfx.nodes.synthesis.PoissonBlender;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleConsumer;

/**
 * Predicts the frames after the end of a clip from a model of the shot fitted to the clip
 * itself (the learned part, the appearance network, is {@link AppearanceModel}):
 *
 * <ul>
 *   <li><b>Camera.</b> TV-L1 flow between every pair of neighbouring frames; an affine camera
 *       motion fitted to each flow with Huber weights, the moving objects being the outliers.
 *       The camera keeps the mean motion of its last three steps (momentum); it carries the
 *       background memory.
 *   <li><b>Background motion.</b> Each background pixel of the last frame moves on at its own
 *       velocity, fitted over several baselines ({@link #backgroundVelocity}); the back-test may
 *       damp it (and the camera step) when the camera's move eases out ({@link Model#damp}).
 *   <li><b>Memory.</b> A background canvas in the last frame's coordinates, 50% larger than the
 *       frame on every side, filled from the most recent frame in which each point was visible
 *       and not covered by a moving object. What went behind an object, or out of the frame,
 *       comes back from here when the camera or the object uncovers it.
 *   <li><b>Objects.</b> Pixels whose motion the camera does not explain are an object layer:
 *       each keeps its velocity and its acceleration (from the last two flows, capped), so an
 *       object keeps its momentum and a thrown ball keeps falling. The layer is splatted over the
 *       background at its predicted positions.
 *   <li><b>Never seen.</b> What neither the canvas nor the objects cover: uncovered background
 *       that no frame showed is synthesised by PatchMatch (anchored to the previous prediction);
 *       new content entering at the frame's edge is continued smoothly from the edge.
 *   <li><b>Colour.</b> Every predicted pixel is a real pixel of the shot moved by the model, or
 *       (never seen) copied by PatchMatch from the predicted frame's own real pixels: nothing is
 *       generated that could drift in colour. The back-test measures what drift there is.
 * </ul>
 *
 * Deterministic: same frames, settings and seed give the same bits.
 */
public final class ShotExtender {
  /** Flow residual (pixels) above which a pixel moves on its own, not with the camera. */
  static final double OBJECT_RESIDUAL = 1.0;
  /** The most acceleration (pixels per frame²) an object keeps; beyond is flow noise. */
  static final double MAX_ACCELERATION = 1.5;
  static final int CAMERA_STEPS = 3;
  /** Frames before the last one an object is tracked through to fit its velocity and acceleration. */
  static final int TRACK_FRAMES = 8;
  /** Pixels per frame an object must move relative to the background around it to be one. */
  static final double MIN_OWN_MOTION = 1.0;
  /** Pixels an object piece needs at least (smaller ones are flow noise). */
  static final int MIN_PIECE = 9;
  /** Pixels from a piece's edge in which what matches the background memory is taken for background. */
  static final int HALO = 3;

  public record Settings(boolean finalQuality, long seed) {
  }

  /** What training the appearance network did: loss per step, held-out PSNR gain (dB), whether it is used. */
  /**
   * What training the appearance network did: loss per step (random crops, noisy), the loss on
   * fixed monitoring crops every {@code monitorEvery} steps (first before any step, last after
   * the last), held-out PSNR gain (dB), whether it is used.
   */
  public record AppearanceTraining(float[] losses, float[] monitorLosses, int monitorEvery, double validationGainDb,
                                   boolean used) {
  }

  /** Training pairs for the appearance network: the last few frames of the shot. */
  static final int APPEARANCE_PAIRS = 6;

  private final Settings settings;
  private final Runnable abortPoll;
  private final DoubleConsumer progress;
  private final dev.worldfx.nodes.jobs.LossSink losses;
  private PairMemo pairMemo;

  public ShotExtender(Settings settings, Runnable abortPoll, DoubleConsumer progress) {
    this(settings, abortPoll, progress, dev.worldfx.nodes.jobs.LossSink.NONE);
  }

  /** With the appearance network's loss reported step by step to {@code losses} (the job board). */
  public ShotExtender(Settings settings, Runnable abortPoll, DoubleConsumer progress,
                      dev.worldfx.nodes.jobs.LossSink losses) {
    this.settings = settings;
    this.abortPoll = abortPoll;
    this.progress = progress;
    this.losses = losses;
  }

  /**
   * Lets fits share what they measured between neighbouring frames: a back-test's fit and the fit
   * after it see the same first frames, and each pair's camera step and object mask then come from
   * the memo instead of a new flow (the results are the same bits: a pair is reused only for the
   * same two frames, compared by content, and the same flow settings). Returns this extender.
   */
  public ShotExtender sharing(PairMemo memo) {
    this.pairMemo = memo;
    return this;
  }

  /** The fitted model of a clip: enough to predict any number of frames after it. */
  public static final class Model {
    final int w, h, margin;
    final Affine step; // maps a pixel of frame t to frame t-1 (the camera, backwards in time)
    final float[] canvas; // [3, H+2m, W+2m] in last-frame coordinates shifted by the margin
    final boolean[] seen;
    final float[] objX, objY, objVx, objVy, objAx, objAy, objRgb;
    final ImagePlanes last;
    final boolean[] lastObjects;
    float[] bgFlow; // [2,H,W]: where each background pixel of the last frame was one frame before (now)
    final AppearanceModel appearance; // null when the shot is too short to train one
    final ObjectMemory.Result remembered; // objects hidden at the last frame, and their occluder
    /** Whether predictions go through the appearance network (set when a back-test showed it helps). */
    public boolean useAppearance;
    /** The background's speed is multiplied by this every frame (1 = constant velocity); see {@link #damp}. */
    double damping = 1;
    /** The background velocity fitted again for another damping (null: settled, or a model read from a file). */
    java.util.function.DoubleFunction<float[]> velocityFor;

    Model(int w, int h, int margin, Affine step, float[] canvas, boolean[] seen, float[][] objects,
          ImagePlanes last, boolean[] lastObjects, float[] bgFlow, AppearanceModel appearance,
          ObjectMemory.Result remembered) {
      this.w = w;
      this.h = h;
      this.margin = margin;
      this.step = step;
      this.canvas = canvas;
      this.seen = seen;
      this.objX = objects[0];
      this.objY = objects[1];
      this.objVx = objects[2];
      this.objVy = objects[3];
      this.objAx = objects[4];
      this.objAy = objects[5];
      this.objRgb = objects[6];
      this.last = last;
      this.lastObjects = lastObjects;
      this.bgFlow = bgFlow;
      this.appearance = appearance;
      this.remembered = remembered;
    }

    /**
     * Damps the background's motion: its speed is multiplied by {@code gamma} (0 < gamma <= 1) every
     * frame, in the prediction and in the fit of the velocity now (a camera easing out of a move was
     * faster in the frames the velocity is measured over). The back-test chooses it
     * ({@link Backtest#damping}); 1 is constant velocity.
     */
    void damp(double gamma) {
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("damping must be in (0, 1], not " + gamma);
      }
      if (gamma == damping) {
        return;
      }
      if (velocityFor == null) {
        throw new IllegalStateException("this model's velocity cannot be fitted again (settled, or read from a file)");
      }
      bgFlow = velocityFor.apply(gamma);
      damping = gamma;
    }

    /**
     * Damps the background's motion by {@code gamma} ({@link #damp}) for good: what was kept to fit the
     * velocity again for another damping (the flows over every baseline, 24 bytes a pixel) is let go.
     */
    public void settle(double gamma) {
      damp(gamma);
      velocityFor = null;
    }

    /** The background's damping per frame (1 = none). */
    public double damping() {
      return damping;
    }

    /** Frames of the velocity now travelled after {@code t} frames: t, or 1 + ... with the speed damped. */
    double travelled(int t) {
      if (damping == 1) {
        return t;
      }
      double d = 0, g = 1;
      for (int s = 1; s <= t; s++) {
        g *= damping;
        d += g;
      }
      return d;
    }

    /** How many objects the model remembers behind an occluder at the last frame. */
    public int hiddenObjects() {
      return remembered.hidden().size();
    }

    /** The appearance network's training (losses per step, held-out gain), or null. */
    public AppearanceTraining appearanceTraining() {
      AppearanceTraining t = appearance == null ? null : appearance.training;
      return t == null ? null : new AppearanceTraining(t.losses().clone(), t.monitorLosses().clone(), t.monitorEvery(),
          t.validationGainDb(), t.used());
    }

    public int objectPixels() {
      return objX.length;
    }

    /** The camera's motion per frame (pixels, forward in time) at the frame centre. */
    public double[] cameraVelocity() {
      Affine fwd = step.inverse();
      double cx = w / 2.0, cy = h / 2.0;
      return new double[] {fwd.x(cx, cy) - cx, fwd.y(cx, cy) - cy};
    }
  }

  /** Fits the model to every frame of {@code clip} (at least two). */
  public Model fit(ClipFrames clip) {
    int n = clip.count(), w = clip.width(), h = clip.height(), plane = w * h;
    if (n < 2) {
      throw new NodeException("ExtendShot: a shot needs at least 2 frames to show its motion, this one has " + n);
    }
    FlowParams fp = settings.finalQuality() ? FlowParams.finalQuality() : FlowParams.draft();
    Affine[] toPrev = new Affine[n]; // toPrev[k]: frame k -> frame k-1
    boolean[][] objects = new boolean[n][];
    float[] lastFlow = null;
    boolean[] lastCore = null, lastConsistent = null, lastByDifference = null;
    java.util.ArrayDeque<ImagePlanes> pairInputs = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<ImagePlanes> pairTargets = new java.util.ArrayDeque<>();
    java.util.ArrayDeque<ImagePlanes> recent = new java.util.ArrayDeque<>(); // newest first, up to TRACK_FRAMES
    ObjectMemory memory = new ObjectMemory(w, h);
    ImagePlanes next = clip.rgb(0);
    for (int k = 1; k < n; k++) {
      abortPoll.run();
      ImagePlanes prev = next;
      recent.addFirst(prev);
      if (recent.size() > TRACK_FRAMES) {
        recent.removeLast();
      }
      next = clip.rgb(k);
      if (lastFlow != null && k >= n - APPEARANCE_PAIRS) {
        // a training pair for the appearance model (the last few): frame k-1 moved on along its own
        // flow, against frame k
        pairInputs.addLast(extrapolate(prev, lastFlow, w, h));
        pairTargets.addLast(next);
      }
      // the flow itself is needed for the last pair and the appearance pairs; the camera step and
      // object mask of an earlier pair may come from a fit of the same frames before (the back-test)
      boolean flowNeeded = k >= n - 1 - APPEARANCE_PAIRS;
      PairMemo.Pair known = flowNeeded || pairMemo == null ? null : pairMemo.get(k, prev, next, fp);
      float[] f = known != null ? null : flow(next, prev, fp); // frame k -> frame k-1
      toPrev[k] = known != null ? known.toPrev() : Affine.fitToFlow(f, h, w, null, 4, 1.0);
      boolean[] consistent = null;
      if (k == n - 1) {
        // the last frame's objects are what moves on: pixels just uncovered (no match in frame k-1,
        // the flow there is meaningless) are background, told apart by the forward-backward check
        consistent = consistency(f, flow(prev, next, fp), w, h);
      }
      boolean[] core = known != null ? known.core(plane)
          : objectMask(f, QuadraticMotion.fit(f, h, w, 4, 1.0), consistent, w, h);
      if (known == null && consistent == null && pairMemo != null) {
        pairMemo.put(k, prev, next, fp, toPrev[k], core);
      }
      if (k == n - 1 && k >= 2) {
        lastByDifference = movingByDifference(core, next, prev, recent.size() > 1 ? List.copyOf(recent).get(1) : null,
            toPrev[k], toPrev[k - 1], w, h);
      }
      memory.observe(k, core);
      objects[k] = grow(core, w, h, 2);
      if (k == n - 1) {
        lastCore = core;
        lastConsistent = consistent;
      }
      lastFlow = f;
      progress.accept(0.7 * k / (n - 1));
    }
    objects[0] = n > 1 ? objects[1] : new boolean[plane]; // the first frame's objects: as seen from frame 1
    ImagePlanes last = next;
    Affine step = Affine.mean(Arrays.asList(toPrev).subList(Math.max(1, n - CAMERA_STEPS), n));

    // background canvas, most recent visible observation first
    int margin = Math.max(w, h) / 2;
    int cw = w + 2 * margin, ch = h + 2 * margin, cplane = cw * ch;
    float[] canvas = new float[3 * cplane];
    boolean[] seen = new boolean[cplane];
    Affine toFrame = Affine.IDENTITY; // last-frame coordinates -> frame k
    int missing = cplane;
    for (int k = n - 1; k >= 0 && missing > 0; k--) {
      abortPoll.run();
      ImagePlanes img = k == n - 1 ? last : clip.rgb(k);
      for (int q = 0; q < cplane; q++) {
        if (seen[q]) {
          continue;
        }
        double qx = q % cw - margin, qy = q / cw - margin;
        double px = toFrame.x(qx, qy), py = toFrame.y(qx, qy);
        if (px < 0 || py < 0 || px > w - 1 || py > h - 1) {
          continue;
        }
        int near = (int) Math.round(py) * w + (int) Math.round(px);
        if (objects[k][near]) {
          continue;
        }
        bilinear(img.data(), w, h, px, py, canvas, q, cplane);
        seen[q] = true;
        missing--;
      }
      if (k > 0) {
        toFrame = toPrev[k].after(toFrame);
      }
      progress.accept(0.7 + 0.3 * (n - k) / n);
    }
    abortPoll.run();
    ObjectMemory.Background backgroundAt = (x, y, rgb) -> canvasSample(canvas, seen, w, h, margin, x + margin,
        y + margin, rgb, 0, 1);
    ObjectMemory.Result remembered = memory.resolve(clip, toPrev, last, lastCore, backgroundAt);
    boolean[] accepted = new boolean[plane];
    float[][] obj = objectLayer(last, List.copyOf(recent), lastCore, lastByDifference, lastFlow,
        QuadraticMotion.fit(lastFlow, h, w, 4, 1.0), remembered, backgroundAt, accepted, w, h);
    boolean[] lastObjects = grow(accepted, w, h, 2);
    // the background's own motion, pixel by pixel (parallax, perspective): a velocity fitted to the
    // flows from the last frame back over several baselines (see backgroundVelocity), with the
    // objects' motion, and where the reverse flow does not confirm it (occlusion: what just went
    // behind something has no match), replaced by a membrane from around them
    abortPoll.run();
    Baselines baselines = measureBaselines(last, List.copyOf(recent), w, h);
    boolean[] consistentAtLast = lastConsistent;
    java.util.function.DoubleFunction<float[]> velocityFor = gamma -> backgroundMotion(baselines, lastObjects,
        consistentAtLast, w, h, gamma);
    float[] bgFlow = velocityFor.apply(1);
    AppearanceModel appearance = null;
    if (pairInputs.size() >= 2) {
      abortPoll.run();
      appearance = AppearanceModel.train(List.copyOf(pairInputs), List.copyOf(pairTargets),
          settings.finalQuality() ? 300 : 100, settings.seed(), (s, loss) -> {
            losses.loss(s, loss);
            abortPoll.run();
          });
    }
    Model model = new Model(w, h, margin, step, canvas, seen, obj, last, lastObjects, bgFlow, appearance, remembered);
    model.velocityFor = velocityFor;
    return model;
  }

  /**
   * The background's velocity ({@link #velocity}) where the objects and the pixels the reverse flow
   * does not confirm (just covered: no match before) are replaced by a membrane from around them.
   */
  private static float[] backgroundMotion(Baselines b, boolean[] lastObjects, boolean[] lastConsistent, int w, int h,
                                          double gamma) {
    int plane = w * h;
    float[] motion = velocity(b, lastObjects, w, h, gamma);
    int moving = 0;
    float[] hole = new float[plane];
    for (int p = 0; p < plane; p++) {
      boolean replace = lastObjects[p] || lastConsistent != null && !lastConsistent[p];
      hole[p] = replace ? 1f : 0f;
      moving += replace ? 1 : 0;
    }
    if (moving == 0 || moving == plane) { // all moving (no background to complete from): the flow as it is
      return motion;
    }
    try (Arena arena = Arena.ofShared()) {
      return dev.worldfx.nodes.flow.FlowCompletion.completeFlow(arena, Tensor.of(arena, motion, 1, 2, h, w),
          Tensor.of(arena, hole, 1, 1, h, w)).toArray();
    }
  }

  /** Frames back from the last one over which the background's velocity is measured. */
  static final int[] VELOCITY_BASELINES = {1, 4, 8};
  /**
   * Mean absolute RGB difference above which a baseline's match is taken for an occlusion (for
   * pixels brighter than 1, HDR, this fraction of their level).
   */
  static final float BASELINE_MISMATCH = 0.1f;
  /**
   * Pixels per frame of baseline by which a longer baseline's displacement may differ from what the
   * shorter ones predict (their velocity times the baseline) before it is taken for a false match:
   * on a texture that repeats every P pixels, a match can be off by P, and with the shot moving
   * 1.5 px/frame over 14 px stripes the baselines 4 and 8 had matched -8 and -2 px for +6 and +12,
   * pulling the velocity fit to a near standstill.
   */
  static final double BASELINE_TOLERANCE = 0.4;

  /**
   * The background's velocity at every pixel of the last frame, as the displacement to where it was
   * one frame before (the convention of a flow from the last frame to the one before): the least
   * squares constant velocity through the flows from the last frame to the frames 1, 4 and 8
   * back (those the clip has). A flow's error does not grow with its baseline, so the velocity from
   * k frames is about k times less noisy than from one pair, and the extrapolation multiplies that
   * noise by the horizon. On the Debian kivy clip (OpenCV Farneback as a stand-in), constant
   * velocity from the last pair gave 23.5 dB at horizon 8, from baselines 1, 2, 4, 8 25.2 dB;
   * adding an acceleration term was worse at every horizon (the camera's speed changes do not
   * persist). With these flows (24 frames seen, draft): 24.94 dB at horizon 8 with baselines
   * 1, 2, 4, 8 and the same to 0.01 dB with 1, 4, 8, which cost one flow less. A baseline whose match does not look like the last frame there (the pixel was
   * covered, or out of view, that many frames back) is left out at that pixel.
   */
  float[] backgroundVelocity(ImagePlanes last, List<ImagePlanes> earlier, boolean[] objects, int w, int h) {
    return velocity(measureBaselines(last, earlier, w, h), objects, w, h, 1);
  }

  /**
   * The flows from the last frame back over {@link #VELOCITY_BASELINES} (those the clip has), and
   * where each one's match looks like the last frame.
   */
  record Baselines(int[] frames, float[][] flows, boolean[][] matches) {
  }

  Baselines measureBaselines(ImagePlanes last, List<ImagePlanes> earlier, int w, int h) {
    int plane = w * h;
    int count = 0;
    while (count < VELOCITY_BASELINES.length && VELOCITY_BASELINES[count] <= earlier.size()) {
      count++;
    }
    int[] frames = Arrays.copyOf(VELOCITY_BASELINES, count);
    float[][] flows = new float[count][];
    boolean[][] matches = new boolean[count][];
    float[] sample = new float[3];
    for (int i = 0; i < count; i++) {
      abortPoll.run();
      int k = frames[i];
      ImagePlanes back = earlier.get(k - 1);
      float[] d = flow(last, back, FlowParams.extrapolation());
      boolean[] match = new boolean[plane];
      for (int p = 0; p < plane; p++) {
        double x = p % w + d[p], y = p / w + d[plane + p];
        if (x < 0 || y < 0 || x > w - 1 || y > h - 1) {
          continue;
        }
        bilinear(back.data(), w, h, x, y, sample, 0, 1);
        float diff = 0, level = 0;
        for (int c = 0; c < 3; c++) {
          diff += Math.abs(last.data()[c * plane + p] - sample[c]) / 3;
          level += Math.abs(last.data()[c * plane + p]) / 3;
        }
        // the last pair always counts; a longer baseline only where its match looks like the last frame
        match[p] = k == 1 || diff <= BASELINE_MISMATCH * Math.max(1, level); // relative above 1 (HDR highlights)
      }
      flows[i] = d;
      matches[i] = match;
    }
    return new Baselines(frames, flows, matches);
  }

  /**
   * The least-squares velocity now through the baselines' displacements: with the speed damped by
   * {@code gamma} per frame, the content k frames back is c_k = 1 + 1/gamma + ... + 1/gamma^(k-1)
   * frames of the velocity now away (k for gamma = 1). A longer baseline's displacement far from
   * what the shorter ones predict is a false match (a periodic texture) and is left out.
   */
  static float[] velocity(Baselines b, boolean[] objects, int w, int h, double gamma) {
    int plane = w * h;
    double[] num = new double[2 * plane];
    double[] den = new double[plane];
    for (int i = 0; i < b.frames().length; i++) {
      int k = b.frames()[i];
      double c = k;
      if (gamma != 1) {
        c = 0;
        for (int s = 0; s < k; s++) {
          c += Math.pow(gamma, -s);
        }
      }
      float[] d = b.flows()[i];
      boolean[] match = b.matches()[i];
      for (int p = 0; p < plane; p++) {
        if (!match[p]) { // out of view that many frames back, or covered
          continue;
        }
        if (k > 1 && den[p] > 0) {
          // the shorter baselines say where the pixel should be k frames back; a match far from there
          // is another repeat of a periodic texture (stripes, windows, a fence): left out
          double ex = c * num[p] / den[p] - d[p], ey = c * num[plane + p] / den[p] - d[plane + p];
          double tolerance = BASELINE_TOLERANCE * k;
          if (ex * ex + ey * ey > tolerance * tolerance) {
            continue;
          }
        }
        num[p] += c * d[p];
        num[plane + p] += c * d[plane + p];
        den[p] += c * c;
      }
    }
    float[] pair = b.flows()[0];
    float[] v = new float[2 * plane];
    float[] weight = new float[plane];
    for (int p = 0; p < plane; p++) {
      boolean fitted = den[p] > 0;
      v[p] = fitted ? (float) (num[p] / den[p]) : pair[p];
      v[plane + p] = fitted ? (float) (num[plane + p] / den[p]) : pair[plane + p];
      weight[p] = objects[p] ? 0 : (float) Math.max(den[p], 0.5);
    }
    return normalizedBlur(v, weight, w, h, VELOCITY_SMOOTHING);
  }

  /**
   * Pixels (Gaussian sigma) over which the background velocity is averaged, weighted by how many
   * baselines measured it (objects not at all). A velocity error grows with the horizon, and
   * neighbouring pixels measured over different baselines drift apart: on the kivy clip extended
   * by 72 frames, without it the far frames were speckled with pixels from a few pixels away; with
   * it, clean, and +0.07 / +0.08 dB at horizons 8 / 16.
   */
  static final double VELOCITY_SMOOTHING = 2;

  /**
   * Normalized convolution: each channel of {@code v} ([c,H,W]) averaged with Gaussian weights times
   * {@code weight} (how much each pixel's value is to be trusted), so a pixel measured over fewer
   * baselines takes its value mostly from better-measured neighbours. Where no weight reaches a
   * pixel, its own value stays.
   */
  static float[] normalizedBlur(float[] v, float[] weight, int w, int h, double sigma) {
    int plane = w * h, channels = v.length / plane;
    int r = (int) Math.ceil(3 * sigma);
    float[] kernel = new float[2 * r + 1];
    for (int i = -r; i <= r; i++) {
      kernel[i + r] = (float) Math.exp(-i * i / (2 * sigma * sigma));
    }
    float[] den = blurSeparable(weight, w, h, kernel, r);
    float[] out = new float[v.length];
    float[] weighted = new float[plane];
    for (int c = 0; c < channels; c++) {
      for (int p = 0; p < plane; p++) {
        weighted[p] = v[c * plane + p] * weight[p];
      }
      float[] num = blurSeparable(weighted, w, h, kernel, r);
      for (int p = 0; p < plane; p++) {
        out[c * plane + p] = den[p] > 1e-6f ? num[p] / den[p] : v[c * plane + p];
      }
    }
    return out;
  }

  /** One plane convolved with {@code kernel} along x then y, the frame's edge pixels repeated. */
  private static float[] blurSeparable(float[] a, int w, int h, float[] kernel, int r) {
    float[] tmp = new float[a.length];
    float[] out = new float[a.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float s = 0;
        for (int i = -r; i <= r; i++) {
          s += kernel[i + r] * a[y * w + Math.clamp(x + i, 0, w - 1)];
        }
        tmp[y * w + x] = s;
      }
    }
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        float s = 0;
        for (int i = -r; i <= r; i++) {
          s += kernel[i + r] * tmp[Math.clamp(y + i, 0, h - 1) * w + x];
        }
        out[y * w + x] = s;
      }
    }
    return out;
  }

  /** The frame moved on by one frame along its own flow {@code f} (pixel p takes the colour at p + f(p)). */
  static ImagePlanes extrapolate(ImagePlanes frame, float[] f, int w, int h) {
    int plane = w * h;
    float[] out = new float[3 * plane];
    double[] taps = new double[SHARP_SCRATCH];
    for (int p = 0; p < plane; p++) {
      sharp(frame.data(), w, h, Math.clamp(p % w + f[p], 0, w - 1), Math.clamp(p / w + f[plane + p], 0, h - 1), out, p,
          plane, taps); // as the prediction samples the last frame
    }
    return new ImagePlanes(3, h, w, out);
  }

  /** Where following {@code f} and then {@code g} (the reverse flow) returns within a pixel. */
  private static boolean[] consistency(float[] f, float[] g, int w, int h) {
    int plane = w * h;
    boolean[] ok = new boolean[plane];
    float[] back = new float[2];
    for (int p = 0; p < plane; p++) {
      double x = p % w + f[p], y = p / w + f[plane + p];
      if (x < 0 || y < 0 || x > w - 1 || y > h - 1) {
        continue;
      }
      bilinear(g, w, h, x, y, back, 0, 1);
      double ex = f[p] + back[0], ey = f[plane + p] + back[1];
      ok[p] = ex * ex + ey * ey < 1.0;
    }
    return ok;
  }

  private float[] flow(ImagePlanes from, ImagePlanes to, FlowParams fp) {
    try (Arena arena = Arena.ofShared()) {
      Tensor a = from.toTensor(arena);
      Tensor b = to.toTensor(arena);
      return new TvL1Flow(Backends.forCompute(arena), arena, fp, abortPoll).estimate(a, b).toArray();
    }
  }

  /**
   * Pixels whose flow the smooth background motion does not explain (and, given
   * {@code consistent}, whose flow is confirmed by the reverse flow).
   */
  static boolean[] objectMask(float[] f, QuadraticMotion background, boolean[] consistent, int w, int h) {
    int plane = w * h;
    boolean[] m = new boolean[plane];
    for (int p = 0; p < plane; p++) {
      double[] b = background.at(p % w, p / w);
      double ex = f[p] - b[0], ey = f[plane + p] - b[1];
      m[p] = ex * ex + ey * ey > OBJECT_RESIDUAL * OBJECT_RESIDUAL && (consistent == null || consistent[p]);
    }
    return m;
  }

  /** Mean absolute RGB difference above which a camera-compensated pixel changed. */
  static final float CHANGE = 0.08f;

  /**
   * Adds to {@code core} what three-frame differencing finds moving in the last frame: pixels that
   * differ from both earlier frames after the camera's motion is taken out. A small object faster
   * than the flow can follow is found this way; where it was one frame ago (now background) the
   * frame two back agrees with the last one, so that place is not taken for the object. Where the
   * object covered a place in both earlier frames (it moves less than its width per frame), the
   * background it uncovers there differs from both too: the pixels added are returned, for the
   * object layer to tell those apart by the background memory.
   */
  static boolean[] movingByDifference(boolean[] core, ImagePlanes last, ImagePlanes prev, ImagePlanes prev2,
                                      Affine toPrev, Affine prevToPrev2, int w, int h) {
    int plane = w * h;
    boolean[] added = new boolean[plane];
    if (prev2 == null) {
      return added;
    }
    Affine toPrev2 = prevToPrev2.after(toPrev);
    for (int p = 0; p < plane; p++) {
      if (core[p]) {
        continue;
      }
      double x = p % w, y = p / w;
      double x1 = toPrev.x(x, y), y1 = toPrev.y(x, y), x2 = toPrev2.x(x, y), y2 = toPrev2.y(x, y);
      if (x1 < 1 || y1 < 1 || x1 > w - 2 || y1 > h - 2 || x2 < 1 || y2 < 1 || x2 > w - 2 || y2 > h - 2) {
        continue;
      }
      added[p] = nearestDifference(last, p, prev, x1, y1, w, h) > CHANGE
          && nearestDifference(last, p, prev2, x2, y2, w, h) > CHANGE;
      core[p] = added[p];
    }
    return added;
  }

  /**
   * The smallest mean absolute RGB difference between pixel p of {@code a} and {@code b} sampled
   * within one pixel of (x, y): a sharp edge half a pixel off (the camera model's rounding, a
   * sub-pixel pan) is not motion.
   */
  private static float nearestDifference(ImagePlanes a, int p, ImagePlanes b, double x, double y, int w, int h) {
    int plane = w * h;
    float[] s = new float[3];
    float best = Float.POSITIVE_INFINITY;
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        bilinear(b.data(), w, h, x + dx, y + dy, s, 0, 1);
        float d = 0;
        for (int c = 0; c < 3; c++) {
          d += Math.abs(a.data()[c * plane + p] - s[c]) / 3;
        }
        best = Math.min(best, d);
      }
    }
    return best;
  }

  /** The mask grown by {@code r} pixels (square), so an object's soft edge goes with it. */
  static boolean[] grow(boolean[] m, int w, int h, int r) {
    boolean[] grown = m.clone();
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        if (!m[y * w + x]) {
          continue;
        }
        for (int dy = -r; dy <= r; dy++) {
          for (int dx = -r; dx <= r; dx++) {
            int xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < w && yy < h) {
              grown[yy * w + xx] = true;
            }
          }
        }
      }
    }
    return grown;
  }

  /**
   * The object layer: each 8-connected piece of the last frame's object mask (grown by one pixel
   * to join its parts) is tracked as a rigid patch (its ungrown pixels, which are also what moves) by block matching (sum of squared
   * differences, integer search around the expected place, then a parabola through the
   * neighbours for the sub-pixel part) back through up to {@link #TRACK_FRAMES} earlier frames;
   * a least-squares parabola through those positions gives its velocity and acceleration at the
   * last frame. (A small fast object's flow is smoothed by the flow's regulariser; matching is not.)
   * The background memory settles which pixels are the object's: what it shows within {@link #HALO}
   * pixels of the mask's edge, among the pixels {@code byDifference} added (background uncovered
   * from under the object), or anywhere it explains better than the object's own motion from the
   * frame before (uncovered background whose flow passed the consistency check) is background; what
   * differs from it within {@link #HALO} pixels outside the mask is the object's own (where the
   * object overlaps its place one frame before, its uniform colour matches at no motion and the flow
   * takes that part for background).
   */
  private static float[][] objectLayer(ImagePlanes last, List<ImagePlanes> earlier, boolean[] core,
                                       boolean[] byDifference, float[] f, QuadraticMotion background,
                                       ObjectMemory.Result remembered,
                                       ObjectMemory.Background backgroundAt, boolean[] accepted, int w, int h) {
    int plane = w * h;
    if (core == null) {
      return new float[][] {new float[0], new float[0], new float[0], new float[0], new float[0], new float[0],
          new float[0]};
    }
    boolean[] mask = grow(core, w, h, 1);
    List<int[]> pieces = components(mask, w, h);
    int n = 0;
    for (boolean b : grow(mask, w, h, HALO)) {
      n += b ? 1 : 0; // the pieces and the rings around them
    }
    boolean[] taken = new boolean[plane];
    float[][] o = {new float[n], new float[n], new float[n], new float[n], new float[n], new float[n], new float[3 * n]};
    int k = 0;
    for (int[] piece : pieces) {
      int[] inner = Arrays.stream(piece).filter(p -> core[p]).toArray();
      int[] patch = inner.length >= 4 ? inner : piece;
      if (Arrays.stream(patch).filter(p -> remembered.claimed()[p]).count() * 2 > patch.length) {
        for (int p : patch) {
          // part of an object going behind an occluder (the object memory draws it) or background it
          // just uncovered (stays where it is)
          accepted[p] = remembered.visible()[p];
        }
        continue;
      }
      float[] guess = new float[2];
      for (int c = 0; c < 2; c++) {
        float[] v = new float[patch.length];
        for (int i = 0; i < patch.length; i++) {
          v[i] = f[c * plane + patch[i]];
        }
        Arrays.sort(v);
        guess[c] = v[v.length / 2];
      }
      // positions of the patch in frames L, L-1, ... relative to L
      List<double[]> pos = new ArrayList<>();
      pos.add(new double[] {0, 0});
      ImagePlanes from = last;
      double[] step = {guess[0], guess[1]};
      for (ImagePlanes to : earlier) {
        double[] at = pos.getLast();
        double[] d = match(from, to, patch, at[0], at[1], step[0], step[1], w, h);
        pos.add(new double[] {at[0] + d[0], at[1] + d[1]});
        step = d;
        from = to;
      }
      double[] mx = motion(pos, 0), my = motion(pos, 1);
      double vx = mx[0], vy = my[0], ax = mx[1], ay = my[1];
      if (Math.hypot(ax, ay) > MAX_ACCELERATION) {
        ax = 0;
        ay = 0;
      }
      // a piece that moves as the background around it does is background (parallax, flicker,
      // flow noise): only what really moves on its own becomes an object
      double bx = 0, by = 0;
      for (int p : piece) {
        double[] b = background.at(p % w, p / w);
        bx -= b[0];
        by -= b[1];
      }
      bx /= piece.length;
      by /= piece.length;
      if (Math.hypot(vx - bx, vy - by) < MIN_OWN_MOTION || inner.length < MIN_PIECE || earlier.isEmpty()) {
        continue;
      }
      // and its own motion must explain the last two frames clearly better than the background's
      ImagePlanes prev = earlier.getFirst();
      double own = ssdAt(last, prev, patch, -vx, -vy, w, h);
      double bg = ssdAt(last, prev, patch, -bx, -by, w, h);
      if (!(own < 0.5 * bg)) {
        continue;
      }
      List<Integer> pixels = new ArrayList<>();
      double[] back = pos.get(1); // where the patch was one frame before
      for (int p : patch) {
        accepted[p] = true;
        float memory = backgroundDistance(last, p, backgroundAt, Affine.IDENTITY, w);
        boolean seenBehind = memory <= CHANGE && (nearEdge(core, p, w, h) || byDifference != null && byDifference[p]
            || memory < movedDistance(last, prev, p, back, w, h));
        if (!seenBehind) {
          pixels.add(p); // else background (dragged in by the flow, or uncovered): moved with the object, a halo
        }
      }
      for (int p : patch) {
        int x = p % w, y = p / w;
        for (int yy = Math.max(0, y - HALO); yy <= Math.min(h - 1, y + HALO); yy++) {
          for (int xx = Math.max(0, x - HALO); xx <= Math.min(w - 1, x + HALO); xx++) {
            int q = yy * w + xx;
            if (!core[q] && !taken[q] && !remembered.claimed()[q]
                && backgroundDistance(last, q, backgroundAt, Affine.IDENTITY, w) > CHANGE) {
              taken[q] = true;
              accepted[q] = true;
              pixels.add(q);
            }
          }
        }
      }
      for (int p : pixels) {
        o[0][k] = p % w;
        o[1][k] = p / w;
        o[2][k] = (float) vx;
        o[3][k] = (float) vy;
        o[4][k] = (float) ax;
        o[5][k] = (float) ay;
        for (int c = 0; c < 3; c++) {
          o[6][3 * k + c] = last.data()[c * plane + p];
        }
        k++;
      }
    }
    for (int i = 0; i < o.length; i++) {
      o[i] = Arrays.copyOf(o[i], i == 6 ? 3 * k : k);
    }
    return o;
  }

  /**
   * Mean absolute RGB difference of pixel p of {@code last} from {@code prev} at p + d (where the
   * object's pixel was one frame before); infinite where that lies outside the frame.
   */
  private static float movedDistance(ImagePlanes last, ImagePlanes prev, int p, double[] d, int w, int h) {
    double x = p % w + d[0], y = p / w + d[1];
    if (x < 0 || y < 0 || x > w - 1 || y > h - 1) {
      return Float.POSITIVE_INFINITY;
    }
    int plane = w * h;
    float[] then = new float[3];
    bilinear(prev.data(), w, h, x, y, then, 0, 1);
    float e = 0;
    for (int c = 0; c < 3; c++) {
      e += Math.abs(last.data()[c * plane + p] - then[c]) / 3;
    }
    return e;
  }

  /** Whether a pixel outside {@code core} lies within {@link #HALO} pixels of p (where dragged-along background sits). */
  private static boolean nearEdge(boolean[] core, int p, int w, int h) {
    int x = p % w, y = p / w;
    for (int yy = Math.max(0, y - HALO); yy <= Math.min(h - 1, y + HALO); yy++) {
      for (int xx = Math.max(0, x - HALO); xx <= Math.min(w - 1, x + HALO); xx++) {
        if (!core[yy * w + xx]) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether pixel p of {@code img} shows what the background memory has at its place in the last
   * frame ({@code toLast} maps it there), within {@link #CHANGE}.
   */
  static boolean isBackground(ImagePlanes img, int p, ObjectMemory.Background background, Affine toLast, int w) {
    return backgroundDistance(img, p, background, toLast, w) <= CHANGE;
  }

  /** Mean absolute RGB difference of pixel p of {@code img} from the background memory there; NaN where unknown. */
  private static float backgroundDistance(ImagePlanes img, int p, ObjectMemory.Background background, Affine toLast,
                                          int w) {
    float[] bg = new float[3];
    int x = p % w, y = p / w;
    if (!background.sample(toLast.x(x, y), toLast.y(x, y), bg)) {
      return Float.NaN;
    }
    int plane = img.data().length / 3;
    float d = 0;
    for (int c = 0; c < 3; c++) {
      d += Math.abs(img.data()[c * plane + p] - bg[c]) / 3;
    }
    return d;
  }

  /**
   * Velocity and acceleration at τ = 0 of one coordinate: least squares of c + v·τ + a·τ²/2
   * through the positions at τ = 0, −1, −2, ...; with two positions, constant velocity.
   */
  static double[] motion(List<double[]> pos, int axis) {
    int m = pos.size();
    if (m < 2) {
      return new double[] {0, 0};
    }
    if (m == 2) {
      return new double[] {pos.get(0)[axis] - pos.get(1)[axis], 0};
    }
    double[][] ata = new double[3][3];
    double[] atb = new double[3];
    for (int i = 0; i < m; i++) {
      double t = -i;
      double[] r = {1, t, t * t / 2};
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          ata[a][b] += r[a] * r[b];
        }
        atb[a] += r[a] * pos.get(i)[axis];
      }
    }
    double[] x = Affine.solve3(ata, atb);
    return x == null ? new double[] {pos.get(0)[axis] - pos.get(1)[axis], 0} : new double[] {x[1], x[2]};
  }

  /** 8-connected pieces of a mask, each as its pixel indices in scan order. */
  static List<int[]> components(boolean[] mask, int w, int h) {
    boolean[] done = new boolean[mask.length];
    List<int[]> out = new ArrayList<>();
    int[] stack = new int[mask.length];
    for (int s = 0; s < mask.length; s++) {
      if (!mask[s] || done[s]) {
        continue;
      }
      int top = 0, size = 0;
      int[] piece = new int[16];
      stack[top++] = s;
      done[s] = true;
      while (top > 0) {
        int p = stack[--top];
        if (size == piece.length) {
          piece = Arrays.copyOf(piece, size * 2);
        }
        piece[size++] = p;
        int x = p % w, y = p / w;
        for (int dy = -1; dy <= 1; dy++) {
          for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < w && yy < h && mask[yy * w + xx] && !done[yy * w + xx]) {
              done[yy * w + xx] = true;
              stack[top++] = yy * w + xx;
            }
          }
        }
      }
      int[] exact = Arrays.copyOf(piece, size);
      Arrays.sort(exact);
      out.add(exact);
    }
    return out;
  }

  /**
   * The displacement d with a(p + s) ≈ b(p + s + d) over the patch ({@code piece}, pixel indices,
   * shifted by s = (sx, sy)): searched over integers within 10 px of (gx, gy) (again around the best
   * while it lies on the window's edge), then refined to
   * sub-pixel by a parabola through the SSD of the neighbours.
   */
  static double[] match(ImagePlanes a, ImagePlanes b, int[] piece, double sx, double sy, double gx, double gy,
                                int w, int h) {
    int r = 10;
    int cx = (int) Math.round(gx), cy = (int) Math.round(gy);
    double[][] ssd = null;
    int ix = r, iy = r;
    // the flow's guess can be far off for a small fast object: when the best lies on the window's
    // edge, search again around it (a few times at most)
    for (int round = 0; round < 4; round++) {
      ssd = ssdWindow(a, b, piece, sx, sy, cx, cy, r, w, h);
      double best = Double.POSITIVE_INFINITY;
      for (int dy = 0; dy <= 2 * r; dy++) {
        for (int dx = 0; dx <= 2 * r; dx++) {
          if (ssd[dy][dx] < best) {
            best = ssd[dy][dx];
            ix = dx;
            iy = dy;
          }
        }
      }
      boolean edge = ix == 0 || iy == 0 || ix == 2 * r || iy == 2 * r;
      if (!edge || !Double.isFinite(best)) {
        break;
      }
      cx += ix - r;
      cy += iy - r;
      ix = r;
      iy = r;
      if (round == 3) {
        ssd = ssdWindow(a, b, piece, sx, sy, cx, cy, r, w, h);
      }
    }
    double fx = 0, fy = 0;
    if (ix > 0 && ix < 2 * r && Double.isFinite(ssd[iy][ix - 1]) && Double.isFinite(ssd[iy][ix + 1])) {
      double den = ssd[iy][ix - 1] - 2 * ssd[iy][ix] + ssd[iy][ix + 1];
      fx = den > 0 ? 0.5 * (ssd[iy][ix - 1] - ssd[iy][ix + 1]) / den : 0;
    }
    if (iy > 0 && iy < 2 * r && Double.isFinite(ssd[iy - 1][ix]) && Double.isFinite(ssd[iy + 1][ix])) {
      double den = ssd[iy - 1][ix] - 2 * ssd[iy][ix] + ssd[iy + 1][ix];
      fy = den > 0 ? 0.5 * (ssd[iy - 1][ix] - ssd[iy + 1][ix]) / den : 0;
    }
    return new double[] {cx + ix - r + fx, cy + iy - r + fy};
  }

  /** Mean squared difference of the patch between a and b displaced by (dx, dy) (any real displacement). */
  private static double ssdAt(ImagePlanes a, ImagePlanes b, int[] piece, double dx, double dy, int w, int h) {
    int plane = w * h;
    float[] pb = new float[3];
    double e = 0;
    int used = 0;
    for (int p : piece) {
      double qx = p % w + dx, qy = p / w + dy;
      if (qx < 0 || qy < 0 || qx > w - 1 || qy > h - 1) {
        continue;
      }
      bilinear(b.data(), w, h, qx, qy, pb, 0, 1);
      for (int c = 0; c < 3; c++) {
        double d = a.data()[c * plane + p] - pb[c];
        e += d * d;
      }
      used++;
    }
    return used < piece.length / 2 ? Double.POSITIVE_INFINITY : e / used;
  }

  /** Mean squared difference of the patch for every integer displacement within r of (cx, cy). */
  private static double[][] ssdWindow(ImagePlanes a, ImagePlanes b, int[] piece, double sx, double sy, int cx, int cy,
                                      int r, int w, int h) {
    double[][] ssd = new double[2 * r + 1][2 * r + 1];
    float[] pa = new float[3], pb = new float[3];
    for (int dy = -r; dy <= r; dy++) {
      for (int dx = -r; dx <= r; dx++) {
        double e = 0;
        int used = 0;
        for (int p : piece) {
          double ax = p % w + sx, ay = p / w + sy; // the patch pixel in frame a
          double qx = ax + cx + dx, qy = ay + cy + dy; // displaced into frame b
          if (ax < 0 || ay < 0 || ax > w - 1 || ay > h - 1 || qx < 0 || qy < 0 || qx > w - 1 || qy > h - 1) {
            continue;
          }
          bilinear(a.data(), w, h, ax, ay, pa, 0, 1);
          bilinear(b.data(), w, h, qx, qy, pb, 0, 1);
          for (int c = 0; c < 3; c++) {
            double d = pa[c] - pb[c];
            e += d * d;
          }
          used++;
        }
        ssd[dy + r][dx + r] = used < piece.length / 2 ? Double.POSITIVE_INFINITY : e / used;
      }
    }
    return ssd;
  }

  /**
   * Frames 1..frames after the clip the model was fitted to, each passed to {@code sink} in
   * order as it is made.
   */
  public void predict(Model m, int frames, java.util.function.BiConsumer<Integer, ImagePlanes> sink) {
    int w = m.w, h = m.h, plane = w * h, cw = w + 2 * m.margin, cplane = cw * (h + 2 * m.margin);
    PatchMatchInpainter patchMatch = new PatchMatchInpainter(PatchMatchInpainter.Settings.of(
        settings.finalQuality() ? PatchMatchInpainter.Quality.FINAL : PatchMatchInpainter.Quality.DRAFT));
    float[] previous = m.last.data();
    Affine toLast = Affine.IDENTITY;
    double[] taps = new double[SHARP_SCRATCH];
    for (int t = 1; t <= frames; t++) {
      abortPoll.run();
      Affine stepNow = m.step.toward(Math.pow(m.damping, t)); // the camera's step into frame L+t, damped
      float travelled = (float) m.travelled(t);
      toLast = toLast.after(stepNow); // frame L+t -> frame L
      float[] out = new float[3 * plane];
      boolean[] hole = new boolean[plane];
      int holes = 0;
      for (int p = 0; p < plane; p++) {
        // background seen in the last frame: moved along its own flow (constant velocity per pixel),
        // one interpolation from the real last frame
        if (lastFrameSample(m, p % w + travelled * m.bgFlow[p], p / w + travelled * m.bgFlow[plane + p], out, p,
            plane, taps)) {
          continue;
        }
        // otherwise the memory, through the camera model
        double lx = toLast.x(p % w, p / w), ly = toLast.y(p % w, p / w);
        double qx = lx + m.margin, qy = ly + m.margin;
        if (!canvasSample(m, qx, qy, cw, out, p, plane)) {
          hole[p] = true;
          holes++;
        }
      }
      holes -= splatObjects(m, t, out, hole, w, h);
      holes -= splatHidden(m, t, toLast, out, hole, w, h);
      if (holes > 0) {
        float[] anchor = new float[3 * plane];
        Affine back = stepNow; // content at p in frame t was at step(p) in frame t-1
        for (int p = 0; p < plane; p++) {
          bilinear(previous, w, h, Math.clamp(back.x(p % w, p / w), 0, w - 1), Math.clamp(back.y(p % w, p / w), 0, h - 1),
              anchor, p, plane);
        }
        out = fillHoles(patchMatch, out, hole, anchor, edgeStreak(m, t, hole), w, h, t);
      }
      ImagePlanes frame = new ImagePlanes(3, h, w, out);
      if (m.appearance != null && m.useAppearance) {
        frame = m.appearance.apply(frame);
      }
      sink.accept(t, frame);
      previous = frame.data();
      progress.accept((double) t / frames);
    }
  }

  private static boolean lastFrameSample(Model m, double x, double y, float[] out, int p, int plane, double[] taps) {
    if (x < 0 || y < 0 || x > m.w - 1 || y > m.h - 1) {
      return false;
    }
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, m.w - 1), y1 = Math.min(y0 + 1, m.h - 1);
    boolean[] o = m.lastObjects;
    if (o[y0 * m.w + x0] || o[y0 * m.w + x1] || o[y1 * m.w + x0] || o[y1 * m.w + x1]) {
      return false;
    }
    sharp(m.last.data(), m.w, m.h, x, y, out, p, plane, taps);
    return true;
  }

  private static boolean canvasSample(Model m, double qx, double qy, int cw, float[] out, int p, int plane) {
    return canvasSample(m.canvas, m.seen, m.w, m.h, m.margin, qx, qy, out, p, plane);
  }

  /** Samples the background canvas at canvas position (qx, qy) where all four neighbours were seen. */
  private static boolean canvasSample(float[] canvas, boolean[] seen, int w, int h, int margin, double qx, double qy,
                                      float[] out, int p, int plane) {
    int cw = w + 2 * margin, ch = h + 2 * margin;
    if (qx < 0 || qy < 0 || qx > cw - 1 || qy > ch - 1) {
      return false;
    }
    int x0 = (int) Math.floor(qx), y0 = (int) Math.floor(qy);
    int x1 = Math.min(x0 + 1, cw - 1), y1 = Math.min(y0 + 1, ch - 1);
    if (!seen[y0 * cw + x0] || !seen[y0 * cw + x1] || !seen[y1 * cw + x0] || !seen[y1 * cw + x1]) {
      return false;
    }
    bilinear(canvas, cw, ch, qx, qy, out, p, plane);
    return true;
  }

  /** Splats the object layer at frame t over the background; returns how many holes it covered. */
  private static int splatObjects(Model m, int t, float[] out, boolean[] hole, int w, int h) {
    int plane = w * h, n = m.objX.length;
    if (n == 0) {
      return 0;
    }
    float[] acc = new float[3 * plane];
    float[] wsum = new float[plane];
    double s = t * t / 2.0;
    for (int k = 0; k < n; k++) {
      splat(m.objX[k] + t * m.objVx[k] + s * m.objAx[k], m.objY[k] + t * m.objVy[k] + s * m.objAy[k], m.objRgb, k,
          acc, wsum, w, h);
    }
    return commit(acc, wsum, out, hole, p -> false, plane);
  }

  /**
   * Draws the objects remembered behind an occluder at frame t (the frame's pixel p is at
   * {@code toLast(p)} in the last frame), except where the occluder, static in the scene, covers them.
   */
  private static int splatHidden(Model m, int t, Affine toLast, float[] out, boolean[] hole, int w, int h) {
    ObjectMemory.Result r = m.remembered;
    int plane = w * h, covered = 0;
    Affine fromLast = toLast.inverse();
    boolean[] occ = r.occluder();
    for (ObjectMemory.Hidden o : r.hidden()) {
      double[] c = o.centre(t);
      float[] acc = new float[3 * plane];
      float[] wsum = new float[plane];
      for (int i = 0; i < o.dx().length; i++) {
        double lx = c[0] + o.dx()[i], ly = c[1] + o.dy()[i];
        splat(fromLast.x(lx, ly), fromLast.y(lx, ly), o.rgb(), i, acc, wsum, w, h);
      }
      covered += commit(acc, wsum, out, hole, p -> occ != null && occludedAt(occ, toLast, p % w, p / w, w, h), plane);
    }
    return covered;
  }

  /** Adds colour {@code rgb[3i..3i+2]} at (x, y) to the accumulators with bilinear weights. */
  private static void splat(double x, double y, float[] rgb, int i, float[] acc, float[] wsum, int w, int h) {
    int plane = w * h;
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    double fx = x - x0, fy = y - y0;
    for (int dy = 0; dy <= 1; dy++) {
      for (int dx = 0; dx <= 1; dx++) {
        int xx = x0 + dx, yy = y0 + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) {
          continue;
        }
        float wt = (float) ((dx == 0 ? 1 - fx : fx) * (dy == 0 ? 1 - fy : fy));
        if (wt <= 0) {
          continue;
        }
        int p = yy * w + xx;
        wsum[p] += wt;
        for (int c = 0; c < 3; c++) {
          acc[c * plane + p] += wt * rgb[3 * i + c];
        }
      }
    }
  }

  /** Writes the splatted colours where coverage is enough and {@code skip} does not hold; returns the holes covered. */
  private static int commit(float[] acc, float[] wsum, float[] out, boolean[] hole, java.util.function.IntPredicate skip,
                            int plane) {
    int covered = 0;
    for (int p = 0; p < plane; p++) {
      if (wsum[p] < 0.3f || skip.test(p)) {
        continue; // thin coverage at the object's edge: keep the background
      }
      for (int c = 0; c < 3; c++) {
        out[c * plane + p] = acc[c * plane + p] / wsum[p];
      }
      if (hole[p]) {
        hole[p] = false;
        covered++;
      }
    }
    return covered;
  }

  private static boolean occludedAt(boolean[] occ, Affine toLast, int x, int y, int w, int h) {
    int lx = (int) Math.round(toLast.x(x, y)), ly = (int) Math.round(toLast.y(x, y));
    return lx >= 0 && ly >= 0 && lx < w && ly < h && occ[ly * w + lx];
  }

  /**
   * Never-seen pixels: a hole enclosed by known pixels (background uncovered that no frame showed)
   * is synthesised by PatchMatch from the frame around it; a hole at the frame's edge (new
   * content coming into view) is continued smoothly from the edge inwards (a membrane: Laplace's
   * equation with the known pixels as boundary). What enters the frame is unknowable; a smooth
   * continuation is the least wrong guess, where invented texture would be confidently wrong.
   */
  /** Pixels over which new content at the frame's edge goes from the edge's streak to the smooth fill. */
  static final double EDGE_CONTINUATION = 4;

  /**
   * For each hole pixel, the last frame sampled where the background's motion says it came from,
   * clamped into the frame (the edge pixels drawn out along the motion); NaN where that sample
   * falls on an object of the last frame (it would smear the object into the new strip).
   */
  private static float[] edgeStreak(Model m, int t, boolean[] hole) {
    int w = m.w, h = m.h, plane = w * h;
    float[] s = new float[3 * plane];
    float travelled = (float) m.travelled(t);
    for (int p = 0; p < plane; p++) {
      if (!hole[p]) {
        continue;
      }
      double x = Math.clamp(p % w + travelled * m.bgFlow[p], 0, w - 1);
      double y = Math.clamp(p / w + travelled * m.bgFlow[plane + p], 0, h - 1);
      if (m.lastObjects[(int) Math.round(y) * w + (int) Math.round(x)]) {
        s[p] = Float.NaN;
        continue;
      }
      bilinear(m.last.data(), w, h, x, y, s, p, plane);
    }
    return s;
  }

  private float[] fillHoles(PatchMatchInpainter pm, float[] out, boolean[] hole, float[] anchor, float[] streak, int w,
                            int h, int t) {
    boolean[] inner = new boolean[hole.length];
    boolean[] edge = new boolean[hole.length];
    boolean anyInner = false, anyEdge = false;
    for (int[] piece : components(hole, w, h)) {
      boolean touches = false;
      for (int p : piece) {
        int x = p % w, y = p / w;
        touches |= x == 0 || y == 0 || x == w - 1 || y == h - 1;
      }
      for (int p : piece) {
        (touches ? edge : inner)[p] = true;
      }
      anyInner |= !touches;
      anyEdge |= touches;
    }
    float[] r = out;
    if (anyInner) {
      r = fill(pm, r, inner, anchor, w, h, t);
    }
    if (anyEdge) {
      int n = 0;
      for (boolean b : edge) {
        n += b ? 1 : 0;
      }
      if (n == edge.length) {
        return anchor; // the whole frame is new: nothing to continue from
      }
      r = new PoissonBlender(1e-4).blendInterior(new ImagePlanes(3, h, w, r), new ImagePlanes(3, h, w,
          new float[r.length]), new HoleMask(h, w, edge)).image().data();
      continueEdges(r, streak, edge, w, h);
    }
    return r;
  }

  /**
   * New content entering at the frame's edge is unknowable; what predicts it best is, next to the
   * edge, the edge drawn out along the motion (the strip's first pixels are usually the continuation
   * of what the last column shows), and further in, the smooth membrane (a streak is as wrong as
   * any guess there, and a smooth fill errs less). {@code r} holds the membrane; each edge-hole
   * pixel becomes membrane + exp(-d / {@link #EDGE_CONTINUATION}) x (streak - membrane), d its
   * (Euclidean) distance from the nearest known pixel. Measured against the membrane
   * alone (horizons 1 / 8): synthetic camera pan of ShotExtenderTest 38.6 -> 40.8 / 28.8 -> 29.2 dB;
   * Debian kivy clip 32.7 -> 33.0 / 24.9 -> 25.1; photo pan 43.9 -> 43.7 / 27.9 -> 27.9. A longer
   * reach (12 px) did better on the synthetic pan (41.6 / 29.3) and worse on the photo (43.3 /
   * 27.6): fine texture does not continue far.
   */
  static void continueEdges(float[] r, float[] streak, boolean[] edge, int w, int h) {
    int plane = w * h;
    float[] known = new float[plane];
    for (int p = 0; p < plane; p++) {
      known[p] = edge[p] ? 0 : 1;
    }
    float[] d2 = DistanceTransform.squaredDistanceToCore(known, h, w);
    for (int p = 0; p < plane; p++) {
      if (!edge[p] || Float.isNaN(streak[p])) {
        continue;
      }
      float g = (float) Math.exp(-Math.sqrt(d2[p]) / EDGE_CONTINUATION);
      for (int c = 0; c < 3; c++) {
        int i = c * plane + p;
        r[i] += g * (streak[i] - r[i]);
      }
    }
  }

  private float[] fill(PatchMatchInpainter pm, float[] out, boolean[] hole, float[] anchor, int w, int h, int t) {
    ImagePlanes img = new ImagePlanes(3, h, w, out);
    HoleMask mask = new HoleMask(h, w, hole);
    long seed = settings.seed() * 0x9E3779B97F4A7C15L + t;
    try {
      return pm.fill(img, mask, seed, new PatchMatchInpainter.Anchor(new ImagePlanes(3, h, w, anchor), 0.3f)).data();
    } catch (NoSourcePatchException e) {
      // nothing of the frame is known (the camera left everything ever seen): keep the anchor
      float[] r = out.clone();
      for (int p = 0; p < hole.length; p++) {
        if (hole[p]) {
          for (int c = 0; c < 3; c++) {
            r[c * hole.length + p] = anchor[c * hole.length + p];
          }
        }
      }
      return r;
    }
  }

  /** Lanczos lobes (a = 3: 6x6 taps) of {@link #sharp}. */
  static final int LANCZOS_A = 3;

  /**
   * Samples as {@link #bilinear} does, with a Lanczos-3 kernel (6x6 taps, the frame's edge pixels
   * repeated), each channel then held within the four pixels around (x, y) so it cannot ring
   * (overshoot at an edge, go below 0 next to an HDR highlight). A pixel moved on by a fraction of a
   * pixel keeps its detail: on the kivy clip (24 frames seen, draft) the added frames kept 72-81% of
   * the real frames' high frequencies with bilinear weights (variance of the Laplacian, 1085-1221 vs
   * 1500; the appearance network had sharpened them from 63%), so they went visibly soft at the cut;
   * with this kernel 95-101% (1420-1523), and PSNR +1.04 dB at horizon 1, +0.13 at 4, -0.06 at 8,
   * -0.09 at 16 (further out, blur hides misalignment). The photo pan (whole-pixel motion) is unchanged.
   */
  static void sharp(float[] planes, int w, int h, double x, double y, float[] out, int at, int outPlane) {
    sharp(planes, w, h, x, y, out, at, outPlane, new double[SHARP_SCRATCH]);
  }

  /** Scratch doubles {@link #sharp} needs (weights and tap positions of both axes). */
  static final int SHARP_SCRATCH = 8 * LANCZOS_A;
  private static final double[] SIN_THIRDS = new double[2 * LANCZOS_A], COS_THIRDS = new double[2 * LANCZOS_A];

  static {
    for (int i = 0; i < 2 * LANCZOS_A; i++) {
      int o = i - LANCZOS_A + 1;
      SIN_THIRDS[i] = Math.sin(Math.PI * o / LANCZOS_A);
      COS_THIRDS[i] = Math.cos(Math.PI * o / LANCZOS_A);
    }
  }

  /** As above with {@code taps} ({@link #SHARP_SCRATCH} doubles) as scratch, so a loop allocates nothing. */
  static void sharp(float[] planes, int w, int h, double x, double y, float[] out, int at, int outPlane, double[] taps) {
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    double fx = x - x0, fy = y - y0;
    if (fx == 0 && fy == 0) { // on a pixel: the pixel itself
      bilinear(planes, w, h, x, y, out, at, outPlane);
      return;
    }
    int n = 2 * LANCZOS_A; // taps[0..n) x weights, [n..2n) y weights, [2n..3n) x columns, [3n..4n) y rows
    double sx = weights(fx, taps, 0), sy = weights(fy, taps, n);
    for (int i = 0; i < n; i++) {
      taps[2 * n + i] = Math.clamp(x0 + i - LANCZOS_A + 1, 0, w - 1);
      taps[3 * n + i] = Math.clamp(y0 + i - LANCZOS_A + 1, 0, h - 1) * w;
    }
    int plane = w * h;
    int channels = planes.length / plane;
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    for (int c = 0; c < channels; c++) {
      int b = c * plane;
      double v = 0;
      for (int j = 0; j < n; j++) {
        int row = b + (int) taps[3 * n + j];
        double r = 0;
        for (int i = 0; i < n; i++) {
          r += taps[i] * planes[row + (int) taps[2 * n + i]];
        }
        v += taps[n + j] * r;
      }
      v /= sx * sy;
      float p00 = planes[b + y0 * w + x0], p01 = planes[b + y0 * w + x1];
      float p10 = planes[b + y1 * w + x0], p11 = planes[b + y1 * w + x1];
      double lo = Math.min(Math.min(p00, p01), Math.min(p10, p11));
      double hi = Math.max(Math.max(p00, p01), Math.max(p10, p11));
      out[at + c * outPlane] = (float) Math.clamp(v, lo, hi);
    }
  }

  /**
   * The Lanczos-3 weights of the taps at offsets -2..3 from a sample {@code f} (0..1) past a pixel,
   * into {@code into[from..from+6)}; returns their sum. With t = o - f: sin(pi t) = (-1)^(o+1) sin(pi f)
   * and sin(pi t / 3) by angle addition, so three sines and cosines serve all six taps.
   */
  private static double weights(double f, double[] into, int from) {
    if (f == 0) {
      for (int i = 0; i < 2 * LANCZOS_A; i++) {
        into[from + i] = i == LANCZOS_A - 1 ? 1 : 0;
      }
      return 1;
    }
    double sinPf = Math.sin(Math.PI * f);
    double s3 = Math.sin(Math.PI * f / LANCZOS_A), c3 = Math.cos(Math.PI * f / LANCZOS_A);
    double sum = 0;
    for (int i = 0; i < 2 * LANCZOS_A; i++) {
      int o = i - LANCZOS_A + 1;
      double t = o - f;
      double sinPt = (o % 2 == 0 ? -1 : 1) * sinPf; // sin(pi (o - f)) = (-1)^(o+1) sin(pi f)
      double sinPt3 = SIN_THIRDS[i] * c3 - COS_THIRDS[i] * s3; // sin(pi (o - f) / 3)
      double wgt = LANCZOS_A * sinPt * sinPt3 / (Math.PI * Math.PI * t * t);
      into[from + i] = wgt;
      sum += wgt;
    }
    return sum;
  }

  static void bilinear(float[] planes, int w, int h, double x, double y, float[] out, int at, int outPlane) {
    int x0 = (int) Math.floor(x), y0 = (int) Math.floor(y);
    int x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
    double fx = x - x0, fy = y - y0;
    int plane = w * h;
    int channels = planes.length / plane;
    for (int c = 0; c < channels; c++) {
      int b = c * plane;
      double top = planes[b + y0 * w + x0] * (1 - fx) + planes[b + y0 * w + x1] * fx;
      double bottom = planes[b + y1 * w + x0] * (1 - fx) + planes[b + y1 * w + x1] * fx;
      out[at + c * outPlane] = (float) (top * (1 - fy) + bottom * fy);
    }
  }

  /** Back-test: PSNR per horizon of predicting the last {@code k} frames from the ones before. */
  public record Backtest(double[] psnr, double[] ssim, int safeLength, double thresholdDb, float[] driftMatte,
                         double appearanceGainDb, boolean appearanceHelps, AppearanceTraining appearance,
                         double damping, double dampingGainDb) {
    /** Whether every hidden frame passed, so the safe length is a lower bound (the back-test saw no further). */
    public boolean safeLengthIsLowerBound() {
      return safeLength == psnr.length;
    }

    /** "5 frame(s)", or "at least 8 frame(s)" when every hidden frame passed. */
    public String safeLengthText() {
      return (safeLengthIsLowerBound() ? "at least " : "") + safeLength + " frame(s)";
    }
  }

  /**
   * The background dampings the back-test tries (speed kept per frame): constant velocity, and
   * camera moves easing out, their speed halved in about 23, 10, 5 and 3 frames.
   */
  static final double[] DAMPINGS = {1, 0.97, 0.93, 0.87, 0.8};
  /** Mean PSNR (dB) over the back-test by which a choice (a damping, the appearance network) must win to be used. */
  static final double CHOICE_GAIN_DB = 0.1;

  /**
   * Hides the last {@code k} frames, fits the model to the rest, predicts them and scores each
   * horizon (PSNR with peak 1; SSIM on luma, 8x8 windows). First with each of {@link #DAMPINGS}:
   * a damping is chosen when it raises the mean PSNR by more than {@link #CHOICE_GAIN_DB} over
   * constant velocity (the best such); then with the appearance network on that damping, used
   * when it raises the mean PSNR by more than as much again. The scores reported are those of what
   * will be used. The safe length is the longest horizon up to which every PSNR stays at or above
   * {@code thresholdDb}. The drift matte is the mean absolute error per pixel at the last horizon.
   */
  public Backtest backtest(ClipFrames clip, int k, double thresholdDb) {
    int n = clip.count();
    if (k < 1 || n - k < 2) {
      throw new NodeException("ExtendShot: a back-test of " + k + " frames needs at least " + (k + 2) + " frames, the "
          + "shot has " + n);
    }
    Model m = fit(clip.head(n - k));
    Scores constant = null, chosen = null;
    for (double gamma : DAMPINGS) {
      m.damp(gamma);
      m.useAppearance = false;
      Scores s = score(m, clip, k);
      if (constant == null) {
        constant = s;
        chosen = s;
      } else if (s.mean() > chosen.mean() && s.mean() > constant.mean() + CHOICE_GAIN_DB) {
        chosen = s;
      }
    }
    double damping = chosen.damping();
    double dampingGain = chosen.mean() - constant.mean();
    m.damp(damping);
    double gain = 0;
    boolean helps = false;
    if (m.appearance != null) {
      m.useAppearance = true;
      Scores with = score(m, clip, k);
      gain = with.mean() - chosen.mean();
      helps = gain > CHOICE_GAIN_DB;
      chosen = helps ? with : chosen;
    }
    int safe = 0;
    while (safe < k && chosen.psnr()[safe] >= thresholdDb) {
      safe++;
    }
    return new Backtest(chosen.psnr(), chosen.ssim(), safe, thresholdDb, chosen.drift(), gain, helps,
        m.appearanceTraining(), damping, dampingGain);
  }

  /** One variant of a back-test's predictions, scored against the hidden frames. */
  private record Scores(double[] psnr, double[] ssim, float[] drift, double damping) {
    double mean() {
      return ShotExtender.mean(psnr);
    }
  }

  /**
   * Predicts the last {@code k} frames of {@code clip} with {@code m} (fitted to the ones before) and scores them.
   * The real frames are read again for each variant rather than held (K frames of a 4K shot are 800 MB).
   */
  private Scores score(Model m, ClipFrames clip, int k) {
    int n = clip.count();
    double[] psnr = new double[k];
    double[] ssim = new double[k];
    float[][] drift = new float[1][];
    predict(m, k, (t, frame) -> {
      ImagePlanes truth = clip.rgb(n - k + t - 1);
      psnr[t - 1] = Metrics.psnr(frame.data(), truth.data());
      ssim[t - 1] = Metrics.ssimLuma(frame.data(), truth.data(), m.w, m.h);
      if (t == k) {
        drift[0] = Metrics.absErrorMatte(frame.data(), truth.data(), m.w * m.h);
      }
    });
    return new Scores(psnr, ssim, drift[0], m.damping);
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }
}
