package dev.worldfx.cli;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.generate.ShotModel;
import dev.worldfx.nodes.generate.Video;
import dev.worldfx.nodes.generate.VideoGpnn;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Generates a new shot made of a reference shot's space-time patches with VGPNN
 * ({@link VideoGpnn}), from a PNG sequence or from a saved shot model file.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Generate a new PNG sequence from a reference shot's own space-time patches: the same kind of "
        + "content and motion, rearranged. The seed picks the sample: the same seed gives the same pixels.",
        "Method: VGPNN (Haim et al., \"Diverse Generation from a Single Video Made Possible\", ECCV 2022; GPNN, Granot "
            + "et al., \"Drop the GAN\", CVPR 2022): coarse to fine over the reference's space-time pyramid, starting "
            + "from its coarsest level plus seeded noise, every patch replaced by its nearest reference patch.",
        "The shot model (--save-model, --model) is that pyramid in a safetensors file: non-parametric, nothing is "
            + "trained. No text prompts.",
        "--frames may exceed the reference's length: the temporal pyramid is stretched to the sample's length, so "
            + "a longer sample is one generated shot, not clips joined end to end.",
        "Frames are numbered from --start (default: the reference's first number; 0 with --model); 8-bit or 16-bit "
            + "like the reference (16-bit from a model file written from a 16-bit reference), RGB, opaque."},
    footer = {"", "Exit codes: 0 done, 2 usage error, 3 input error (missing or unequal frames, gaps, unreadable "
        + "files, a damaged or foreign model file).",
        "", "Examples:",
        "  worldfx generate --reference IN/%%04d.png --output OUT/%%04d.png --frames 48 --seed 3 \\\\",
        "      --save-model shot.safetensors",
        "  worldfx generate --model shot.safetensors --output OUT/%%04d.png --frames 48 --seed 4"})
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--reference", paramLabel = "PATTERN", description = "Reference frames, e.g. IN/%%04d.png.")
  String reference;

  @Option(names = "--model", paramLabel = "FILE", description = "A shot model file written by --save-model.")
  Path model;

  @Option(names = "--output", required = true, paramLabel = "PATTERN", description = "New frames, e.g. OUT/%%04d.png.")
  String output;

  @Option(names = "--frames", required = true, paramLabel = "N", description = "How many frames to generate.")
  int frames;

  @Option(names = "--seed", defaultValue = "0", description = "Same seed and inputs, same pixels (default: ${DEFAULT-VALUE}).")
  int seed;

  @Option(names = "--variation", defaultValue = "0.25", paramLabel = "V",
      description = "0 gives the reference back; larger rearranges more (0-1, default: ${DEFAULT-VALUE}).")
  double variation;

  @Option(names = "--save-model", paramLabel = "FILE", description = "Also write the reference's shot model here.")
  Path saveModel;

  @Option(names = "--start", paramLabel = "NUMBER", description = "Number of the first generated frame.")
  Integer start;

  @Option(names = "--report", paramLabel = "FILE", description = "Write a JSON report (settings, timings).")
  Path report;

  @Spec
  CommandSpec spec;

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
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    ShotModel shotModel;
    int bits;
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
      RectI bounds = PngReader.bounds(firstFile);
      List<ImagePlanes> planes = new ArrayList<>();
      PixelDepth depth = null;
      for (int n : numbers) {
        try (Arena arena = Arena.ofConfined()) {
          FrameView f = PngReader.read(arena, in.file(n));
          if (!f.bounds().equals(bounds)) {
            throw new IllegalArgumentException("size mismatch: " + in.file(n) + " is " + f.bounds().width() + "x"
                + f.bounds().height() + " but " + firstFile + " is " + bounds.width() + "x" + bounds.height());
          }
          depth = depth == null ? f.depth() : depth;
          planes.add(ImagePlanes.rgbOf(f, bounds));
        }
      }
      bits = depth == PixelDepth.SHORT ? 16 : 8;
      shotModel = ShotModel.build(Video.of(planes), ShotModel.Pyramid.DEFAULT);
      firstNumber = start != null ? start : numbers.getFirst();
      if (saveModel != null) {
        shotModel.save(saveModel, Map.of("bitsPerChannel", Integer.toString(bits)));
        err.println("generate: wrote the shot model to " + saveModel);
      }
    } else {
      shotModel = ShotModel.load(model);
      bits = "16".equals(ShotModel.metadata(model).get("bitsPerChannel")) ? 16 : 8;
      firstNumber = start != null ? start : 0;
    }
    err.printf(Locale.ROOT, "generate: %s; %d pyramid levels, patches %dx%dx%d%n", shotModel,
        shotModel.levels().length, shotModel.pyramid().patchFrames(), shotModel.pyramid().patchSize(),
        shotModel.pyramid().patchSize());
    err.flush();
    long t1 = System.nanoTime();
    Video sample = VideoGpnn.sample(shotModel, frames, seed, variation, () -> {}, f -> {});
    double sampleSeconds = (System.nanoTime() - t1) / 1e9;
    RectI bounds = new RectI(0, 0, sample.width(), sample.height());
    for (int i = 0; i < frames; i++) {
      try (Arena a = Arena.ofConfined()) {
        FrameView f = FrameView.allocate(a, bounds, bits == 16 ? PixelDepth.SHORT : PixelDepth.BYTE, Components.RGBA);
        sample.frame(i).storeInto(f, bounds);
        PngWriter.write(f, out.file(firstNumber + i), bits, false);
      }
    }
    double total = (System.nanoTime() - t0) / 1e9;
    err.printf(Locale.ROOT, "generate: sampled %d frames in %.2f s (%.1f ms per frame)%n", frames, sampleSeconds,
        1000 * sampleSeconds / frames);
    if (report != null) {
      String json = reportJson(shotModel, firstNumber, sampleSeconds, total);
      PngWriter.replaceAtomically(report, tmp -> Files.writeString(tmp, json));
    }
    spec.commandLine().getOut().printf(Locale.ROOT, "worldfx generate: wrote frames %d-%d to %s in %.2f s%n",
        firstNumber, firstNumber + frames - 1, out, total);
    return Main.EXIT_OK;
  }

  private String reportJson(ShotModel m, int firstNumber, double sampleSeconds, double total) {
    return "{\n"
        + "  \"command\": \"generate\",\n"
        + "  \"method\": " + Json.quote(ShotModel.METHOD) + ",\n"
        + "  \"model\": \"non-parametric: the reference's space-time patch pyramid; nothing is trained\",\n"
        + "  \"reference\": " + (reference == null ? "null" : Json.quote(reference)) + ",\n"
        + "  \"modelFile\": " + (model == null ? "null" : Json.quote(model.toString())) + ",\n"
        + "  \"output\": " + Json.quote(output) + ",\n"
        + String.format(Locale.ROOT, "  \"width\": %d,%n  \"height\": %d,%n  \"referenceFrames\": %d,%n", m.width(),
            m.height(), m.frames())
        + String.format(Locale.ROOT, "  \"frames\": %d,%n  \"firstNumber\": %d,%n  \"seed\": %d,%n  \"variation\": %s,%n",
            frames, firstNumber, seed, Double.toString(variation))
        + String.format(Locale.ROOT, "  \"levels\": %d,%n  \"sampleSeconds\": %.3f,%n  \"msPerFrame\": %.2f,%n"
            + "  \"totalSeconds\": %.3f%n}%n", m.levels().length, sampleSeconds, 1000 * sampleSeconds / frames, total);
  }

  private <T> T usage(java.util.function.Supplier<T> parse) {
    try {
      return parse.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
