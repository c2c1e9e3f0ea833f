package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.extend.ClipFrames;
import dev.worldfx.nodes.extend.ExtendModelFile;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.extend.PairMemo;
import dev.worldfx.nodes.extend.ShotExtender;
import dev.worldfx.nodes.jobs.Job;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.jobs.Thumbnail;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import jakarta.inject.Inject;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.DoubleConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Extends a PNG or EXR sequence forwards or backwards with ExtendShot's model of the shot
 * ({@link ShotExtender}), writing only the new frames, numbered as the continuation of the
 * input's numbers; back-tests the model on the shot's own last frames first.
 */
@Command(name = "extend", mixinStandardHelpOptions = true,
    description = {"Predict frames a PNG or OpenEXR sequence never had, after its end (forward) or before its start (backward).",
        "Writes ONLY the new frames, numbered as the continuation of the input: input 1000-1047 extended forward by "
            + "16 gives 1048-1063; backward by 16 gives 0984-0999. The input must have no gaps.",
        "The model of the shot: the camera's motion with momentum, a memory of the background seen (what went "
            + "behind an object or out of frame comes back), moving objects with velocity and acceleration; new "
            + "content entering the frame is continued smoothly from the edge; a small network trained on the shot "
            + "corrects the frames when the back-test shows it helps. Predictions past the safe length the back-test "
            + "reports are guesses.",
        "Back-test (on by default, --backtest 0 turns it off): the last K real frames are hidden, predicted from "
            + "the rest and scored (PSNR, SSIM); the safe length is the horizon up to which PSNR stays at or above "
            + "25 dB.",
        "--save-model FILE also writes the fitted model (a safetensors file with its settings and the shot's frame "
            + "numbers): `worldfx generate --model FILE --frames N` writes the same frames, numbered the same, on any "
            + "machine, without the source shot; the Generate node renders them in a host (Generator context).",
        "--drift-matte FILE writes where the back-test's prediction drifted: per pixel, the mean absolute error over "
            + "R, G, B at the back-test's last horizon, in the shot's own units (1.0 = full scale), as a grey image "
            + "(.exr: float, exact; otherwise 16-bit PNG, clipped at 1.0). The report gives its mean, 95th percentile "
            + "and largest value."},
    footer = {"", "Exit codes: 0 done, 2 usage error (also a bad pattern), 3 input error (missing frames, gaps, "
        + "unreadable files), 4 out of memory, 6 output error (unwritable --output, --save-model or --drift-matte, disk full), 130 cancelled (Ctrl-C, or Cancel on the web panel).",
        "", "Examples:",
        "  worldfx extend --input IN/%%04d.png --output OUT/%%04d.png --frames 16 --direction forward",
        "  worldfx extend --input IN/%%04d.png --output OUT/%%04d.png --frames 8 --direction backward \\\\",
        "      --backtest 8 --report report.json",
        "  worldfx extend --input IN/%%04d.png --output OUT/%%04d.png \\",
        "      --frames 16 --direction forward --save-model shot.safetensors"})
final class ExtendCommand extends WorkCommand implements Callable<Integer> {
  static final double SAFE_PSNR_DB = 25;

  @Option(names = "--input", required = true, paramLabel = "PATTERN", description = "Source frames, e.g. IN/%%04d.png.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATTERN", description = "New frames, e.g. OUT/%%04d.png.")
  String output;

  @Option(names = "--frames", required = true, paramLabel = "N", description = "How many frames to add.")
  int frames;

  @Option(names = "--direction", required = true, paramLabel = "forward|backward", description = "Which end to extend.")
  String direction;

  @Option(names = "--save-model", paramLabel = "FILE",
      description = "Also write the fitted model of the shot here (safetensors): `worldfx generate --model FILE` and the "
          + "Generate node (Generator) predict the same frames from it, without the source shot.")
  Path saveModel;

  @Option(names = "--drift-matte", paramLabel = "FILE",
      description = "Also write the back-test's drift matte here (.exr or .png): per pixel, the mean absolute error "
          + "over RGB at the back-test's last horizon (1.0 = full scale). Needs the back-test.")
  Path driftMatte;

  @Option(names = "--backtest", paramLabel = "K", defaultValue = "8",
      description = "Hide and predict the last K real frames first (0 = off; default: ${DEFAULT-VALUE}).")
  int backtest;

  @Mixin
  SolveOptions solve = new SolveOptions();

  @Spec
  CommandSpec spec;


  @Inject
  ExtendCommand(Io io) {
    super(io);
  }

  /** An image sequence as clip frames, decoded on demand. */
  private record PngClip(ImageSequence seq, List<Integer> numbers, RectI bounds) implements ClipFrames {
    public int count() {
      return numbers.size();
    }

    public int width() {
      return bounds.width();
    }

    public int height() {
      return bounds.height();
    }

    public ImagePlanes rgb(int i) {
      try (Arena arena = Arena.ofConfined()) {
        FrameView f = ImageFiles.read(arena, seq.file(numbers.get(i)));
        if (!f.bounds().equals(bounds)) {
          throw new IllegalArgumentException("size mismatch: " + seq.file(numbers.get(i)) + " is " + f.bounds().width()
              + "x" + f.bounds().height() + " but the shot is " + bounds.width() + "x" + bounds.height());
        }
        return ImagePlanes.rgbOf(f, bounds);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  @Override
  public Integer call() throws Exception {
    boolean forward = switch (direction.toLowerCase(Locale.ROOT)) {
      case "forward" -> true;
      case "backward" -> false;
      default -> throw new ParameterException(spec.commandLine(), "--direction must be forward or backward, not '"
          + direction + "'");
    };
    boolean finalQuality = switch (solve.quality.toLowerCase(Locale.ROOT)) {
      case "draft" -> false;
      case "final" -> true;
      default -> throw new ParameterException(spec.commandLine(), "--quality must be draft or final, not '" + solve.quality + "'");
    };
    if (frames < 1 || frames > 10000) {
      throw new ParameterException(spec.commandLine(), "--frames must be 1 to 10000, not " + frames);
    }
    if (backtest < 0) {
      throw new ParameterException(spec.commandLine(), "--backtest must not be negative");
    }
    if (driftMatte != null && backtest == 0) {
      throw new ParameterException(spec.commandLine(), "--drift-matte needs the back-test; --backtest 0 turns it off");
    }
    ImageSequence in = usage(() -> ImageSequence.parse(input));
    ImageSequence out = usage(() -> ImageSequence.parse(output));
    List<Integer> numbers = in.existingNumbers();
    if (numbers.size() < 2) {
      throw new IllegalArgumentException("no shot to extend: " + numbers.size() + " frame(s) match " + in
          + " in " + in.folder() + "; at least 2 are needed to show motion");
    }
    List<ImageSequence.Gap> gaps = ImageSequence.gaps(numbers);
    if (!gaps.isEmpty()) {
      throw new IllegalArgumentException(in + " has gaps (" + gaps.stream().map(ImageSequence.Gap::toString)
          .collect(java.util.stream.Collectors.joining(", ")) + "): extend one unbroken shot");
    }
    int first = numbers.getFirst(), last = numbers.getLast();
    int newFirst = forward ? last + 1 : first - frames;
    if (newFirst < 0) {
      throw new IllegalArgumentException("extending backward by " + frames + " from frame " + first
          + " would need negative frame numbers");
    }
    RectI bounds = ImageFiles.bounds(in.file(first));
    for (int n : numbers) {
      RectI b = ImageFiles.bounds(in.file(n));
      if (!b.equals(bounds)) {
        throw new IllegalArgumentException("size mismatch: " + in.file(n) + " is " + b.width() + "x" + b.height()
            + " but " + in.file(first) + " is " + bounds.width() + "x" + bounds.height());
      }
    }
    if (driftMatte != null && numbers.size() < backtest + 2) {
      throw new IllegalArgumentException(String.format(Locale.ROOT, "--drift-matte needs the back-test, and a "
          + "back-test of %d frames needs at least %d frames; %s has %d (a smaller --backtest K fits)", backtest,
          backtest + 2, in, numbers.size()));
    }
    int nearest = forward ? last : first;
    ImageFiles.Header like = ImageFiles.header(in.file(nearest));
    outputs.requireWritableFolder(out.folder(), "--output");
    if (saveModel != null) {
      outputs.requireWritableFolder(saveModel.toAbsolutePath().getParent(), "--save-model");
    }
    if (driftMatte != null) {
      outputs.requireWritableFolder(driftMatte.toAbsolutePath().getParent(), "--drift-matte");
    }
    report.put("model", "camera with momentum, background memory, objects with velocity and acceleration, a small "
            + "appearance network trained on the shot (used when the back-test shows it helps)")
        .put("input", in.pattern()).put("output", out.pattern())
        .put("inputFrames", Json.object("first", numbers.getFirst(), "last", numbers.getLast()))
        .put("direction", direction.toLowerCase(Locale.ROOT)).put("quality", finalQuality ? "final" : "draft")
        .put("seed", solve.seed).put("savedModel", saveModel == null ? null : saveModel.toString());
    PngClip clip = new PngClip(in, numbers, bounds);
    ClipFrames shot = forward ? clip : clip.reversed();
    // the solve is a job on this machine's web panel (worldfx panel shows it, and can cancel it)
    String label = String.format(Locale.ROOT, "%s, frames %d-%d, %dx%d, %d added %s", in, first, last, bounds.width(),
        bounds.height(), frames, forward ? "after" : "before");
    return JobBoard.shared().run(ExtendShotNode.ID, label, job -> extend(job, forward, finalQuality, in, out, numbers,
        bounds, like, shot));
  }

  private int extend(Job job, boolean forward, boolean finalQuality, ImageSequence in, ImageSequence out,
                     List<Integer> numbers, RectI bounds, ImageFiles.Header like, ClipFrames shot) throws IOException {
    int first = numbers.getFirst(), last = numbers.getLast();
    int nearest = forward ? last : first;
    long start = System.nanoTime();
    Progress progress = new Progress(console, report, "extend");
    ShotExtender.Settings settings = new ShotExtender.Settings(finalQuality, solve.seed);
    // the new frames are written like the nearest real frame: its depth, its header, its alpha
    Look look;
    float[] alpha;
    try (Arena arena = Arena.ofConfined()) {
      FrameView template = ImageFiles.read(arena, in.file(nearest));
      look = new Look(template.depth(), like);
      alpha = ExtendModelFile.alphaOf(template, bounds);
    }
    // the panel's cancel and Ctrl-C both stop the solve; the panel shows one bar over back-test, fit and predict
    Runnable abort = job.abortPoll(cancel::check);
    DoubleConsumer board = job.progressTo(f -> { });
    double fitFrom = backtest > 0 ? 0.4 : 0;
    job.preview("source", nearest, forward ? "last real frame" : "first real frame",
        Thumbnail.rgb(shot.rgb(shot.count() - 1)));

    ShotExtender.Backtest bt = null;
    PairMemo pairs = new PairMemo(); // the fit after the back-test reuses what it measured on the same frames
    if (backtest > 0) {
      if (numbers.size() < backtest + 2) {
        console.message("extend", String.format(Locale.ROOT, "back-test skipped: it needs at least %d frames, the "
            + "shot has %d", backtest + 2, numbers.size()));
      } else {
        job.phase("back-test: hiding the last " + backtest + " frames, fitting and predicting them");
        try (var p = report.phase("backtest")) {
          bt = new ShotExtender(settings, abort, both(progress.solve("back-test on the last " + backtest + " frames"),
              board, 0, fitFrom), job::loss).sharing(pairs).backtest(shot, backtest, SAFE_PSNR_DB);
        }
        job.backtest(bt.psnr(), bt.ssim(), bt.safeLength(), bt.thresholdDb());
        StringBuilder table = new StringBuilder("back-test (last " + backtest + " real frames hidden and predicted):");
        for (int h = 0; h < backtest; h++) {
          table.append(String.format(Locale.ROOT, "%n  horizon %2d: PSNR %6.2f dB, SSIM %.4f", h + 1, bt.psnr()[h],
              bt.ssim()[h]));
        }
        console.message("extend", table.toString());
        String safe = String.format(Locale.ROOT, "safe extension length %s (PSNR >= %.0f dB)%s",
            bt.safeLengthText(), SAFE_PSNR_DB, bt.safeLength() < frames ? "; you asked for " + frames : "");
        console.message("extend", safe);
        report.message(safe);
      }
    }
    if (bt != null) {
      List<Object> horizons = new ArrayList<>();
      for (int h = 0; h < bt.psnr().length; h++) {
        horizons.add(Json.object("horizon", h + 1, "psnr", Json.fixed(bt.psnr()[h], 4), "ssim",
            Json.fixed(bt.ssim()[h], 5)));
      }
      report.put("backtest", Json.object("frames", bt.psnr().length, "horizons", horizons, "safeLength",
          bt.safeLength(), "safeLengthIsLowerBound", bt.safeLengthIsLowerBound(), "thresholdDb",
          Json.fixed(bt.thresholdDb(), 1), "damping", bt.damping(), "dampingGainDb", Json.fixed(bt.dampingGainDb(), 3)));
      if (driftMatte != null) {
        writeDriftMatte(bt, bounds, nearest); // the last hidden frame is the real frame at that end
      } else {
        report.put("driftMatte", null);
      }
    } else {
      report.put("backtest", null).put("driftMatte", null);
    }

    ShotExtender.Model model;
    job.phase("fitting the shot model");
    try (var p = report.phase("fit")) {
      model = new ShotExtender(settings, abort, both(progress.solve("fitting the model of the shot"), board, fitFrom, 0.7),
          job::loss).sharing(pairs).fit(shot);
    }
    model.useAppearance = bt != null && bt.appearanceHelps();
    model.settle(bt != null ? bt.damping() : 1);
    if (bt != null && bt.damping() < 1) {
      console.message("extend", String.format(Locale.ROOT, "the camera's move is easing out: its speed is damped to "
          + "%.2f per frame (back-test %+.2f dB over constant velocity)", bt.damping(), bt.dampingGainDb()));
    }
    if (saveModel != null) {
      Map<String, String> extra = new LinkedHashMap<>(look.metadata());
      extra.put("boundsX", Integer.toString(bounds.x1())); // an EXR's data window need not start at 0
      extra.put("boundsY", Integer.toString(bounds.y1()));
      ExtendModelFile file = new ExtendModelFile(model, settings, new ExtendModelFile.Source(forward, first, last,
          frames), like.alpha() ? alpha : null, extra);
      try (var p = report.phase("saveModel")) {
        outputs.replace(saveModel, file::save);
      }
      console.message("extend", "wrote the shot model to " + saveModel);
    }
    double[] cam = model.cameraVelocity();
    report.put("camera", Json.object("vx", Json.fixed(cam[0], 4), "vy", Json.fixed(cam[1], 4)))
        .put("objectPixels", model.objectPixels());
    ShotExtender.AppearanceTraining training = model.appearanceTraining();
    if (training != null) {
      float[] l = training.losses();
      String used = model.useAppearance
          ? String.format(Locale.ROOT, "used (back-test %+.2f dB)", bt.appearanceGainDb())
          : bt == null ? "not used (no back-test to show it helps)"
          : String.format(Locale.ROOT, "not used (back-test %+.2f dB)", bt.appearanceGainDb());
      float[] m = training.monitorLosses();
      console.message("extend", String.format(Locale.ROOT, "appearance network trained on the shot: %d steps, loss on "
          + "fixed crops %.5f -> %.5f; %s", l.length, m[0], m[m.length - 1], used));
      List<Object> losses = new ArrayList<>(), monitor = new ArrayList<>();
      for (float v : l) {
        losses.add(Json.fixed(v, 6));
      }
      for (int i = 0; i < m.length; i++) {
        monitor.add(Json.object("step", Math.min(i * training.monitorEvery(), l.length), "loss", Json.fixed(m[i], 6)));
      }
      report.put("appearanceNetwork", Json.object("steps", l.length, "loss", losses, "monitorLoss", monitor,
          "heldOutGainDb",
          Json.fixed(training.validationGainDb(), 3), "backtestGainDb",
          bt == null ? null : Json.fixed(bt.appearanceGainDb(), 3), "used", model.useAppearance));
    }
    List<Integer> written = new ArrayList<>();
    report.put("written", written);
    try (var p = report.phase("predict")) {
      long[] t0 = {System.nanoTime()};
      job.phase("predicting " + frames + " frame(s)");
      // on the console the frames written are the progress here
      new ShotExtender(settings, abort, both(f -> { }, board, 0.7, 1), job::loss).predict(model, frames, (h, planes) -> {
        int number = forward ? last + h : first - h;
        if (h == 1) {
          job.preview("result", number, "first added frame", Thumbnail.rgb(planes));
        }
        try {
          writeFrame(outputs, planes, alpha, look, out.file(number));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        written.add(number);
        long now = System.nanoTime();
        progress.frame(number, h, frames, (now - t0[0]) / 1e9);
        t0[0] = now;
      });
    }
    double total = (System.nanoTime() - start) / 1e9;
    console.summary(String.format(Locale.ROOT, "worldfx extend: wrote frames %d-%d to %s in %.2f s",
        Math.min(written.getFirst(), written.getLast()), Math.max(written.getFirst(), written.getLast()), out, total));
    return Main.EXIT_OK;
  }

  /**
   * Writes a predicted frame as `extend` does (all or nothing): in {@code look}'s depth and header, over
   * its bounds, with {@code alpha} ([H,W], the nearest real frame's).
   */
  static void writeFrame(OutputFiles outputs, ImagePlanes planes, float[] alpha, Look look, Path file)
      throws IOException {
    RectI bounds = look.header().bounds();
    try (Arena a = Arena.ofConfined()) {
      FrameView f = FrameView.allocate(a, bounds, look.depth(), Components.RGBA);
      planes.storeInto(f, bounds);
      for (int y = bounds.y1(); y < bounds.y2(); y++) {
        for (int x = bounds.x1(); x < bounds.x2(); x++) {
          f.store(x, y, 3, alpha[(y - bounds.y1()) * bounds.width() + (x - bounds.x1())]);
        }
      }
      outputs.replace(file, tmp -> ImageFiles.encode(f, file, tmp, look.header()));
    }
  }

  /**
   * Writes the back-test's drift matte to --drift-matte (grey RGB, no alpha; float EXR or 16-bit PNG)
   * and its statistics to the report; {@code frame} is the real frame the matte was scored on.
   */
  private void writeDriftMatte(ShotExtender.Backtest bt, RectI bounds, int frame) throws IOException {
    float[] m = bt.driftMatte();
    int plane = m.length;
    float[] grey = new float[3 * plane];
    for (int c = 0; c < 3; c++) {
      System.arraycopy(m, 0, grey, c * plane, plane);
    }
    Look look = Look.of(PixelDepth.FLOAT, dev.worldfx.cli.exr.ExrPixelType.FLOAT, bounds);
    try (var p = report.phase("driftMatte")) {
      writeFrame(outputs, new ImagePlanes(3, bounds.height(), bounds.width(), grey), new float[plane], look,
          driftMatte);
    }
    float[] sorted = m.clone();
    java.util.Arrays.sort(sorted);
    double sum = 0;
    for (float v : m) {
      sum += v;
    }
    report.put("driftMatte", Json.object("file", driftMatte.toString(), "horizon", bt.psnr().length, "frame", frame,
        "mean", Json.fixed(sum / plane, 5), "p95", Json.fixed(sorted[(int) Math.min(plane - 1, Math.floor(0.95 * plane))], 5),
        "max", Json.fixed(sorted[plane - 1], 5)));
    console.message("extend", String.format(Locale.ROOT, "wrote the back-test's drift matte (frame %d, horizon %d, mean "
        + "error %.4f) to %s", frame, bt.psnr().length, sum / plane, driftMatte));
  }

  /** A part's fractions to the console as they are and to the board mapped into [from, to] of the whole. */
  private static DoubleConsumer both(DoubleConsumer console, DoubleConsumer board, double from, double to) {
    return f -> {
      console.accept(f);
      board.accept(from + (to - from) * f);
    };
  }

  private <T> T usage(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
