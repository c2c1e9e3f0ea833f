package dev.worldfx.nodes.generate;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.SafeTensors;
import dev.worldfx.inference.io.SafeTensorsWriter;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The generative model of one shot for {@link VideoGpnn}: the reference shot's space-time pyramid,
 * finest level first. It is non-parametric: the patches of these levels ARE the model (nothing is
 * trained, there are no network weights and no loss), so a model file is as large as the pyramid.
 *
 * <p>File: safetensors, one F32 tensor {@code level<l>} of shape [T,H,W,3] per level, and metadata
 * {@code format} = {@value #FORMAT}, {@code version}, {@code method}, the reference's width, height
 * and frames, the pyramid settings, and {@code sourceDigest} (SHA-256 of level 0's float bits,
 * little-endian). On load the digest is checked and the coarser levels are rebuilt from level 0 and
 * compared bit for bit, so a damaged data area is caught, not sampled.
 */
public record ShotModel(Pyramid pyramid, Video[] levels) {
  public static final String FORMAT = "worldfx-shot-model";
  public static final String VERSION = "1";
  public static final String METHOD = "VGPNN: Video-GPNN patch nearest-neighbour generation (Haim et al., \"Diverse "
      + "Generation from a Single Video Made Possible\", ECCV 2022; GPNN, Granot et al., \"Drop the GAN\", CVPR 2022)";
  private static final int CHANNELS = 3;
  /**
   * The most pixels x frames a reference or a sample may have (e.g. 640x360x72 or 1920x1080x8): the
   * search runs on the CPU and the pyramids are held in memory (about 60 bytes per pixel-frame).
   */
  public static final long MAX_PIXEL_FRAMES = 1L << 24;

  /**
   * Pyramid settings: patches of {@code patchFrames} x {@code patchSize} x {@code patchSize};
   * each level {@code spatialScale} times the size of the one above, down to a coarsest level whose
   * shorter side is about {@code coarsestSide}; time shrinks geometrically to {@code coarsestFrames}
   * at the coarsest level (VGPNN downsamples time as well as space).
   */
  public record Pyramid(int patchSize, int patchFrames, double spatialScale, int coarsestSide, int coarsestFrames) {
    public static final Pyramid DEFAULT = new Pyramid(5, 3, 0.75, 14, 3);
    static final int MAX_LEVELS = 16;

    public Pyramid {
      if (patchSize < 3 || patchSize % 2 == 0 || patchFrames < 1 || !(spatialScale > 0.3 && spatialScale < 1)
          || coarsestSide < patchSize || coarsestFrames < 1) {
        throw new IllegalArgumentException("invalid pyramid settings: patch " + patchFrames + "x" + patchSize + "x"
            + patchSize + ", scale " + spatialScale + ", coarsest side " + coarsestSide + ", coarsest frames "
            + coarsestFrames);
      }
    }

    /** How many levels a [t,h,w] reference gets. */
    int levelCount(int h, int w) {
      int side = Math.min(h, w);
      if (side <= coarsestSide) {
        return 1;
      }
      int n = 1 + (int) Math.floor(Math.log((double) side / coarsestSide) / Math.log(1 / spatialScale));
      return Math.clamp(n, 1, MAX_LEVELS);
    }

    /** [t,h,w] of level l of a [frames,h,w] video (or of a sample: frames = its length, scaled the same way). */
    int[] levelSize(int l, int levels, int frames, int referenceFrames, int h, int w) {
      double s = Math.pow(spatialScale, l);
      int tc = Math.min(referenceFrames, coarsestFrames);
      double ts = levels == 1 ? 1 : Math.pow((double) tc / referenceFrames, (double) l / (levels - 1));
      return new int[] {
          Math.max(1, (int) Math.round(frames * ts)),
          Math.max(patchSize, (int) Math.round(h * s)),
          Math.max(patchSize, (int) Math.round(w * s))};
    }
  }

  public ShotModel {
    if (levels.length < 1) {
      throw new IllegalArgumentException("a shot model needs at least one pyramid level");
    }
  }

  public int frames() {
    return levels[0].frames();
  }

  public int width() {
    return levels[0].width();
  }

  public int height() {
    return levels[0].height();
  }

  /** The model of {@code reference} (RGB): its pyramid, each level area-averaged from the full shot. */
  public static ShotModel build(Video reference, Pyramid pyramid) {
    if (reference.channels() != CHANNELS) {
      throw new IllegalArgumentException("the reference must be RGB, got " + reference.channels() + " channels");
    }
    if (reference.height() < pyramid.patchSize() || reference.width() < pyramid.patchSize()) {
      throw new IllegalArgumentException("the reference is " + reference.width() + "x" + reference.height()
          + "; Generate needs at least " + pyramid.patchSize() + "x" + pyramid.patchSize() + " pixels");
    }
    requireWithinLimit(reference.frames(), reference.height(), reference.width(), "the reference");
    for (float v : reference.data()) {
      if (!Float.isFinite(v)) {
        throw new IllegalArgumentException("the reference has a NaN or infinite pixel value");
      }
    }
    int n = pyramid.levelCount(reference.height(), reference.width());
    Video[] levels = new Video[n];
    levels[0] = reference;
    for (int l = 1; l < n; l++) {
      int[] s = pyramid.levelSize(l, n, reference.frames(), reference.frames(), reference.height(), reference.width());
      levels[l] = reference.resized(s[0], s[1], s[2]);
    }
    return new ShotModel(pyramid, levels);
  }

  /** Refuses a shot over {@link #MAX_PIXEL_FRAMES} with a message naming {@code what}, before anything is built. */
  public static void requireWithinLimit(long frames, long height, long width, String what) {
    if (frames * height * width > MAX_PIXEL_FRAMES) {
      throw new IllegalArgumentException(what + " is " + width + "x" + height + "x" + frames + " frames = "
          + frames * height * width + " pixel-frames; this build generates at most " + MAX_PIXEL_FRAMES
          + " (e.g. 640x360x72): use a shorter range or a smaller proxy");
    }
  }

  /** SHA-256 of level 0's float bits, little-endian, as lower-case hex. */
  public String sourceDigest() {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      float[] d = levels[0].data();
      ByteBuffer b = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < d.length; i += 4096) {
        b.clear();
        b.asFloatBuffer().put(d, i, Math.min(4096, d.length - i));
        md.update(b.array(), 0, 4 * Math.min(4096, d.length - i));
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  /** Writes the model file atomically (a temporary file renamed into place). */
  public void save(Path file) throws IOException {
    save(file, Map.of());
  }

  /** As {@link #save(Path)}, with extra metadata entries (e.g. the reference's bits per channel). */
  public void save(Path file, Map<String, String> extra) throws IOException {
    Map<String, String> meta = new LinkedHashMap<>(extra);
    meta.put("format", FORMAT);
    meta.put("version", VERSION);
    meta.put("method", METHOD);
    meta.put("parametric", "false: the reference's patches are the model; nothing is trained");
    meta.put("width", Integer.toString(width()));
    meta.put("height", Integer.toString(height()));
    meta.put("frames", Integer.toString(frames()));
    meta.put("levels", Integer.toString(levels.length));
    meta.put("patchSize", Integer.toString(pyramid.patchSize()));
    meta.put("patchFrames", Integer.toString(pyramid.patchFrames()));
    meta.put("spatialScale", Double.toString(pyramid.spatialScale()));
    meta.put("coarsestSide", Integer.toString(pyramid.coarsestSide()));
    meta.put("coarsestFrames", Integer.toString(pyramid.coarsestFrames()));
    meta.put("sourceDigest", sourceDigest());
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      for (int l = 0; l < levels.length; l++) {
        Video v = levels[l];
        tensors.put("level" + l, Tensor.of(arena, v.data(), v.frames(), v.height(), v.width(), v.channels()));
      }
      SafeTensorsWriter.write(file, tensors, meta);
    }
  }

  /** Reads and checks a model file; anything that does not add up is a {@link ShotModelException}. */
  public static ShotModel load(Path file) {
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = SafeTensors.open(file, arena);
      Map<String, String> meta = st.metadata();
      String format = meta.get("format");
      if (!FORMAT.equals(format)) {
        throw new ShotModelException(file, format == null ? "a safetensors file but not a WorldFX shot model (no "
            + "'format' in its metadata)" : "format '" + format + "', not '" + FORMAT + "'");
      }
      if (!VERSION.equals(meta.get("version"))) {
        throw new ShotModelException(file, "version '" + meta.get("version") + "'; this build reads version " + VERSION);
      }
      Pyramid pyramid;
      int width = intOf(file, meta, "width"), height = intOf(file, meta, "height"), frames = intOf(file, meta, "frames");
      int levelCount = intOf(file, meta, "levels");
      try {
        pyramid = new Pyramid(intOf(file, meta, "patchSize"), intOf(file, meta, "patchFrames"),
            doubleOf(file, meta, "spatialScale"), intOf(file, meta, "coarsestSide"), intOf(file, meta, "coarsestFrames"));
      } catch (IllegalArgumentException e) {
        throw new ShotModelException(file, e.getMessage());
      }
      if (levelCount != pyramid.levelCount(height, width)) {
        throw new ShotModelException(file, "it declares " + levelCount + " levels but its settings give "
            + pyramid.levelCount(height, width) + " for " + width + "x" + height);
      }
      Video[] levels = new Video[levelCount];
      for (int l = 0; l < levelCount; l++) {
        int[] s = l == 0 ? new int[] {frames, height, width} : pyramid.levelSize(l, levelCount, frames, frames, height, width);
        int[] want = {s[0], s[1], s[2], CHANNELS};
        if (!st.contains("level" + l)) {
          throw new ShotModelException(file, "pyramid level " + l + " is missing");
        }
        Tensor t = st.tensor("level" + l);
        if (t.dtype() != DType.F32 || !Arrays.equals(t.shape(), want)) {
          throw new ShotModelException(file, "level" + l + " is " + t.dtype() + " " + Arrays.toString(t.shape())
              + ", expected F32 " + Arrays.toString(want));
        }
        float[] d = t.toArray();
        for (float v : d) {
          if (!Float.isFinite(v)) {
            throw new ShotModelException(file, "level" + l + " holds a NaN or infinite value");
          }
        }
        levels[l] = new Video(s[0], s[1], s[2], CHANNELS, d);
      }
      ShotModel model = new ShotModel(pyramid, levels);
      if (!model.sourceDigest().equals(meta.get("sourceDigest"))) {
        throw new ShotModelException(file, "level 0 does not match its recorded SHA-256 (sourceDigest): the file is "
            + "damaged");
      }
      ShotModel rebuilt = build(levels[0], pyramid); // the coarser levels are a deterministic function of level 0
      for (int l = 1; l < levelCount; l++) {
        if (!Arrays.equals(rebuilt.levels[l].data(), levels[l].data())) {
          throw new ShotModelException(file, "level" + l + " is not the pyramid level of level 0: the file is damaged");
        }
      }
      return model;
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw ShotModelException.of(file, e);
    }
  }

  /**
   * A model file's metadata, unchecked: to tell the kinds of model file apart (its {@code format}), or
   * after {@link #load} has checked the file.
   */
  public static Map<String, String> metadata(Path file) {
    try (Arena arena = Arena.ofConfined()) {
      return Map.copyOf(SafeTensors.open(file, arena).metadata());
    } catch (IOException e) {
      throw ShotModelException.of(file, e);
    }
  }

  private static int intOf(Path file, Map<String, String> meta, String name) {
    String v = meta.get(name);
    try {
      int n = Integer.parseInt(v);
      if (n < 1) {
        throw new ShotModelException(file, "metadata '" + name + "' must be positive, got " + v);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ShotModelException(file, "metadata '" + name + "' is " + (v == null ? "missing" : "'" + v + "'")
          + ", not a whole number");
    }
  }

  private static double doubleOf(Path file, Map<String, String> meta, String name) {
    String v = meta.get(name);
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException | NullPointerException e) {
      throw new ShotModelException(file, "metadata '" + name + "' is " + (v == null ? "missing" : "'" + v + "'")
          + ", not a number");
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ShotModel[%dx%d, %d frames, %d levels]", width(), height(), frames(),
        levels.length);
  }
}
