package dev.worldfx.cli;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameRange;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.generate.GenerateNode;
import dev.worldfx.nodes.generate.ShotModel;
import dev.worldfx.nodes.generate.Video;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import dev.worldfx.nodes.inpaint.InpaintNode;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SampleShot;
import dev.worldfx.nodes.local.SpecParamValues;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs every node on the embedded sample shot and writes PNG sequences. */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Run Inpaint, ExtendShot and Generate on the embedded sample shot and write PNGs.",
    footer = {"", "Examples:", "  worldfx demo --out /tmp/worldfx-demo --frames 12",
        "  worldfx demo --size 640x360 --report demo.json"})
final class DemoCommand extends WorkCommand implements Callable<Integer> {
  @Option(names = "--out", description = "Folder for the PNGs (default: ./worldfx-demo).")
  Path out = Path.of("worldfx-demo");

  @Option(names = "--frames", description = "Frames in the sample shot (default: ${DEFAULT-VALUE}).", defaultValue = "12")
  int frames;

  @Option(names = "--size", description = "Width x height (default: ${DEFAULT-VALUE}).", defaultValue = "320x180")
  String size;

  @Spec
  CommandSpec spec;

  @Mixin
  ReportOption reportFile;

  private final NodeRegistry nodes;

  @Inject
  DemoCommand(NodeRegistry nodes, Io io) {
    super(io);
    this.nodes = nodes;
  }

  @Override
  public Integer call() throws Exception {
    String[] wh = size.toLowerCase(java.util.Locale.ROOT).split("x");
    if (wh.length != 2) {
      throw new IllegalArgumentException("--size must look like 320x180");
    }
    int w = Integer.parseInt(wh[0]);
    int h = Integer.parseInt(wh[1]);
    if (w < 16 || h < 16 || frames < 2) {
      throw new IllegalArgumentException("the demo needs at least 16x16 pixels and 2 frames");
    }
    PrintWriter log = console.text();
    outputs.requireWritableFolder(out, "--out");
    report.put("out", out.toAbsolutePath().toString()).put("frames", frames).put("width", w).put("height", h);
    try (Arena arena = Arena.ofConfined()) {
      SampleShot shot = new SampleShot(arena, w, h, frames);
      RectI bounds = new RectI(0, 0, w, h);
      for (int t = 0; t < frames; t++) {
        write(shot.frames.get(t), frame(out, "source", t));
        write(shot.mattes.get(t), frame(out, "matte", t));
      }
      InMemoryShot clips = new InMemoryShot(0).with(ClipSpec.SOURCE, shot.frames).with(ClipSpec.MASK, shot.mattes);

      Node inpaint = nodes.byId(InpaintNode.ID);
      render(arena, inpaint, NodeContext.GENERAL, Map.of(), clips, bounds, 0, frames - 1, "inpaint");

      Node extend = nodes.byId(ExtendShotNode.ID);
      Map<String, String> extendParams = Map.of("direction", "Forward", "framesToAdd", "6");
      FrameRange domain = extend.timeDomain(clips.range(ClipSpec.SOURCE),
          new SpecParamValues(extend.descriptor(), NodeContext.FILTER, extendParams));
      render(arena, extend, NodeContext.FILTER, extendParams, clips, bounds, (int) domain.first(), (int) domain.last(), "extend");

      Node generate = nodes.byId(GenerateNode.ID);
      Path model = out.resolve("shot-model.safetensors");
      ShotModel shotModel = ShotModel.build(Video.of(shot.frames.stream().map(f -> ImagePlanes.rgbOf(f, bounds))
          .toList()), ShotModel.Pyramid.DEFAULT);
      outputs.replace(model, shotModel::save);
      render(arena, generate, NodeContext.GENERATOR, Map.of("seed", "7", "modelFile", model.toString()), clips, bounds,
          0, 3, "generate");
      render(arena, generate, NodeContext.FILTER, Map.of("seed", "7", "variation", "0.3"), clips, bounds, 0, frames - 1,
          "variation");
    }
    log.println("worldfx demo: wrote source, matte, inpaint, extend, generate and variation PNG sequences and the "
        + "shot model Generate sampled (shot-model.safetensors) to " + out.toAbsolutePath());
    Main.reportGpuUse(log);
    return Main.EXIT_OK;
  }

  private void render(Arena arena, Node node, NodeContext context, Map<String, String> params, InMemoryShot clips,
                      RectI bounds, int first, int last, String name) throws java.io.IOException {
    SpecParamValues values = new SpecParamValues(node.descriptor(), context, params);
    for (int t = first; t <= last; t++) {
      cancel.check();
      FrameView result = FrameView.allocate(arena, bounds, PixelDepth.FLOAT, Components.RGBA);
      node.render(new LocalRenderContext(context, t, bounds, values, clips, cancel::requested), result);
      write(result, frame(out, name, t - first));
    }
    report.put(name, Json.object("node", node.descriptor().id(), "first", first, "last", last));
    console.text().printf("  %-10s %s frames %d..%d%n", name, node.descriptor().id(), first, last);
  }

  private void write(FrameView f, Path file) throws java.io.IOException {
    outputs.replace(file, tmp -> PngWriter.encode(f, tmp, 8, true));
  }

  private static Path frame(Path dir, String name, int index) {
    return dir.resolve(String.format("%s.%04d.png", name, index));
  }
}
