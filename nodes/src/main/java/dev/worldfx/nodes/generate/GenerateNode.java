package dev.worldfx.nodes.generate;

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
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.DefaultCache;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.extend.ExtendModelFile;
import dev.worldfx.nodes.extend.PlanesRecord;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Generate: new frames made of a reference shot's space-time patches, by VGPNN ({@link VideoGpnn}).
 *
 * <p>Filter context: the Source clip's whole frame range is the reference; its {@link ShotModel}
 * is sampled once with the seed and variation into a shot of the same length, stored frame by frame
 * in the sequence cache; frame t shows sample frame t - first; alpha is the source's, byte-exact.
 * Without temporal access (MLT) the reference is the current frame alone, and the node says so.
 *
 * <p>Generator context: the model comes from the shot model file; frame t shows sample frame
 * floor(t) modulo the sample length (Frames, or the model's own length), alpha 1 inside the model's
 * frame [0,W)x[0,H) and 0 outside. The file may instead be an ExtendShot model
 * ({@link ExtendModelFile}, `worldfx extend --save-model`): frame t then shows the predicted frame
 * (floor(t) modulo the length) + 1 after the shot it was fitted to (the length: Frames, or the frames
 * `extend` added when it wrote the file), the same bits `worldfx extend` writes; Seed and Variation do
 * not apply to it. With no model file it renders the seeded noise a sample starts from (a documented
 * test pattern, {@link #noise}) and says so.
 *
 * <p>Cache key of a sample frame: node, {@link #SOLVER_REVISION}, seed, variation, sample length, the
 * frame's index, and the SHA-256 of every reference frame (Filter) or of the model file (Generator);
 * of a predicted frame: node, {@link #EXTEND_REVISION} with ExtendShot's solver revision, length, index
 * and the SHA-256 of the model file.
 */
public final class GenerateNode implements Node {
  public static final String ID = "dev.worldfx.Generate";
  static final String SOLVER_REVISION = "vgpnn-1";
  /** Cache revision of an ExtendShot model's frames (followed by ExtendShot's own solver revision). */
  static final String EXTEND_REVISION = "extend-model-1/";

  private static final NodeDescriptor DESCRIPTOR = new NodeDescriptor(ID, 1, 0, "WorldFX Generate",
      "Makes new frames from a reference shot's own space-time patches (VGPNN, Haim et al., ECCV 2022): the same "
          + "kind of content and motion, rearranged; the seed picks the sample. Filter: the source shot is the "
          + "reference. Generator: samples a shot model file written by `worldfx generate --save-model`. The model is "
          + "non-parametric (the reference's patch pyramid); no network is trained. The Generator also renders an "
          + "ExtendShot model written by `worldfx extend --save-model`: the frames predicted after its shot. No text "
          + "prompts.",
      EnumSet.of(NodeContext.GENERATOR, NodeContext.FILTER),
      List.of(
          ClipSpec.source(EnumSet.of(NodeContext.FILTER)),
          ClipSpec.output()),
      GenerateParams.ALL, true);

  private final Supplier<SequenceCache> cache;

  public GenerateNode() {
    this(DefaultCache::get);
  }

  public GenerateNode(Supplier<SequenceCache> cache) {
    this.cache = cache;
  }

  @Override
  public NodeDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public FrameRange framesNeeded(double time, FrameRange source, ParamValues params) {
    return source; // the whole reference shot
  }

  @Override
  public void render(RenderContext ctx, FrameView out) {
    Inputs.requireRenderableOutput(out);
    if (ctx.context() == NodeContext.GENERATOR) {
      renderGenerator(ctx, out);
    } else {
      renderFilter(ctx, out);
    }
  }

  private void renderFilter(RenderContext ctx, FrameView out) {
    FrameView here = Inputs.source(ctx, ctx.time(), out);
    Shot shot = ctx.shot();
    FrameRange range = shot.range(ClipSpec.SOURCE);
    int first, last;
    if (shot.temporalAccess() && Double.isFinite(range.first()) && Double.isFinite(range.last())) {
      first = (int) Math.ceil(range.first());
      last = (int) Math.floor(range.last());
    } else {
      first = last = (int) Math.floor(ctx.time());
      ctx.notice("Generate: this host gives the node no access to other frames, so each frame is a variation of "
          + "itself alone; render the shot with `worldfx generate` for a variation of the whole shot");
    }
    int index = Math.clamp((int) Math.floor(ctx.time()) - first, 0, last - first);
    RectI bounds = here.bounds();
    try {
      ShotModel.requireWithinLimit(last - first + 1, bounds.height(), bounds.width(), "the Source shot");
    } catch (IllegalArgumentException e) {
      throw new NodeException("Generate: " + e.getMessage(), e);
    }
    ImagePlanes frame;
    if (first == last) {
      frame = sampleFrame(ctx, List.of(here.digest()), 1, index, () -> List.of(ImagePlanes.rgbOf(here, bounds)));
    } else {
      List<byte[]> digests = new ArrayList<>();
      for (int t = first; t <= last; t++) {
        int at = t;
        digests.add(shot.digest(ClipSpec.SOURCE, t).orElseThrow(() -> new MissingInputException(
            "Generate: no Source image at frame " + at + " of the shot " + first + "-" + last)));
      }
      frame = sampleFrame(ctx, digests, last - first + 1, index, () -> readShot(shot, first, last, bounds));
    }
    store(ctx, out, frame, bounds, here);
  }

  private void renderGenerator(RenderContext ctx, FrameView out) {
    String file = ctx.params().getString(GenerateParams.MODEL_FILE.name()).strip();
    if (file.isEmpty()) {
      ctx.notice("Generate: no shot model file set, so this is the seeded noise a sample starts from (a test "
          + "pattern); write a model with `worldfx generate --reference ... --save-model m.safetensors`");
      renderNoise(ctx, out);
      return;
    }
    Path path = Path.of(file);
    byte[] digest = fileDigest(path);
    Map<String, String> meta = ShotModel.metadata(path);
    int requested = ctx.params().getInt(GenerateParams.FRAMES.name());
    int length = requested > 0 ? requested : framesOf(path, meta);
    int index = Math.floorMod((int) Math.floor(ctx.time()), length);
    ImagePlanes frame = ExtendModelFile.FORMAT.equals(meta.get("format"))
        ? extensionFrame(ctx, path, digest, length, index)
        : sampleFrame(ctx, List.of(digest), length, index, null, () -> ShotModel.load(path));
    RectI bounds = new RectI(0, 0, frame.width(), frame.height());
    store(ctx, out, frame, bounds, null);
  }

  /**
   * The model's own length from its metadata (cheap: the file is checked in full when it is used):
   * a VGPNN model's reference length, or the frames an ExtendShot model was written to add.
   */
  private static int framesOf(Path path, Map<String, String> meta) {
    String format = meta.get("format");
    if (!ShotModel.FORMAT.equals(format) && !ExtendModelFile.FORMAT.equals(format)) {
      throw new ShotModelException(path, "not a WorldFX shot model (metadata 'format' is "
          + (format == null ? "missing" : "'" + format + "'") + ")");
    }
    String frames = meta.get("frames");
    try {
      int n = Integer.parseInt(frames);
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ShotModelException(path, "metadata 'frames' is " + (frames == null ? "missing" : "'" + frames + "'")
        + ", not a positive whole number");
  }

  /**
   * Frame {@code index} of an ExtendShot model's extension: predicted frame index + 1. Prediction is
   * sequential (each frame anchors on the one before), so frames 1..length are predicted in one go and
   * all stored; the seed and variation do not apply (the model was fitted with its own seed).
   */
  private ImagePlanes extensionFrame(RenderContext ctx, Path path, byte[] digest, int length, int index) {
    IntFunction<CacheKey> key = i -> CacheKey.builder(ID, EXTEND_REVISION + ExtendModelFile.solverRevision(), 0)
        .param("length", length).param("frame", i).param("context", "generator").input("model", 0, digest).build();
    return cachedFrame(ctx, key, index, () -> {
      ExtendModelFile model = ExtendModelFile.load(path);
      SequenceCache store = cache.get();
      ImagePlanes[] mine = new ImagePlanes[1];
      IOException[] failed = new IOException[1];
      model.predict(length, ctx::checkAbort, ctx::progress, (h, frame) -> {
        try {
          store.put(key.apply(h - 1), Map.of("frame", Integer.toString(h - 1)), PlanesRecord.encode(frame));
        } catch (IOException e) {
          failed[0] = e;
        }
        if (h - 1 == index) {
          mine[0] = frame;
        }
      });
      if (failed[0] != null) {
        throw failed[0];
      }
      return mine[0];
    });
  }

  /** Writes RGB over {@code bounds}; alpha from {@code alphaOf} (byte-exact), or 1; zero outside {@code bounds}. */
  private static void store(RenderContext ctx, FrameView out, ImagePlanes frame, RectI bounds, FrameView alphaOf) {
    RectI window = ctx.renderWindow();
    int w = bounds.width(), plane = w * bounds.height();
    float[] d = frame.data();
    boolean alpha = out.components() == Components.RGBA;
    ctx.forEachRow(window, y -> {
      for (int x = window.x1(); x < window.x2(); x++) {
        if (!bounds.contains(x, y)) {
          for (int c = 0; c < out.components().channels(); c++) {
            out.store(x, y, c, 0f);
          }
          continue;
        }
        int p = (y - bounds.y1()) * w + (x - bounds.x1());
        for (int c = 0; c < 3; c++) {
          out.store(x, y, c, d[c * plane + p]);
        }
        if (alpha) {
          if (alphaOf != null) {
            out.copyChannelFrom(alphaOf, x, y, 3);
          } else {
            out.store(x, y, 3, 1f);
          }
        }
      }
    });
  }

  private ImagePlanes sampleFrame(RenderContext ctx, List<byte[]> digests, int length, int index,
                                  Supplier<List<ImagePlanes>> reference) {
    return sampleFrame(ctx, digests, length, index, reference, null);
  }

  /** Sample frame {@code index}: from the cache, or the whole sample made, stored and this frame returned. */
  private ImagePlanes sampleFrame(RenderContext ctx, List<byte[]> digests, int length, int index,
                                  Supplier<List<ImagePlanes>> reference, Supplier<ShotModel> model) {
    ParamValues p = ctx.params();
    int seed = p.getInt(GenerateParams.SEED.name());
    double variation = p.getDouble(GenerateParams.VARIATION.name());
    IntFunction<CacheKey> key = i -> {
      CacheKey.Builder k = CacheKey.builder(ID, SOLVER_REVISION, seed).param("variation", variation)
          .param("length", length).param("frame", i).param("context", model == null ? "filter" : "generator");
      for (int t = 0; t < digests.size(); t++) {
        k.input(model == null ? ClipSpec.SOURCE : "model", t, digests.get(t));
      }
      return k.build();
    };
    return cachedFrame(ctx, key, index, () -> {
      ShotModel m = model != null ? model.get() : ShotModel.build(Video.of(reference.get()), ShotModel.Pyramid.DEFAULT);
      Video sample = VideoGpnn.sample(m, length, seed, variation, ctx::checkAbort, ctx::progress);
      SequenceCache store = cache.get();
      for (int i = 0; i < length; i++) {
        store.put(key.apply(i), Map.of("frame", Integer.toString(i)), PlanesRecord.encode(sample.frame(i)));
      }
      return sample.frame(index);
    });
  }

  /**
   * Frame {@code index} from the cache under {@code key}, or {@code solve}d (which stores every frame
   * it makes) under the solve lock, so two renders never solve the same thing at once.
   */
  private ImagePlanes cachedFrame(RenderContext ctx, IntFunction<CacheKey> key, int index,
                                  java.util.concurrent.Callable<ImagePlanes> solve) {
    SequenceCache store = cache.get();
    try {
      Optional<ImagePlanes> hit = PlanesRecord.read(store, key.apply(index));
      if (hit.isPresent()) {
        return hit.get();
      }
      return store.withSolveLock(key.apply(-1), () -> {
        Optional<ImagePlanes> again = PlanesRecord.read(store, key.apply(index));
        return again.isPresent() ? again.get() : solve.call();
      });
    } catch (IllegalArgumentException e) {
      throw new NodeException("Generate: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      throw e;
    } catch (IOException e) {
      throw new NodeException("Generate: the sequence cache at " + store.root() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderAbortedException();
    } catch (Exception e) {
      throw new NodeException("Generate: the sample failed: " + e, e);
    }
  }

  /** The Source clip's frames first..last as RGB planes, each fetched and given back at once. */
  private static List<ImagePlanes> readShot(Shot shot, int first, int last, RectI bounds) {
    List<ImagePlanes> frames = new ArrayList<>();
    for (int t = first; t <= last; t++) {
      int at = t;
      FrameView f = shot.frame(ClipSpec.SOURCE, t).orElseThrow(() -> new MissingInputException(
          "Generate: no Source image at frame " + at + " of the shot " + first + "-" + last));
      try {
        if (!f.bounds().equals(bounds)) {
          throw new MissingInputException("Generate: the Source frame at " + t + " is " + f.bounds()
              + " but the shot's frames are " + bounds + "; every frame of a shot must have one size");
        }
        frames.add(ImagePlanes.rgbOf(f, bounds));
      } finally {
        shot.release(f);
      }
    }
    return frames;
  }

  private static byte[] fileDigest(Path path) {
    try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
      return ((DigestInputStream) in).getMessageDigest().digest();
    } catch (IOException e) {
      throw ShotModelException.of(path, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  private static void renderNoise(RenderContext ctx, FrameView out) {
    int seed = ctx.params().getInt(GenerateParams.SEED.name());
    int frame = (int) Math.floor(ctx.time());
    RectI window = ctx.renderWindow();
    ctx.forEachRow(window, y -> {
      for (int x = window.x1(); x < window.x2(); x++) {
        for (int c = 0; c < 3; c++) {
          out.store(x, y, c, noise(seed, x, y, c, frame));
        }
        out.store(x, y, 3, 1f);
      }
    });
  }

  /** Integer hash of 8x8 pixel cells, in [0,1); the constants are from common 32-bit mixers. */
  static float noise(int seed, int x, int y, int c, int frame) {
    int h = seed * 0x9E3779B1 ^ (x >> 3) * 0x85EBCA77 ^ (y >> 3) * 0xC2B2AE3D ^ c * 0x27D4EB2F ^ frame * 0x165667B1;
    h ^= h >>> 15;
    h *= 0x2C1B3C6D;
    h ^= h >>> 12;
    h *= 0x297A2D39;
    h ^= h >>> 15;
    return (h >>> 8) * (1f / 16777216f);
  }
}
