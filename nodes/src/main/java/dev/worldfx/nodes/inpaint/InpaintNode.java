package dev.worldfx.nodes.inpaint;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Inputs;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.ParamValues;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.RenderContext;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.SolveStatus;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.nodes.UnsupportedPixelsException;
import dev.worldfx.nodes.cache.CacheEntry;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.jobs.Thumbnail;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Inpaint: removes what the matte marks across a whole shot ({@link InpaintSolver}). The first
 * render of a shot solves it and stores every frame's fill in the sequence cache; every other
 * render, on any thread or instance, reads its frame from there. Outside the removal region
 * (matte after dilate and feather) pixels are byte-exact copies of the source, and alpha is never
 * changed.
 *
 * <p>Cache key of frame t: node, solver revision, seed, every solve setting, the shot's range,
 * t, and the SHA-256 of the Source (and Mask) frames within the temporal radius of t. A render
 * checks those frames only: a change further away than the radius keeps the cached frame (the
 * fill of t is built from frames within the radius; only the synthesis anchor reaches further).
 *
 * <p>Hosts without temporal access (MLT): frames are accumulated as they are rendered and frame
 * t is solved from the up to {@link #ACCUMULATED_FRAMES} frames before it seen in this process;
 * the node says so in its message.
 */
public final class InpaintNode implements Node {
  public static final String ID = "dev.worldfx.Inpaint";
  /** Changes whenever the solver's output for the same inputs changes, so old cache entries are not reused. */
  static final String SOLVER_REVISION = "1";
  /** Frames before the current one a host without temporal access solves from. */
  static final int ACCUMULATED_FRAMES = 4;

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX Inpaint",
      "Removes an object or logo across a whole shot from a matte (white = remove). Pixels hidden by the object are "
          + "found in the other frames along the optical flow; what no frame shows is synthesised from the frame's "
          + "own texture, then blended in. Outside the matte every pixel is returned bit-exact. The first render "
          + "solves the whole shot; other frames then read the result from the sequence cache.",
      EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL)),
          new ClipSpec(ClipSpec.MASK, EnumSet.of(NodeContext.GENERAL), EnumSet.of(Components.ALPHA, Components.RGBA), true, true),
          ClipSpec.output()),
      InpaintParams.ALL, true, List.of(StatusField.SOLVE, StatusField.BACKEND, StatusField.CACHE_HIT));

  private final Supplier<SequenceCache> cache;
  private final Supplier<JobBoard> jobs;

  /** The node with the default sequence cache (WORLDFX_CACHE or ~/.worldfx/cache), opened on first use. */
  public InpaintNode() {
    this(dev.worldfx.nodes.cache.DefaultCache::get);
  }

  public InpaintNode(Supplier<SequenceCache> cache) {
    this(cache, JobBoard::shared);
  }

  /** With the solves reported to {@code jobs} (the web panel's board). */
  public InpaintNode(Supplier<SequenceCache> cache, Supplier<JobBoard> jobs) {
    this.cache = cache;
    this.jobs = jobs;
  }

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** What a render checks: the frames within the temporal radius (the solve itself reads the whole shot). */
  @Override
  public FrameRange framesNeeded(double time, FrameRange source, ParamValues params) {
    int r = params.getInt(InpaintParams.TEMPORAL_RADIUS.name());
    return new FrameRange(Math.max(source.first(), time - r), Math.min(source.last(), time + r));
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    double t = ctx.time();
    FrameView src = Inputs.source(ctx, t, out);
    ParamValues p = ctx.params();
    int matteSource = p.getChoice(InpaintParams.MATTE_SOURCE.name());
    InpaintSettings settings = InpaintSettings.from(p);
    RectI b = src.bounds();
    FrameView mask = null;
    if (matteSource == InpaintParams.MATTE_MASK_CLIP) {
      mask = ctx.shot().frame(ClipSpec.MASK, t).orElseThrow(() -> new MissingInputException(
          "Inpaint: the matte source is 'Mask clip' but no Mask image is connected at frame " + t
              + " (connect a Mask, or choose Source alpha / Source luminance)"));
      if (!mask.depth().supported()) {
        throw new UnsupportedPixelsException("Mask pixel depth " + mask.depth() + " is not supported");
      }
    }
    float[] matte = NodeShotFrames.matte(matteSource, src, mask, b);
    FrameFill fill;
    if (isEmpty(matte)) {
      fill = FrameFill.empty(b.width(), b.height()); // nothing to remove here, whatever the other frames hold
      ctx.status(StatusField.CACHE_HIT, "not used (the matte is empty in this frame)");
    } else if (ctx.shot().temporalAccess()) {
      fill = SolveStatus.tracked(ctx, () -> solved(ctx, settings, matteSource, b));
    } else {
      fill = SolveStatus.tracked(ctx, () -> accumulated(ctx, settings, matteSource, src, matte));
    }
    apply(ctx, src, out, fill, p.getChoice(InpaintParams.OUTPUT.name()));
  }

  private static boolean isEmpty(float[] matte) {
    for (float m : matte) {
      if (m > 0) {
        return false;
      }
    }
    return true;
  }

  // ---- whole-shot solve through the sequence cache --------------------------------------------

  private FrameFill solved(RenderContext ctx, InpaintSettings settings, int matteSource, RectI b) {
    int ti = (int) Math.round(ctx.time());
    FrameRange r = ctx.shot().range(ClipSpec.SOURCE);
    int first = Double.isFinite(r.first()) ? (int) Math.ceil(r.first()) : ti;
    int last = Double.isFinite(r.last()) ? (int) Math.floor(r.last()) : ti;
    if (ti < first || ti > last) {
      first = ti;
      last = ti;
    }
    Shot shot = ctx.shot();
    Keys keys = new Keys(shot, settings, matteSource, first, last);
    SequenceCache store = cache.get();
    try {
      Optional<FrameFill> hit = read(store, keys.frame(ti));
      if (hit.isPresent()) {
        SolveStatus.cacheHit(ctx);
        return hit.get();
      }
      int from = first, to = last;
      return store.withSolveLock(keys.shot(), () -> {
        Optional<FrameFill> again = read(store, keys.frame(ti));
        if (again.isPresent()) {
          SolveStatus.cacheHit(ctx);
          return again.get(); // another thread or process solved the shot while this one waited
        }
        String label = "frames " + from + "-" + to + ", " + b.width() + "x" + b.height();
        return jobs.get().run(ID, label, job -> {
          NodeShotFrames frames = new NodeShotFrames(shot, matteSource, from, to, b);
          ImagePlanes source = frames.rgb(ti - from);
          job.preview("source", ti, "source", Thumbnail.rgb(source));
          job.preview("matte", ti, "matte", Thumbnail.gray(frames.matte(ti - from), b.width(), b.height(), 1f));
          job.phase("solving " + (to - from + 1) + " frame(s): flow, propagation, synthesis, blend");
          FrameFill[] mine = new FrameFill[1];
          SolveStatus.solving(ctx, SolveStatus.backend());
          InpaintSolver solver = new InpaintSolver(settings, job.abortPoll(ctx::checkAbort),
              job.progressTo(SolveStatus.progress(ctx)));
          InpaintSolver.Stats stats = solver.solve(frames, (i, fill) -> {
            CacheKey key = keys.frame(from + i);
            store.put(key, Map.of("frame", Integer.toString(from + i), "shot", from + "-" + to), fill.encode());
            job.cacheEntry(key);
            if (from + i == ti) {
              mine[0] = fill;
            }
          });
          job.preview("result", ti, "result", Thumbnail.rgb(composite(source, mine[0])));
          job.message(String.format(java.util.Locale.ROOT, "%d frame(s), %d pixels removed: %d propagated from other "
              + "frames, %d synthesised; %.1f s", stats.frames(), stats.removalPixels(), stats.propagatedPixels(),
              stats.synthesisedPixels(), stats.seconds()));
          SolveStatus.solved(ctx);
          return mine[0];
        });
      });
    } catch (RuntimeException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeException("Inpaint: the sequence cache at " + store.root() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderAbortedException();
    } catch (Exception e) {
      throw new NodeException("Inpaint: the solve failed: " + e, e);
    }
  }

  /** The result colour of a frame for previews: the source with the fill blended in by its weight. */
  private static ImagePlanes composite(ImagePlanes source, FrameFill fill) {
    float[] out = source.data().clone();
    int plane = source.width() * source.height(), n = fill.pixels();
    for (int y = 0; y < fill.height(); y++) {
      for (int x = 0; x < fill.width(); x++) {
        int k = y * fill.width() + x, p = (fill.y0() + y) * source.width() + fill.x0() + x;
        float w = fill.weight()[k];
        for (int c = 0; c < 3; c++) {
          out[c * plane + p] = out[c * plane + p] * (1 - w) + fill.rgb()[c * n + k] * w;
        }
      }
    }
    return new ImagePlanes(3, source.height(), source.width(), out);
  }

  /** A cached fill, or empty when there is none or it does not decode (then the solve overwrites it). */
  private static Optional<FrameFill> read(SequenceCache store, CacheKey key) throws IOException {
    Optional<CacheEntry> entry = store.get(key);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    try (CacheEntry e = entry.get()) {
      return Optional.of(FrameFill.decode(e.payload()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Cache keys of one shot's frames; frame digests are taken once each. */
  private static final class Keys {
    private final Shot shot;
    private final InpaintSettings settings;
    private final int matteSource;
    private final int first;
    private final int last;
    private final byte[][] source;
    private final byte[][] mask;

    Keys(Shot shot, InpaintSettings settings, int matteSource, int first, int last) {
      this.shot = shot;
      this.settings = settings;
      this.matteSource = matteSource;
      this.first = first;
      this.last = last;
      this.source = new byte[last - first + 1][];
      this.mask = new byte[last - first + 1][];
    }

    private CacheKey.Builder base(String id) {
      return CacheKey.builder(id, SOLVER_REVISION, settings.seed())
          .param(InpaintParams.MATTE_SOURCE.name(), matteSource)
          .param(InpaintParams.DILATE.name(), settings.dilate())
          .param(InpaintParams.FEATHER.name(), settings.feather())
          .param(InpaintParams.TEMPORAL_RADIUS.name(), settings.temporalRadius())
          .param(InpaintParams.QUALITY.name(), settings.finalQuality())
          .param("first", first)
          .param("last", last);
    }

    /** Serialises solves of one shot (same settings and range) across threads and processes. */
    CacheKey shot() {
      return base(ID + ".solve").build();
    }

    CacheKey frame(int t) {
      CacheKey.Builder k = base(ID).param("frame", t);
      int r = settings.temporalRadius();
      for (int u = Math.max(first, t - r); u <= Math.min(last, t + r); u++) {
        k.input(ClipSpec.SOURCE, u, digest(source, ClipSpec.SOURCE, u));
        if (matteSource == InpaintParams.MATTE_MASK_CLIP) {
          k.input(ClipSpec.MASK, u, digest(mask, ClipSpec.MASK, u));
        }
      }
      return k.build();
    }

    private byte[] digest(byte[][] memo, String clip, int t) {
      int i = t - first;
      if (memo[i] == null) {
        memo[i] = shot.digest(clip, t).orElseThrow(() -> new MissingInputException("Inpaint: no " + clip
            + " image at frame " + t + " of the shot " + first + "-" + last));
      }
      return memo[i];
    }
  }

  // ---- hosts without temporal access -----------------------------------------------------------

  private static FrameFill accumulated(RenderContext ctx, InpaintSettings settings, int matteSource, FrameView src,
                                       float[] matte) {
    RectI b = src.bounds();
    int ti = (int) Math.round(ctx.time());
    String shotKey = settings + "|" + matteSource + "|" + b + "|" + src.depth();
    List<AccumulatedFrames.Frame> run = AccumulatedFrames.SHARED.addAndRun(shotKey, ti,
        NodeShotFrames.planes(src, b), matte, Math.min(ACCUMULATED_FRAMES, settings.temporalRadius()));
    FrameFill[] mine = new FrameFill[1];
    ShotFrames frames = new ShotFrames() {
      @Override
      public int count() {
        return run.size();
      }

      @Override
      public int width() {
        return b.width();
      }

      @Override
      public int height() {
        return b.height();
      }

      @Override
      public dev.worldfx.nodes.synthesis.ImagePlanes rgb(int i) {
        return run.get(i).rgb();
      }

      @Override
      public float[] matte(int i) {
        return run.get(i).matte();
      }
    };
    SolveStatus.solving(ctx, SolveStatus.backend());
    try {
      new InpaintSolver(settings, ctx::checkAbort, SolveStatus.progress(ctx)).solve(frames, (i, fill) -> {
        if (i == run.size() - 1) {
          mine[0] = fill;
        }
      }, run.size() - 1);
    } catch (IOException e) {
      throw new IllegalStateException("an in-memory sink does not fail", e);
    }
    ctx.status(StatusField.SOLVE, "solved frame " + ti + " from the " + (run.size() - 1) + " frame(s) before it");
    ctx.notice("WorldFX Inpaint: this host gives the node no access to other frames, so frame " + ti + " was filled "
        + "from the " + (run.size() - 1) + " frame(s) before it rendered in this session. For the whole-shot "
        + "result, render the shot with `worldfx inpaint` (the command-line runner).");
    return mine[0];
  }

  // ---- output ----------------------------------------------------------------------------------

  private static void apply(RenderContext ctx, FrameView src, FrameView out, FrameFill fill, int output) {
    RectI window = ctx.renderWindow();
    RectI b = src.bounds();
    int fx1 = b.x1() + fill.x0(), fy1 = b.y1() + fill.y0();
    int fx2 = fx1 + fill.width(), fy2 = fy1 + fill.height();
    int n = fill.pixels();
    boolean alpha = out.components() == Components.RGBA;
    ctx.forEachRow(window, y -> {
      if (y < fy1 || y >= fy2 || fill.width() == 0) {
        out.copyRowFrom(src, y, window.x1(), window.x2());
        return;
      }
      int inFrom = Math.clamp(fx1, window.x1(), window.x2()), inTo = Math.clamp(fx2, window.x1(), window.x2());
      out.copyRowFrom(src, y, window.x1(), inFrom);
      out.copyRowFrom(src, y, inTo, window.x2());
      int row = (y - fy1) * fill.width() - fx1;
      for (int x = inFrom; x < inTo; x++) {
        int k = row + x;
        float w = fill.weight()[k];
        if (w == 0f) {
          out.copyRowFrom(src, y, x, x + 1);
          continue;
        }
        for (int c = 0; c < 3; c++) {
          float value = switch (output) {
            case 1 -> fill.confidence()[k];
            case 2 -> fill.kind()[k] == FrameFill.PROPAGATED
                ? src.sample(x, y, c) * (1f - w) + fill.rgb()[c * n + k] * w
                : src.sample(x, y, c) * (1f - w);
            default -> src.sample(x, y, c) * (1f - w) + fill.rgb()[c * n + k] * w;
          };
          out.store(x, y, c, value);
        }
        if (alpha) {
          out.copyChannelFrom(src, x, y, 3);
        }
      }
    });
  }
}
