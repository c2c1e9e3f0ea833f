package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.extend.ClipFrames;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.extend.ShotExtender;
import dev.worldfx.nodes.jobs.Job;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.jobs.Thumbnail;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.DoubleConsumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Extends a PNG sequence forwards or backwards with ExtendShot's model of the shot
 * ({@link ShotExtender}), writing only the new frames, numbered as the continuation of the
 * input's numbers; back-tests the model on the shot's own last frames first.
 */
@Command(name = "extend", mixinStandardHelpOptions = true,
    description = {"Predict frames a PNG sequence never had, after its end (forward) or before its start (backward).",
        "Writes ONLY the new frames, numbered as the continuation of the input: input 1000-1047 extended forward by "
            + "16 gives 1048-1063; backward by 16 gives 0984-0999. The input must have no gaps.",
        "The model of the shot: the camera's motion with momentum, a memory of the background seen (what went "
            + "behind an object or out of frame comes back), moving objects with velocity and acceleration; new "
            + "content entering the frame is continued smoothly from the edge; a small network trained on the shot "
            + "corrects the frames when the back-test shows it helps. Predictions past the safe length the back-test "
            + "reports are guesses.",
        "Back-test (on by default, --backtest 0 turns it off): the last K real frames are hidden, predicted from "
            + "the rest and scored (PSNR, SSIM); the safe length is the horizon up to which PSNR stays at or above "
            + "25 dB."},
    footer = {"", "Exit codes: 0 done, 2 usage error, 3 input error (missing frames, gaps, unreadable files).",
        "", "Examples:",
        "  worldfx extend --input IN/%%04d.png --output OUT/%%04d.png --frames 16 --direction forward",
        "  worldfx extend --input IN/%%04d.png --output OUT/%%04d.png --frames 8 --direction backward \\\\",
        "      --backtest 8 --report report.json"})
final class ExtendCommand implements Callable<Integer> {
  static final double SAFE_PSNR_DB = 25;

  @Option(names = "--input", required = true, paramLabel = "PATTERN", description = "Source frames, e.g. IN/%%04d.png.")
  String input;

  @Option(names = "--output", required = true, paramLabel = "PATTERN", description = "New frames, e.g. OUT/%%04d.png.")
  String output;

  @Option(names = "--frames", required = true, paramLabel = "N", description = "How many frames to add.")
  int frames;

  @Option(names = "--direction", required = true, paramLabel = "forward|backward", description = "Which end to extend.")
  String direction;

  @Option(names = "--backtest", paramLabel = "K", defaultValue = "8",
      description = "Hide and predict the last K real frames first (0 = off; default: ${DEFAULT-VALUE}).")
  int backtest;

  @Mixin
  SolveOptions solve = new SolveOptions();

  @Spec
  CommandSpec spec;

  /** A PNG sequence as clip frames, decoded on demand. */
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
        FrameView f = PngReader.read(arena, seq.file(numbers.get(i)));
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
    RectI bounds = PngReader.bounds(in.file(first));
    for (int n : numbers) {
      RectI b = PngReader.bounds(in.file(n));
      if (!b.equals(bounds)) {
        throw new IllegalArgumentException("size mismatch: " + in.file(n) + " is " + b.width() + "x" + b.height()
            + " but " + in.file(first) + " is " + bounds.width() + "x" + bounds.height());
      }
    }
    int nearest = forward ? last : first;
    boolean alpha = PngReader.hasAlpha(in.file(nearest));
    PngClip clip = new PngClip(in, numbers, bounds);
    ClipFrames shot = forward ? clip : clip.reversed();
    PrintWriter err = spec.commandLine().getErr();
    // the solve is a job on this machine's web panel (worldfx panel shows it, and can cancel it)
    String label = String.format(Locale.ROOT, "%s, frames %d-%d, %dx%d, %d added %s", in, first, last, bounds.width(),
        bounds.height(), frames, forward ? "after" : "before");
    return JobBoard.shared().run(ExtendShotNode.ID, label, job -> extend(job, forward, finalQuality, in, out, numbers,
        first, last, bounds, nearest, alpha, shot, err));
  }

  private int extend(Job job, boolean forward, boolean finalQuality, ImageSequence in, ImageSequence out,
                     List<Integer> numbers, int first, int last, RectI bounds, int nearest, boolean alpha,
                     ClipFrames shot, PrintWriter err) throws IOException {
    long start = System.nanoTime();
    job.preview("source", nearest, forward ? "last real frame" : "first real frame",
        Thumbnail.rgb(shot.rgb(shot.count() - 1)));
    DoubleConsumer progress = job.progressTo(f -> {});
    double[] span = {0, backtest > 0 ? 0.4 : 0}; // back-test, fit and predict each report 0..1
    ShotExtender extender = new ShotExtender(new ShotExtender.Settings(finalQuality, solve.seed), job.abortPoll(() -> {}),
        f -> progress.accept(span[0] + (span[1] - span[0]) * f), job::loss);

    ShotExtender.Backtest bt = null;
    if (backtest > 0) {
      if (numbers.size() < backtest + 2) {
        err.printf("extend: back-test skipped: it needs at least %d frames, the shot has %d%n", backtest + 2,
            numbers.size());
      } else {
        job.phase("back-test: hiding the last " + backtest + " frames, fitting and predicting them");
        bt = extender.backtest(shot, backtest, SAFE_PSNR_DB);
        job.backtest(bt.psnr(), bt.ssim(), bt.safeLength(), bt.thresholdDb());
        err.println("extend: back-test (last " + backtest + " real frames hidden and predicted):");
        for (int h = 0; h < backtest; h++) {
          err.printf(Locale.ROOT, "  horizon %2d: PSNR %6.2f dB, SSIM %.4f%n", h + 1, bt.psnr()[h], bt.ssim()[h]);
        }
        err.printf(Locale.ROOT, "extend: safe extension length %d frame(s) (PSNR >= %.0f dB)%s%n", bt.safeLength(),
            SAFE_PSNR_DB, bt.safeLength() < frames ? "; you asked for " + frames : "");
      }
    }
    double backtestSeconds = (System.nanoTime() - start) / 1e9;

    job.phase("fitting the shot model");
    span[0] = span[1];
    span[1] = 0.7;
    ShotExtender.Model model = extender.fit(shot);
    model.useAppearance = bt != null && bt.appearanceHelps();
    ShotExtender.AppearanceTraining training = model.appearanceTraining();
    if (training != null) {
      float[] l = training.losses();
      err.printf(Locale.ROOT, "extend: appearance network trained on the shot: %d steps, loss %.5f -> %.5f; %s%n",
          l.length, l[0], l[l.length - 1], model.useAppearance
              ? String.format(Locale.ROOT, "used (back-test %+.2f dB)", bt.appearanceGainDb())
              : bt == null ? "not used (no back-test to show it helps)"
              : String.format(Locale.ROOT, "not used (back-test %+.2f dB)", bt.appearanceGainDb()));
    }
    FrameView near;
    try (Arena arena = Arena.ofShared()) {
      near = PngReader.read(arena, in.file(nearest));
      FrameView template = near;
      PixelDepth depth = near.depth();
      List<Integer> written = new ArrayList<>();
      job.phase("predicting " + frames + " frame(s)");
      span[0] = 0.7;
      span[1] = 1;
      extender.predict(model, frames, (h, planes) -> {
        if (h == 1) {
          job.preview("result", forward ? last + 1 : first - 1, "first added frame", Thumbnail.rgb(planes));
        }
        int number = forward ? last + h : first - h;
        try (Arena a = Arena.ofConfined()) {
          FrameView f = FrameView.allocate(a, bounds, depth, Components.RGBA);
          planes.storeInto(f, bounds);
          for (int y = bounds.y1(); y < bounds.y2(); y++) {
            for (int x = bounds.x1(); x < bounds.x2(); x++) {
              f.store(x, y, 3, template.alpha(x, y)); // alpha of the nearest real frame
            }
          }
          PngWriter.write(f, out.file(number), depth == PixelDepth.SHORT ? 16 : 8, alpha);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        written.add(number);
        err.printf(Locale.ROOT, "extend: frame %d (%d/%d)%n", number, h, frames);
        err.flush();
      });
      double total = (System.nanoTime() - start) / 1e9;
      if (solve.report != null) {
        String json = reportJson(in, out, numbers, written, model, bt, backtestSeconds, total, finalQuality);
        PngWriter.replaceAtomically(solve.report, tmp -> Files.writeString(tmp, json));
      }
      spec.commandLine().getOut().printf(Locale.ROOT, "worldfx extend: wrote frames %d-%d to %s in %.2f s%n",
          Math.min(written.getFirst(), written.getLast()), Math.max(written.getFirst(), written.getLast()), out, total);
    }
    return Main.EXIT_OK;
  }

  private String reportJson(ImageSequence in, ImageSequence out, List<Integer> numbers, List<Integer> written,
                            ShotExtender.Model model, ShotExtender.Backtest bt, double backtestSeconds, double total,
                            boolean finalQuality) {
    StringBuilder s = new StringBuilder("{\n");
    s.append("  \"command\": \"extend\",\n");
    s.append("  \"model\": \"camera with momentum, background memory, objects with velocity and acceleration, a "
        + "small appearance network trained on the shot (used when the back-test shows it helps)\",\n");
    s.append("  \"input\": ").append(Json.quote(in.pattern())).append(",\n");
    s.append("  \"output\": ").append(Json.quote(out.pattern())).append(",\n");
    s.append(String.format(Locale.ROOT, "  \"inputFrames\": {\"first\": %d, \"last\": %d},%n", numbers.getFirst(),
        numbers.getLast()));
    s.append("  \"direction\": ").append(Json.quote(direction.toLowerCase(Locale.ROOT))).append(",\n");
    s.append("  \"quality\": ").append(Json.quote(finalQuality ? "final" : "draft")).append(",\n");
    s.append("  \"seed\": ").append(solve.seed).append(",\n");
    s.append("  \"written\": [");
    for (int i = 0; i < written.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(written.get(i));
    }
    s.append("],\n");
    double[] cam = model.cameraVelocity();
    s.append(String.format(Locale.ROOT, "  \"camera\": {\"vx\": %.4f, \"vy\": %.4f},%n", cam[0], cam[1]));
    s.append("  \"objectPixels\": ").append(model.objectPixels()).append(",\n");
    ShotExtender.AppearanceTraining tr = model.appearanceTraining();
    if (tr != null) {
      s.append("  \"appearanceNetwork\": {\"steps\": ").append(tr.losses().length).append(", \"loss\": [");
      for (int i = 0; i < tr.losses().length; i++) {
        s.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6f", tr.losses()[i]));
      }
      s.append(String.format(Locale.ROOT, "], \"heldOutGainDb\": %.3f, \"backtestGainDb\": %s, \"used\": %b},%n",
          tr.validationGainDb(), bt == null ? "null" : String.format(Locale.ROOT, "%.3f", bt.appearanceGainDb()),
          model.useAppearance));
    }
    if (bt != null) {
      s.append("  \"backtest\": {\n    \"frames\": ").append(bt.psnr().length).append(",\n    \"horizons\": [\n");
      for (int h = 0; h < bt.psnr().length; h++) {
        s.append(String.format(Locale.ROOT, "      {\"horizon\": %d, \"psnr\": %.4f, \"ssim\": %.5f}%s%n", h + 1,
            bt.psnr()[h], bt.ssim()[h], h + 1 < bt.psnr().length ? "," : ""));
      }
      s.append(String.format(Locale.ROOT, "    ],%n    \"safeLength\": %d,%n    \"thresholdDb\": %.1f,%n"
          + "    \"seconds\": %.3f%n  },%n", bt.safeLength(), bt.thresholdDb(), backtestSeconds));
    } else {
      s.append("  \"backtest\": null,\n");
    }
    s.append(String.format(Locale.ROOT, "  \"totalSeconds\": %.3f%n}%n", total));
    return s.toString();
  }

  private <T> T usage(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
