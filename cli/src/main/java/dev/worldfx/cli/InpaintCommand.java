package dev.worldfx.cli;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.inpaint.InpaintNode;
import dev.worldfx.nodes.inpaint.InpaintParams;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SpecParamValues;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleConsumer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Runs the Inpaint node (General context: Source + Mask clips) over a PNG or EXR sequence.
 * Everything that can be checked before rendering is (frames, matte numbers, sizes, an empty
 * matte), so a bad shot fails before any output is written. Each run of consecutive frames is
 * a shot read lazily from the files ({@link ImageSequenceShot}): the first render solves it
 * into the sequence cache, the others read their frame from there; outputs stream one frame at
 * a time.
 */
@Command(name = "inpaint", mixinStandardHelpOptions = true,
    description = {"Remove what a matte marks from every frame of a PNG or OpenEXR sequence with the Inpaint node.",
        "The shot is solved as a whole on the first frame (flow-guided propagation of the hidden background from "
            + "the other frames, synthesis of what no frame shows, seam blending); the solve goes to the sequence "
            + "cache (WORLDFX_CACHE, default ~/.worldfx/cache), so running again with the same inputs only renders. "
            + "A gap in the numbering is a cut: each run of consecutive frames is solved as its own shot.",
        "Patterns hold one frame-number field: %%04d, %%d or #### (one digit per #).",
        "Every frame that exists in the --input pattern's range is processed (gaps are reported and skipped); "
            + "each needs a --matte frame with the same number and size. Outputs get the input's numbers and bit depth "
            + "(PNG 8 or 16 bits per channel; EXR half, or float) and channels (RGB or RGBA). The output's "
            + "extension picks its format: .exr is OpenEXR (ZIP, the input's data window filled out to the full frame), "
            + "anything else PNG.",
        "Matte: white (1.0) = remove. The matte value is the matte image's Rec. 709 luminance times its alpha, so a "
            + "grey or RGB matte works as is, and so does an RGBA matte whose alpha holds the shape over white. "
            + "A matte that is black in every frame is refused: there is nothing to remove."},
    footer = {"", "Exit codes: 0 done, 2 usage error (also a bad pattern or --set), 3 input error (missing, mismatched or "
        + "unreadable frames; empty matte), 4 out of memory, 6 output error (unwritable --output, disk full), "
        + "130 cancelled (Ctrl-C, or Cancel on the web panel).",
        "", "Example:",
        "  worldfx inpaint --input IN/%%04d.png --matte MATTE/%%04d.png \\",
        "      --output OUT/%%04d.png --quality final --seed 7 --report report.json",
        "  worldfx inpaint --input IN/%%04d.png --matte MATTE/%%04d.png --output OUT/%%04d.png \\",
        "      --set dilate=3 --set temporalRadius=24"})
final class InpaintCommand extends WorkCommand implements Callable<Integer> {
  @Option(names = "--input", required = true, paramLabel = "PATTERN", description = "Source frames, e.g. IN/%%04d.png.")
  String input;

  @Option(names = "--matte", required = true, paramLabel = "PATTERN", description = "Matte frames, e.g. MATTE/%%04d.png.")
  String matte;

  @Option(names = "--output", required = true, paramLabel = "PATTERN", description = "Output frames, e.g. OUT/%%04d.png.")
  String output;

  @Mixin
  SolveOptions solve = new SolveOptions();

  @Option(names = "--set", paramLabel = "NAME=VALUE",
      description = "Any other Inpaint parameter, checked against the node's declaration (the same one hosts show): "
          + "dilate (px, default 0), feather (px, default 0), temporalRadius (frames, default 8), "
          + "output (Result | Confidence | Propagated only). Repeatable, e.g. --set dilate=3 --set temporalRadius=24.")
  Map<String, String> sets = new java.util.LinkedHashMap<>();

  @Spec
  CommandSpec spec;

  private final NodeRegistry nodes;

  @Inject
  InpaintCommand(NodeRegistry nodes, Io io) {
    super(io);
    this.nodes = nodes;
  }

  @Override
  public Integer call() throws Exception {
    Node node = nodes.byId(InpaintNode.ID);
    Map<String, String> params = new java.util.LinkedHashMap<>(sets);
    for (String fixed : List.of(InpaintParams.MATTE_SOURCE.name(), InpaintParams.QUALITY.name(), InpaintParams.SEED.name())) {
      if (params.containsKey(fixed)) {
        throw new ParameterException(spec.commandLine(), "--set " + fixed + " is not allowed: "
            + (fixed.equals(InpaintParams.MATTE_SOURCE.name()) ? "the matte always comes from --matte" : "use --" + fixed));
      }
    }
    params.put(InpaintParams.MATTE_SOURCE.name(), Integer.toString(InpaintParams.MATTE_MASK_CLIP));
    params.put(InpaintParams.QUALITY.name(), solve.quality);
    params.put(InpaintParams.SEED.name(), Integer.toString(solve.seed));
    SpecParamValues values = usage(() -> new SpecParamValues(node.descriptor(), NodeContext.GENERAL, params));
    ImageSequence in = usage(() -> ImageSequence.parse(input));
    ImageSequence mt = usage(() -> ImageSequence.parse(matte));
    ImageSequence out = usage(() -> ImageSequence.parse(output));
    report.put("node", node.descriptor().id())
        .put("nodeVersion", node.descriptor().versionMajor() + "." + node.descriptor().versionMinor())
        .put("algorithm", node.descriptor().description())
        .put("input", in.pattern()).put("matte", mt.pattern()).put("output", out.pattern())
        .put("quality", solve.quality.toLowerCase(Locale.ROOT)).put("seed", solve.seed).put("set", new java.util.LinkedHashMap<>(sets));

    List<Integer> numbers;
    RectI bounds;
    List<ImageSequence.Gap> gaps;
    try (var p = report.phase("check")) {
      numbers = in.existingNumbers();
      bounds = checkShot(in, mt, out, numbers);
      gaps = ImageSequence.gaps(numbers);
      outputs.requireWritableFolder(out.folder(), "--output");
    }
    report.put("width", bounds.width()).put("height", bounds.height())
        .put("gaps", gaps.stream().<Object>map(g -> Json.object("first", g.first(), "last", g.last())).toList());
    if (!gaps.isEmpty()) {
      console.message("inpaint", in + " has gaps, skipped: "
          + gaps.stream().map(ImageSequence.Gap::toString).collect(java.util.stream.Collectors.joining(", ")));
    }

    List<Object> written = new ArrayList<>();
    report.put("frameCount", 0).put("frames", written);
    Progress progress = new Progress(console, report, "inpaint");
    long start = System.nanoTime();
    // A gap is a cut: each run of consecutive frames is its own shot, solved on its first frame's render.
    try (var p = report.phase("render")) {
      for (int[] run : runs(numbers)) {
        ImageSequenceShot shot = new ImageSequenceShot(in, mt, run[0], run[1]);
        DoubleConsumer solveProgress = progress.solve("solving frames " + run[0] + "-" + run[1]);
        for (int n = run[0]; n <= run[1]; n++) {
          cancel.check();
          long t0 = System.nanoTime();
          int bits;
          try (Arena arena = Arena.ofConfined()) {
            FrameView result = FrameView.allocate(arena, bounds, ImageFiles.read(arena, in.file(n)).depth(), Components.RGBA);
            node.render(new LocalRenderContext(NodeContext.GENERAL, n, bounds, values, shot, cancel::requested,
                solveProgress, text -> {
                  console.message("inpaint", text);
                  report.message(text);
                }), result);
            ImageFiles.Header like = ImageFiles.header(in.file(n));
            Path file = out.file(n);
            outputs.replace(file, tmp -> ImageFiles.encode(result, file, tmp, like));
            bits = ImageFiles.bits(result, file, like);
          } finally {
            shot.releaseAll();
          }
          double seconds = (System.nanoTime() - t0) / 1e9;
          progress.frame(n, written.size() + 1, numbers.size(), seconds);
          written.add(Json.object("number", n, "output", out.file(n).toString(), "bitsPerChannel", bits,
              "seconds", Json.fixed(seconds, 6)));
          report.put("frameCount", written.size());
        }
      }
    }
    double total = (System.nanoTime() - start) / 1e9;
    console.summary(String.format(Locale.ROOT, "worldfx inpaint: wrote %d frames to %s in %.2f s", written.size(), out,
        total));
    return Main.EXIT_OK;
  }

  /** Runs of consecutive frame numbers, as [first, last] pairs. */
  static List<int[]> runs(List<Integer> numbers) {
    List<int[]> runs = new ArrayList<>();
    for (int n : numbers) {
      if (!runs.isEmpty() && runs.getLast()[1] == n - 1) {
        runs.getLast()[1] = n;
      } else {
        runs.add(new int[] {n, n});
      }
    }
    return runs;
  }

  /**
   * Checks the whole shot before anything is written: input frames exist, each has a matte of
   * the same size, outputs do not overwrite inputs, and some matte frame is not all black.
   * Only file headers are read, plus matte frames up to the first non-black one.
   */
  private static RectI checkShot(ImageSequence in, ImageSequence mt, ImageSequence out, List<Integer> numbers)
      throws IOException {
    if (numbers.isEmpty()) {
      throw new IllegalArgumentException("no input frames: no file in " + in.folder() + " matches " + in);
    }
    Set<Integer> mattes = new HashSet<>(mt.existingNumbers());
    if (mattes.isEmpty()) {
      throw new IllegalArgumentException("empty matte sequence: no file in " + mt.folder() + " matches " + mt);
    }
    List<Integer> missing = numbers.stream().filter(n -> !mattes.contains(n)).toList();
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("missing matte for input frames " + ImageSequence.describe(missing)
          + ": every input frame needs a matte with the same number (" + mt.file(missing.getFirst()) + " does not exist)");
    }
    RectI bounds = ImageFiles.bounds(in.file(numbers.getFirst()));
    for (int n : numbers) {
      Path target = out.file(n).toAbsolutePath().normalize();
      if (target.equals(in.file(n).toAbsolutePath().normalize()) || target.equals(mt.file(n).toAbsolutePath().normalize())) {
        throw new IllegalArgumentException("--output " + out + " would overwrite " + target + "; write somewhere else");
      }
      requireSize(bounds, in.file(numbers.getFirst()), in.file(n));
      requireSize(bounds, in.file(numbers.getFirst()), mt.file(n));
    }
    for (int n : numbers) {
      try (Arena arena = Arena.ofConfined()) {
        FrameView m = matteOf(arena, ImageFiles.read(arena, mt.file(n)));
        if (!isBlack(m)) {
          return bounds;
        }
      }
    }
    throw new IllegalArgumentException("empty matte: every frame of " + mt + " is black, so there is nothing to remove");
  }

  private static void requireSize(RectI expected, Path reference, Path file) throws IOException {
    RectI b = ImageFiles.bounds(file);
    if (!b.equals(expected)) {
      throw new IllegalArgumentException("size mismatch: " + file + " is " + b.width() + "x" + b.height() + " but "
          + reference + " is " + expected.width() + "x" + expected.height() + "; every frame of a shot has one size");
    }
  }

  /**
   * The matte as a one-channel float frame: Rec. 709 luminance times alpha. Summed in double,
   * a grey pixel's luminance is its own value exactly (tested for every 16-bit level), so a 0
   * or 1 in the file is exactly 0 or 1 here: the node copies the source bit for bit only where
   * the matte is exactly 0.
   */
  static FrameView matteOf(Arena arena, FrameView image) {
    RectI b = image.bounds();
    FrameView m = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.ALPHA);
    for (int y = b.y1(); y < b.y2(); y++) {
      for (int x = b.x1(); x < b.x2(); x++) {
        float r = image.sample(x, y, 0);
        float g = image.sample(x, y, 1);
        float bl = image.sample(x, y, 2);
        float luminance = (float) (0.2126 * r + 0.7152 * g + 0.0722 * bl);
        m.store(x, y, 0, luminance * image.alpha(x, y));
      }
    }
    return m;
  }

  private static boolean isBlack(FrameView matte) {
    RectI b = matte.bounds();
    for (int y = b.y1(); y < b.y2(); y++) {
      for (int x = b.x1(); x < b.x2(); x++) {
        if (matte.sample(x, y, 0) > 0f) {
          return false;
        }
      }
    }
    return true;
  }

  /** A malformed option value is a usage error (exit 2), not an input error. */
  private <T> T usage(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
