package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.extend.ExtendModelFile;
import dev.worldfx.nodes.generate.ShotModel;
import dev.worldfx.nodes.generate.ShotModelException;
import dev.worldfx.nodes.generate.Video;
import dev.worldfx.nodes.generate.VideoGpnn;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntUnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Generates a new shot made of a reference shot's space-time patches with VGPNN
 * ({@link VideoGpnn}), from a PNG or EXR sequence or from a saved shot model file.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate a new PNG or OpenEXR sequence from a reference shot's own space-time patches: the same kind of "
        + "content and motion, rearranged. The seed picks the sample: the same seed gives the same pixels.",
        "Method: VGPNN (Haim et al., \"Diverse Generation from a Single Video Made Possible\", ECCV 2022; GPNN, Granot "
            + "et al., \"Drop the GAN\", CVPR 2022): coarse to fine over the reference's space-time pyramid, starting "
            + "from its coarsest level plus seeded noise, every patch replaced by its nearest reference patch.",
        "The shot model (--save-model, --model) is that pyramid in a safetensors file: non-parametric, nothing is "
            + "trained. No text prompts.",
        "--frames may exceed the reference's length: the temporal pyramid is stretched to the sample's length, so "
            + "a longer sample is one generated shot, not clips joined end to end.",
        "Frames are numbered from --start (default: the reference's first number; 0 with --model); RGB, opaque, "
            + "written like the reference (a model file remembers it): PNG 8-bit from 8-bit PNGs, else 16-bit; EXR "
            + "half from half EXRs, else float. The output's extension (.png or .exr) picks the format.",
        "--model also takes an ExtendShot model (`worldfx extend --save-model`): then the frames predicted after "
            + "(or, backward, before) its shot are written, 1 to N, the same bytes `worldfx extend --frames N` writes, "
            + "numbered as extend numbers them (the continuation of the shot's numbers) unless --start gives the lowest "
            + "number (frames stay in time order). Its prediction was fixed when it was fitted: --seed other than the "
            + "model's seed and --variation are refused (exit 2)."},
    footer = {"", "Exit codes: 0 done, 2 usage error (also --seed or --variation with an ExtendShot model), 3 input error (missing or unequal frames, gaps, unreadable "
        + "files, a damaged or foreign model file), 4 out of memory, 6 output error (unwritable --output or "
        + "--save-model, disk full), 130 cancelled (Ctrl-C).",
        "", "Examples:",
        "  worldfx generate --reference IN/%%04d.png --output OUT/%%04d.png \\",
        "      --frames 48 --seed 3 --save-model shot.safetensors",
        "  worldfx generate --model shot.safetensors --output OUT/%%04d.exr \\",
        "      --frames 48 --seed 4 --report r.json",
        "  worldfx generate --model extended.safetensors --output OUT/%%04d.png \\",
        "      --frames 16"})
final class GenerateCommand extends WorkCommand implements Callable<Integer> {
  @Option(names = "--reference", paramLabel = "PATTERN", description = "Reference frames, e.g. IN/%%04d.png.")
  String reference;

  @Option(names = "--model", paramLabel = "FILE",
      description = "A shot model file written by --save-model, or an ExtendShot model by `worldfx extend --save-model`.")
  Path model;

  @Option(names = "--output", required = true, paramLabel = "PATTERN", description = "New frames, e.g. OUT/%%04d.png.")
  String output;

  @Option(names = "--frames", required = true, paramLabel = "N", description = "How many frames to generate.")
  int frames;

  @Option(names = "--seed", defaultValue = "0",
      description = "Same seed and inputs, same pixels (default: ${DEFAULT-VALUE}; an ExtendShot model keeps its own).")
  int seed;

  @Option(names = "--variation", defaultValue = "0.25", paramLabel = "V",
      description = "0 gives the reference back; larger rearranges more (0-1, default: ${DEFAULT-VALUE}).")
  double variation;

  @Option(names = "--save-model", paramLabel = "FILE", description = "Also write the reference's shot model here.")
  Path saveModel;

  @Option(names = "--start", paramLabel = "NUMBER",
      description = "Number of the first generated frame (with an ExtendShot model: the lowest number).")
  Integer start;

  @Mixin
  ReportOption reportFile;

  @Spec
  CommandSpec spec;


  @Inject
  GenerateCommand(Io io) {
    super(io);
  }

  @Override
  public Integer call() throws Exception {
    if ((reference == null) == (model == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --reference PATTERN or --model FILE");
    }
    if (model != null && saveModel != null) {
      throw new ParameterException(spec.commandLine(), "--save-model needs --reference (the model is already a file)");
    }
    if (frames < 1 || frames > 10000) {
      throw new ParameterException(spec.commandLine(), "--frames must be 1 to 10000, not " + frames);
    }
    if (!(variation >= 0 && variation <= 1)) {
      throw new ParameterException(spec.commandLine(), "--variation must be 0 to 1, not " + variation);
    }
    if (start != null && start < 0) {
      throw new ParameterException(spec.commandLine(), "--start must not be negative");
    }
    ImageSequence out = usage(() -> ImageSequence.parse(output));
    long t0 = System.nanoTime();
    if (model != null && ExtendModelFile.FORMAT.equals(ShotModel.metadata(model).get("format"))) {
      return extension(out, t0);
    }
    ShotModel shotModel;
    Look look;
    int firstNumber;
    if (reference != null) {
      ImageSequence in = usage(() -> ImageSequence.parse(reference));
      List<Integer> numbers = in.existingNumbers();
      if (numbers.isEmpty()) {
        throw new IllegalArgumentException("no reference frames: nothing matches " + in + " in " + in.folder());
      }
      List<ImageSequence.Gap> gaps = ImageSequence.gaps(numbers);
      if (!gaps.isEmpty()) {
        throw new IllegalArgumentException(in + " has gaps (" + gaps.stream().map(ImageSequence.Gap::toString)
            .collect(java.util.stream.Collectors.joining(", ")) + "): give one unbroken shot");
      }
      Path firstFile = in.file(numbers.getFirst());
      ImageFiles.Header first = ImageFiles.header(firstFile);
      RectI bounds = first.bounds();
      ShotModel.requireWithinLimit(numbers.size(), bounds.height(), bounds.width(), "the reference");
      ShotModel.requireWithinLimit(frames, bounds.height(), bounds.width(), "the sample");
      prepareOutputs(out);
      List<ImagePlanes> planes = new ArrayList<>();
      PixelDepth depth = null;
      try (var p = report.phase("read")) {
        for (int n : numbers) {
          cancel.check();
          try (Arena arena = Arena.ofConfined()) {
            FrameView f = ImageFiles.read(arena, in.file(n));
            if (!f.bounds().equals(bounds)) {
              throw new IllegalArgumentException("size mismatch: " + in.file(n) + " is " + f.bounds().width() + "x"
                  + f.bounds().height() + " but " + firstFile + " is " + bounds.width() + "x" + bounds.height());
            }
            depth = depth == null ? f.depth() : depth;
            planes.add(ImagePlanes.rgbOf(f, bounds));
          }
        }
      }
      look = Look.of(depth, first.exrType(), bounds);
      try (var p = report.phase("model")) {
        shotModel = ShotModel.build(Video.of(planes), ShotModel.Pyramid.DEFAULT);
      }
      firstNumber = start != null ? start : numbers.getFirst();
      if (saveModel != null) {
        ShotModel built = shotModel;
        outputs.replace(saveModel, tmp -> built.save(tmp, look.metadata()));
        console.message("generate", "wrote the shot model to " + saveModel);
      }
    } else {
      shotModel = ShotModel.load(model);
      look = Look.fromMetadata(ShotModel.metadata(model), new RectI(0, 0, shotModel.width(), shotModel.height()));
      firstNumber = start != null ? start : 0;
      prepareOutputs(out);
    }
    report.put("method", ShotModel.METHOD)
        .put("model", "non-parametric: the reference's space-time patch pyramid; nothing is trained")
        .put("reference", reference).put("modelFile", model == null ? null : model.toString())
        .put("savedModel", saveModel == null ? null : saveModel.toString()).put("output", out.pattern())
        .put("width", shotModel.width()).put("height", shotModel.height()).put("referenceFrames", shotModel.frames())
        .put("frames", frames).put("firstNumber", firstNumber).put("seed", seed)
        .put("variation", Json.fixed(variation, 6)).put("levels", shotModel.levels().length);
    console.message("generate", String.format(Locale.ROOT, "%s; %d pyramid levels, patches %dx%dx%d", shotModel,
        shotModel.levels().length, shotModel.pyramid().patchFrames(), shotModel.pyramid().patchSize(),
        shotModel.pyramid().patchSize()));
    Progress progress = new Progress(console, report, "generate");
    long t1 = System.nanoTime();
    Video sample;
    try (var p = report.phase("sample")) {
      sample = VideoGpnn.sample(shotModel, frames, seed, variation, cancel::check,
          progress.solve("sampling " + frames + " frames"));
    }
    double sampleSeconds = (System.nanoTime() - t1) / 1e9;
    report.put("sampleSeconds", Json.fixed(sampleSeconds, 3)).put("msPerFrame", Json.fixed(1000 * sampleSeconds / frames, 2));
    RectI bounds = new RectI(0, 0, sample.width(), sample.height());
    try (var p = report.phase("write")) {
      long tf = System.nanoTime();
      for (int i = 0; i < frames; i++) {
        cancel.check();
        Path file = out.file(firstNumber + i);
        try (Arena a = Arena.ofConfined()) {
          FrameView f = FrameView.allocate(a, bounds, look.depth(), Components.RGBA);
          sample.frame(i).storeInto(f, bounds);
          outputs.replace(file, tmp -> ImageFiles.encode(f, file, tmp, look.header()));
        }
        long now = System.nanoTime();
        progress.frame(firstNumber + i, i + 1, frames, (now - tf) / 1e9);
        tf = now;
      }
    }
    double total = (System.nanoTime() - t0) / 1e9;
    console.message("generate", String.format(Locale.ROOT, "sampled %d frames in %.2f s (%.1f ms per frame)", frames,
        sampleSeconds, 1000 * sampleSeconds / frames));
    console.summary(String.format(Locale.ROOT, "worldfx generate: wrote frames %d-%d to %s in %.2f s", firstNumber,
        firstNumber + frames - 1, out, total));
    return Main.EXIT_OK;
  }

  /**
   * --model names an ExtendShot model (`worldfx extend --save-model`): its predicted frames 1..N,
   * written byte for byte as `worldfx extend` wrote them. The prediction was fixed when the model was
   * fitted, so a --seed other than the model's, or a --variation, is a usage error, not ignored.
   */
  private int extension(ImageSequence out, long t0) throws IOException {
    ExtendModelFile m = ExtendModelFile.load(model);
    CommandLine.ParseResult given = spec.commandLine().getParseResult();
    if (given.hasMatchedOption("--variation")) {
      throw new ParameterException(spec.commandLine(), "--variation does not apply to an ExtendShot model: its "
          + "prediction has no variation; leave --variation out");
    }
    if (given.hasMatchedOption("--seed") && seed != m.settings().seed()) {
      throw new ParameterException(spec.commandLine(), "--seed " + seed + ": this ExtendShot model was fitted with seed "
          + m.settings().seed() + " and its frames were fixed then; leave --seed out or give " + m.settings().seed());
    }
    ExtendModelFile.Source source = m.source();
    // extend's numbers by default; --start is the lowest number, frames in time order (backward: nearest the shot last)
    IntUnaryOperator number = h -> start == null ? source.number(h) : source.forward() ? start + h - 1 : start + frames - h;
    int lowest = Math.min(number.applyAsInt(1), number.applyAsInt(frames));
    int highest = Math.max(number.applyAsInt(1), number.applyAsInt(frames));
    if (lowest < 0) {
      throw new IllegalArgumentException("predicting " + frames + " frames before frame " + source.first()
          + " would need negative frame numbers; give --start");
    }
    Map<String, String> meta = m.metadata();
    int x = origin(meta, "boundsX"), y = origin(meta, "boundsY");
    RectI bounds = new RectI(x, y, x + m.width(), y + m.height());
    Look look = Look.fromMetadata(meta, bounds).withAlpha(m.alpha() != null);
    float[] alpha = m.alpha();
    if (alpha == null) {
      alpha = new float[m.width() * m.height()];
      java.util.Arrays.fill(alpha, 1f);
    }
    float[] frameAlpha = alpha;
    prepareOutputs(out);
    report.put("method", ExtendModelFile.METHOD).put("model", "ExtendShot: the fitted model of a shot, predicted")
        .put("modelFile", model.toString()).put("output", out.pattern()).put("width", m.width())
        .put("height", m.height()).put("frames", frames).put("direction", source.forward() ? "forward" : "backward")
        .put("sourceFrames", Json.object("first", source.first(), "last", source.last()))
        .put("firstNumber", lowest).put("seed", m.settings().seed())
        .put("quality", m.settings().finalQuality() ? "final" : "draft");
    console.message("generate", m.toString());
    Progress progress = new Progress(console, report, "generate");
    try (var p = report.phase("predict")) {
      long[] tf = {System.nanoTime()};
      m.predict(frames, cancel::check, f -> { }, (h, planes) -> {
        int n = number.applyAsInt(h);
        try {
          ExtendCommand.writeFrame(outputs, planes, frameAlpha, look, out.file(n));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        long now = System.nanoTime();
        progress.frame(n, h, frames, (now - tf[0]) / 1e9);
        tf[0] = now;
      });
    }
    console.summary(String.format(Locale.ROOT, "worldfx generate: wrote the predicted frames %d-%d to %s in %.2f s",
        lowest, highest, out, (System.nanoTime() - t0) / 1e9));
    return Main.EXIT_OK;
  }

  /** Where the shot's frames start (an EXR data window need not start at 0; absent: 0). */
  private int origin(Map<String, String> meta, String key) {
    String v = meta.get(key);
    try {
      return v == null ? 0 : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ShotModelException(model, "metadata '" + key + "' is '" + v + "', not a whole number");
    }
  }

  /** Fails in a second, before any sampling, where an output cannot be written. */
  private void prepareOutputs(ImageSequence out) throws OutputException {
    outputs.requireWritableFolder(out.folder(), "--output");
    if (saveModel != null) {
      outputs.requireWritableFolder(saveModel.toAbsolutePath().getParent(), "--save-model");
    }
  }

  private <T> T usage(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
