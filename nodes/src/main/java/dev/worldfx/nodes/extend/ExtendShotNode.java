package dev.worldfx.nodes.extend;

import dev.worldfx.nodes.ClipSpec;
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
import dev.worldfx.nodes.RowBands;
import dev.worldfx.nodes.Shot;
import dev.worldfx.nodes.SolveStatus;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.nodes.cache.CacheEntry;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.DefaultCache;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.jobs.Thumbnail;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * ExtendShot. Frames inside the source range pass through byte-exact. Added frames come from the
 * shot model of {@link ShotExtender} (camera with momentum, background memory, objects with
 * velocity and acceleration, an appearance network trained on the shot), solved once per side of the
 * shot into the sequence cache, with a back-test whose result the node shows as its message.
 *
 * <p>Cache key of an added frame: node, solver revision, seed, quality, side, frames to add,
 * the source range, the frame's horizon, and the SHA-256 of the {@link #KEY_FRAMES} source frames
 * nearest to that side (the model's motion comes from those; its background memory reaches
 * further back, a documented approximation as in Inpaint).
 *
 * <p>Save shot model to is not in the key: a render of an added frame makes sure the file holds the model
 * of the current solve ({@link ShotModelOutput#SOLVE_KEY} in its metadata), written from the solve when it
 * runs, or fitted again (the fit alone) when the frames came from the cache.
 */
public final class ExtendShotNode implements Node {
  public static final String ID = "dev.worldfx.ExtendShot";
  static final String SOLVER_REVISION = "15";
  static final int KEY_FRAMES = 16;
  static final double SAFE_PSNR_DB = 25;

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX ExtendShot",
      "Extends a clip forwards or backwards by predicting the frames it never had. Real frames pass through "
          + "bit-exact. The model of the shot: the camera's motion with momentum, a memory of the background seen "
          + "(what went behind something comes back), moving objects with velocity and acceleration; new content "
          + "at the frame's edge is continued smoothly; a small network trained on the shot corrects the frames when "
          + "the back-test shows it helps. The back-test reports how many frames stay reliable.",
      EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL)),
          ClipSpec.output()),
      ExtendShotParams.ALL, true,
      List.of(StatusField.SOLVE, StatusField.SAFE_LENGTH, StatusField.BACKEND, StatusField.CACHE_HIT,
          StatusField.SHOT_MODEL));
  /** Metadata of the back-test's cache entry: the safe length as text, for the status after a cache hit. */
  private static final String SAFE_LENGTH_KEY = "safeLength";
  /**
   * Metadata of the back-test's cache entry: whether the model uses its appearance network (the back-test
   * decides), so a model file written after a cache hit needs the fit alone.
   */
  private static final String USE_APPEARANCE_KEY = "useAppearance";
  /** Metadata of the back-test's cache entry: the background damping it chose (a double), as for the appearance. */
  private static final String DAMPING_KEY = "damping";

  private final Supplier<SequenceCache> cache;
  private final Supplier<JobBoard> jobs;

  public ExtendShotNode() {
    this(DefaultCache::get);
  }

  public ExtendShotNode(Supplier<SequenceCache> cache) {
    this(cache, JobBoard::shared);
  }

  /** With the solves reported to {@code jobs} (the web panel's board). */
  public ExtendShotNode(Supplier<SequenceCache> cache, Supplier<JobBoard> jobs) {
    this.cache = cache;
    this.jobs = jobs;
  }

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public boolean changesTimeDomain() {
    return true;
  }

  @Override
  public FrameRange timeDomain(FrameRange source, ParamValues params) {
    int direction = params.getChoice(ExtendShotParams.DIRECTION.name());
    int n = params.getInt(ExtendShotParams.FRAMES_TO_ADD.name());
    double before = direction == ExtendShotParams.FORWARD ? 0 : n;
    double after = direction == ExtendShotParams.BACKWARD ? 0 : n;
    return new FrameRange(source.first() - before, source.last() + after);
  }

  @Override
  public FrameRange framesNeeded(double time, FrameRange source, ParamValues params) {
    if (source.contains(time)) {
      return new FrameRange(time, time);
    }
    return time > source.last()
        ? new FrameRange(Math.max(source.first(), source.last() - KEY_FRAMES + 1), source.last())
        : new FrameRange(source.first(), Math.min(source.last(), source.first() + KEY_FRAMES - 1));
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    FrameRange range = ctx.shot().range(ClipSpec.SOURCE);
    double time = ctx.time();
    if (range.contains(time) || !Double.isFinite(range.first()) || !Double.isFinite(range.last())) {
      copy(ctx, Inputs.source(ctx, range.clamp(time), out), out);
      ctx.status(StatusField.CACHE_HIT, "not used (a real frame, passed through)");
      return;
    }
    if (!ctx.shot().temporalAccess()) {
      throw new NodeException("ExtendShot: this host gives the node no access to other frames, so it cannot "
          + "predict frame " + time + "; extend the shot with `worldfx extend` (the command-line runner)");
    }
    int first = (int) Math.ceil(range.first()), last = (int) Math.floor(range.last());
    boolean forward = time > last;
    int horizon = (int) Math.round(forward ? time - last : first - time);
    int nearest = forward ? last : first;
    FrameView near = Inputs.source(ctx, nearest, out);
    boolean matte = ctx.params().getChoice(ExtendShotParams.OUTPUT.name()) == ExtendShotParams.OUTPUT_DRIFT_MATTE;
    ImagePlanes image = SolveStatus.tracked(ctx, () -> {
      IntFunction<CacheKey> key = keys(ctx, first, last, forward); // the source frames' digests: once a render
      return matte ? driftMatte(ctx, key, first, last, forward, near)
          : predicted(ctx, key, first, last, forward, horizon, near);
    });
    RectI window = ctx.renderWindow();
    RectI b = near.bounds();
    int w = b.width(), plane = w * b.height();
    boolean alpha = out.components() == dev.worldfx.nodes.Components.RGBA;
    ctx.forEachRow(window, y -> {
      for (int x = window.x1(); x < window.x2(); x++) {
        if (!b.contains(x, y)) {
          out.copyRowFrom(near, y, x, x + 1); // outside the source: zero, as a copy would give
          continue;
        }
        int p = (y - b.y1()) * w + (x - b.x1());
        for (int c = 0; c < 3; c++) {
          out.store(x, y, c, image.data()[(matte ? 0 : c) * plane + p]); // the matte: one plane, grey
        }
        if (alpha && matte) {
          out.store(x, y, 3, 1f);
        } else if (alpha) {
          out.copyChannelFrom(near, x, y, 3); // the nearest real frame's alpha
        }
      }
    });
  }

  private static void copy(RenderContext ctx, FrameView src, FrameView out) {
    RectI window = ctx.renderWindow();
    // A copy is memory-bound: one thread saturates the bus; waking host threads costs more than it saves.
    long bytesPerRow = (long) window.width() * out.depth().bytesPerChannel() * out.components().channels();
    RowBands.forEachBand(ctx, window, RowBands.copyBandRows(bytesPerRow),
        (y0, y1) -> out.copyRowsFrom(src, y0, y1, window.x1(), window.x2()));
  }

  /**
   * The cache keys of one side's solve, by horizon: 1.. the added frames, 0 the back-test's message,
   * {@link #DRIFT_MATTE} its drift matte, -1 the solve itself (its lock, a model file's solveKey).
   */
  private static IntFunction<CacheKey> keys(RenderContext ctx, int first, int last, boolean forward) {
    SolveParams p = SolveParams.of(ctx.params());
    boolean finalQuality = p.finalQuality();
    int seed = p.seed(), toAdd = p.toAdd(), backtest = p.backtest();
    Shot shot = ctx.shot();
    int keyFrom = forward ? Math.max(first, last - KEY_FRAMES + 1) : first;
    int keyTo = forward ? last : Math.min(last, first + KEY_FRAMES - 1);
    byte[][] digests = new byte[keyTo - keyFrom + 1][];
    for (int t = keyFrom; t <= keyTo; t++) {
      int at = t;
      digests[t - keyFrom] = shot.digest(ClipSpec.SOURCE, t).orElseThrow(() -> new MissingInputException(
          "ExtendShot: no Source image at frame " + at + " of the shot " + first + "-" + last));
    }
    return h -> {
      CacheKey.Builder k = CacheKey.builder(ID, SOLVER_REVISION, seed).param("quality", finalQuality)
          .param("forward", forward).param("framesToAdd", toAdd).param("backtest", backtest).param("first", first)
          .param("last", last).param("horizon", h);
      for (int t = keyFrom; t <= keyTo; t++) {
        k.input(ClipSpec.SOURCE, t, digests[t - keyFrom]);
      }
      return k.build();
    };
  }

  /** The parameters a side's solve depends on. */
  private record SolveParams(boolean finalQuality, int seed, int toAdd, int backtest) {
    static SolveParams of(ParamValues p) {
      return new SolveParams(p.getChoice(ExtendShotParams.QUALITY.name()) == 1, p.getInt(ExtendShotParams.SEED.name()),
          p.getInt(ExtendShotParams.FRAMES_TO_ADD.name()), p.getInt(ExtendShotParams.BACKTEST_FRAMES.name()));
    }
  }

  /** The "horizon" of a side's back-test drift matte in {@link #keys}. */
  private static final int DRIFT_MATTE = -2;

  /**
   * One side's back-test drift matte ([1,H,W], mean absolute RGB error at the back-test's last
   * horizon): from the cache, else from the side's solve (which stores it), else, when the frames came
   * from the cache without it, from the back-test run again alone.
   */
  private ImagePlanes driftMatte(RenderContext ctx, IntFunction<CacheKey> key, int first, int last, boolean forward,
                                 FrameView near) {
    int backtest = ctx.params().getInt(ExtendShotParams.BACKTEST_FRAMES.name());
    int frames = last - first + 1;
    if (backtest == 0) {
      throw new NodeException("ExtendShot: Output Back-test drift matte needs the back-test; Back-test frames is 0");
    }
    if (frames < backtest + 2) {
      throw new NodeException("ExtendShot: Output Back-test drift matte needs the back-test, and a back-test of "
          + backtest + " frames needs a shot of at least " + (backtest + 2) + "; this one has " + frames);
    }
    SequenceCache store = cache.get();
    return failingAs(store, "the back-test", () -> {
      Optional<ImagePlanes> stored = PlanesRecord.read(store, key.apply(DRIFT_MATTE));
      if (stored.isPresent()) {
        return stored.get();
      }
      predicted(ctx, key, first, last, forward, 1, near); // a solve stores the matte with the frames
      stored = PlanesRecord.read(store, key.apply(DRIFT_MATTE));
      if (stored.isPresent()) {
        return stored.get();
      }
      return store.withSolveLock(key.apply(-1), () -> {
        SolveParams p = SolveParams.of(ctx.params());
        ShotExtender.Settings settings = new ShotExtender.Settings(p.finalQuality(), p.seed());
        ClipFrames clip = new SourceFrames(ctx.shot(), first, last, near.bounds());
        ShotExtender.Backtest bt = new ShotExtender(settings, ctx::checkAbort, ctx::progress)
            .backtest(forward ? clip : clip.reversed(), backtest, SAFE_PSNR_DB);
        return storeDriftMatte(store, key, bt, near.bounds());
      });
    });
  }

  /** A step of a render that uses the sequence cache, its failures as the node's: the cache's, an abort, or {@code what}'s. */
  private static <T> T failingAs(SequenceCache store, String what, java.util.concurrent.Callable<T> step) {
    try {
      return step.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeException("ExtendShot: the sequence cache at " + store.root() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderAbortedException();
    } catch (Exception e) {
      throw new NodeException("ExtendShot: " + what + " failed: " + e, e);
    }
  }

  private static ImagePlanes storeDriftMatte(SequenceCache store, IntFunction<CacheKey> key, ShotExtender.Backtest bt,
                                             RectI bounds) throws IOException {
    ImagePlanes matte = new ImagePlanes(1, bounds.height(), bounds.width(), bt.driftMatte());
    store.put(key.apply(DRIFT_MATTE), Map.of("kind", "driftMatte"), PlanesRecord.encode(matte));
    return matte;
  }

  /**
   * The added frame at {@code horizon} on one side: from the cache, or solved with the whole side;
   * {@code key} is that side's {@link #keys}.
   */
  private ImagePlanes predicted(RenderContext ctx, IntFunction<CacheKey> key, int first, int last, boolean forward,
                                int horizon, FrameView near) {
    RectI bounds = near.bounds();
    SolveParams p = SolveParams.of(ctx.params());
    boolean finalQuality = p.finalQuality();
    int seed = p.seed(), toAdd = p.toAdd(), backtest = p.backtest();
    Shot shot = ctx.shot();
    SequenceCache store = cache.get();
    ShotExtender.Settings settings = new ShotExtender.Settings(finalQuality, seed);
    ModelFile modelFile = new ModelFile(ctx, store, key.apply(-1), settings,
        new ExtendModelFile.Source(forward, first, last, Math.max(1, toAdd)), near);
    ModelSource refitted = () -> refit(ctx, store, key.apply(0), settings, new SourceFrames(shot, first, last, bounds),
        forward, backtest);
    return failingAs(store, "the solve", () -> {
      Optional<ImagePlanes> hit = PlanesRecord.read(store, key.apply(horizon));
      if (hit.isPresent()) {
        SolveStatus.cacheHit(ctx);
        modelFile.save(notice(ctx, store, key.apply(0)), refitted);
        return hit.get();
      }
      return store.withSolveLock(key.apply(-1), () -> {
        Optional<ImagePlanes> again = PlanesRecord.read(store, key.apply(horizon));
        if (again.isPresent()) {
          SolveStatus.cacheHit(ctx);
          modelFile.save(notice(ctx, store, key.apply(0)), refitted);
          return again.get();
        }
        String label = String.format(Locale.ROOT, "frames %d-%d, %dx%d, %d added %s", first, last, bounds.width(),
            bounds.height(), toAdd, forward ? "after" : "before");
        return jobs.get().run(ID, label, job -> {
          SolveStatus.solving(ctx, SolveStatus.backend());
          DoubleConsumer progress = job.progressTo(SolveStatus.progress(ctx));
          ClipFrames clip = new SourceFrames(shot, first, last, bounds);
          ClipFrames side = forward ? clip : clip.reversed();
          int edge = forward ? last : first;
          job.preview("source", edge, forward ? "last real frame" : "first real frame",
              Thumbnail.rgb(side.rgb(side.count() - 1)));
          // the parts of the solve each report 0..1: back-test, fit, predict get these shares of the bar
          double[] span = {0, backtest > 0 ? 0.4 : 0};
          ShotExtender extender = new ShotExtender(settings, job.abortPoll(ctx::checkAbort),
              f -> progress.accept(span[0] + (span[1] - span[0]) * f), job::loss).sharing(new PairMemo());
          String summary = "ExtendShot back-test: off";
          String safeLength = "off (Back-test frames is 0)";
          ShotExtender.Backtest bt = null;
          if (backtest > 0 && clip.count() >= backtest + 2) {
            job.phase("back-test: hiding the last " + backtest + " frames, fitting and predicting them");
            bt = extender.backtest(side, backtest, SAFE_PSNR_DB);
            job.backtest(bt.psnr(), bt.ssim(), bt.safeLength(), bt.thresholdDb());
            job.preview("error", edge, "back-test error at horizon " + backtest + " (x4)",
                Thumbnail.gray(bt.driftMatte(), bounds.width(), bounds.height(), 4f));
            storeDriftMatte(store, key, bt, bounds);
            job.cacheEntry(key.apply(DRIFT_MATTE));
            summary = summary(bt, toAdd);
            safeLength = safeLength(bt, toAdd);
          } else if (backtest > 0) {
            summary = "ExtendShot back-test: skipped (it needs " + (backtest + 2) + " frames, the shot has "
                + clip.count() + ")";
            safeLength = "not measured (the shot is too short for the back-test)";
          }
          boolean useAppearance = bt != null && bt.appearanceHelps();
          double damping = bt != null ? bt.damping() : 1;
          store.put(key.apply(0), Map.of("kind", "backtest", SAFE_LENGTH_KEY, safeLength, USE_APPEARANCE_KEY,
              Boolean.toString(useAppearance), DAMPING_KEY, Double.toString(damping)),
              summary.getBytes(StandardCharsets.UTF_8));
          job.cacheEntry(key.apply(0));
          ctx.notice(summary);
          ctx.status(StatusField.SAFE_LENGTH, safeLength);
          job.message(summary);
          job.phase("fitting the shot model");
          span[0] = span[1];
          span[1] = 0.7;
          ShotExtender.Model model = extender.fit(side);
          model.useAppearance = useAppearance;
          model.settle(damping);
          modelFile.save(summary, () -> model);
          ImagePlanes[] mine = new ImagePlanes[1];
          IOException[] failed = new IOException[1];
          int frames = Math.max(toAdd, horizon);
          job.phase("predicting " + frames + " frame(s)");
          span[0] = 0.7;
          span[1] = 1;
          extender.predict(model, frames, (h, frame) -> {
            try {
              store.put(key.apply(h), Map.of("horizon", Integer.toString(h)), PlanesRecord.encode(frame));
              job.cacheEntry(key.apply(h));
            } catch (IOException e) {
              failed[0] = e;
            }
            if (h == horizon) {
              mine[0] = frame;
            }
            if (h == 1) {
              job.preview("result", forward ? last + 1 : first - 1, "first added frame", Thumbnail.rgb(frame));
            }
          });
          if (failed[0] != null) {
            throw failed[0];
          }
          SolveStatus.solved(ctx);
          return mine[0];
        });
      });
    });
  }

  static String summary(ShotExtender.Backtest bt, int toAdd) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
        "ExtendShot back-test: safe extension length %s (PSNR >= %.0f dB over the last %d real frames "
            + "hidden and predicted)", bt.safeLengthText(), bt.thresholdDb(), bt.psnr().length));
    if (bt.safeLength() < toAdd) {
      s.append("; ").append(toAdd).append(" frames are being added");
    }
    if (bt.damping() < 1) {
      s.append(String.format(Locale.ROOT, "; the camera's move is easing out: its speed is damped to %.2f per frame "
          + "(%+.2f dB in the back-test over constant velocity)", bt.damping(), bt.dampingGainDb()));
    }
    s.append(". PSNR by horizon:");
    for (int h = 0; h < bt.psnr().length; h++) {
      s.append(String.format(Locale.ROOT, " %d: %.1f", h + 1, bt.psnr()[h]));
    }
    if (bt.appearance() != null) {
      float[] l = bt.appearance().monitorLosses();
      s.append(String.format(Locale.ROOT, ". Appearance network trained on the shot: loss on fixed crops %.5f -> %.5f "
          + "over %d steps, %s (%+.2f dB in the back-test)", l[0], l[l.length - 1], bt.appearance().losses().length,
          bt.appearanceHelps() ? "used" : "not used", bt.appearanceGainDb()));
    }
    return s.toString();
  }

  /** "12 frames", with a warning when fewer than the frames being added. */
  static String safeLength(ShotExtender.Backtest bt, int toAdd) {
    String s = bt.safeLengthText();
    return bt.safeLength() < toAdd ? s + " (fewer than the " + toAdd + " being added)" : s;
  }

  /** The back-test's message and Safe extension status, read back with the solve; returns the message (null: none). */
  private static String notice(RenderContext ctx, SequenceCache store, CacheKey summaryKey) throws IOException {
    Optional<CacheEntry> e = store.get(summaryKey);
    if (e.isEmpty()) {
      return null;
    }
    try (CacheEntry entry = e.get()) {
      String summary = new String(entry.payloadCopy(), StandardCharsets.UTF_8);
      ctx.notice(summary);
      String safeLength = entry.metadata().get(SAFE_LENGTH_KEY);
      if (safeLength != null) {
        ctx.status(StatusField.SAFE_LENGTH, safeLength);
      }
      return summary;
    }
  }

  /**
   * The model of one side fitted again for a model file, after the frames came from the cache: the fit
   * alone, with the appearance network used as the solve's back-test decided (read from its cache entry;
   * where that entry is gone, the back-test runs again).
   */
  private static ShotExtender.Model refit(RenderContext ctx, SequenceCache store, CacheKey backtestKey,
                                          ShotExtender.Settings settings, ClipFrames clip, boolean forward,
                                          int backtest) throws IOException {
    ClipFrames side = forward ? clip : clip.reversed();
    ShotExtender extender = new ShotExtender(settings, ctx::checkAbort, ctx::progress).sharing(new PairMemo());
    String stored = null, storedDamping = null;
    Optional<CacheEntry> e = store.get(backtestKey);
    if (e.isPresent()) {
      try (CacheEntry entry = e.get()) {
        stored = entry.metadata().get(USE_APPEARANCE_KEY);
        storedDamping = entry.metadata().get(DAMPING_KEY);
      }
    }
    boolean useAppearance;
    double damping;
    if (stored != null && storedDamping != null) {
      useAppearance = Boolean.parseBoolean(stored);
      damping = Double.parseDouble(storedDamping);
    } else if (backtest > 0 && side.count() >= backtest + 2) {
      ShotExtender.Backtest bt = extender.backtest(side, backtest, SAFE_PSNR_DB);
      useAppearance = bt.appearanceHelps();
      damping = bt.damping();
    } else {
      useAppearance = false;
      damping = 1;
    }
    ShotExtender.Model model = extender.fit(side);
    model.useAppearance = useAppearance;
    model.settle(damping);
    return model;
  }

  /** A step that gives the model to save; it may fit the shot (and fail as a fit fails). */
  private interface ModelSource {
    ShotExtender.Model get() throws Exception;
  }

  /**
   * Save shot model to for one render of an added frame. A problem writing it (an unwritable path, a
   * full disk) is the Shot model status and a line after the back-test's message, never a failed render:
   * the frames do not depend on the file.
   */
  private record ModelFile(RenderContext ctx, SequenceCache store, CacheKey solveKey, ShotExtender.Settings settings,
                           ExtendModelFile.Source source, FrameView near) {
    void save(String summary, ModelSource model) throws InterruptedException {
      Path file;
      try {
        file = ShotModelOutput.target(ctx.params().getString(ExtendShotParams.SAVE_MODEL.name()),
            ctx.params().getChoice(ExtendShotParams.DIRECTION.name()), source.forward());
      } catch (IllegalArgumentException e) {
        failed(summary, "- " + e.getMessage());
        return;
      }
      if (file == null) {
        ctx.status(StatusField.SHOT_MODEL, "not written (Save shot model to is empty)");
        return;
      }
      String hex = solveKey.hex();
      // one writer per file (host threads, other processes): the others find it written when they get the lock
      CacheKey lock = CacheKey.builder(ID, "model file", 0).param("path", file.toString()).build();
      try {
        String status = store.withSolveLock(lock, () -> {
          if (ShotModelOutput.holds(file, hex)) {
            return "up to date: " + file + " (" + ShotModelOutput.size(Files.size(file)) + ")";
          }
          RectI b = near.bounds();
          ExtendModelFile written = new ExtendModelFile(model.get(), settings, source, ShotModelOutput.alpha(near, b),
              ShotModelOutput.metadata(near.depth(), b, hex));
          return "written to " + file + " (" + ShotModelOutput.size(ShotModelOutput.write(file, written)) + ")";
        });
        ctx.status(StatusField.SHOT_MODEL, status);
      } catch (RenderAbortedException | InterruptedException e) {
        throw e;
      } catch (Exception e) {
        failed(summary, "to " + file + ": " + reason(e));
      }
    }

    /** {@code why}: "to PATH: reason" or "- reason". */
    private void failed(String summary, String why) {
      ctx.status(StatusField.SHOT_MODEL, "not written " + why);
      String line = "ExtendShot: Save shot model to: not written " + why;
      ctx.notice(summary == null ? line : summary + "\n" + line);
    }

    /** Why, in words (NIO's exceptions often carry only the path). */
    private static String reason(Exception e) {
      return switch (e) {
        case java.nio.file.AccessDeniedException a -> "permission denied (" + a.getFile() + ")";
        case java.nio.file.FileAlreadyExistsException f -> f.getFile() + " is a file where a folder is needed";
        case java.nio.file.NoSuchFileException n -> "no such folder (" + n.getFile() + ")";
        case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
        default -> e.getMessage() != null ? e.getMessage() : e.toString();
      };
    }
  }

  /** The source clip's frames first..last, fetched one at a time and given back at once. */
  private record SourceFrames(Shot shot, int first, int last, RectI bounds) implements ClipFrames {
    public int count() {
      return last - first + 1;
    }

    public int width() {
      return bounds.width();
    }

    public int height() {
      return bounds.height();
    }

    public ImagePlanes rgb(int i) {
      FrameView f = shot.frame(ClipSpec.SOURCE, first + i).orElseThrow(() -> new MissingInputException(
          "ExtendShot: no Source image at frame " + (first + i) + " of the shot " + first + "-" + last));
      try {
        if (!f.bounds().equals(bounds)) {
          throw new MissingInputException("ExtendShot: the Source frame at " + (first + i) + " is " + f.bounds()
              + " but the shot's frames are " + bounds + "; every frame of a shot must have one size");
        }
        return ImagePlanes.rgbOf(f, bounds);
      } finally {
        shot.release(f);
      }
    }
  }
}
