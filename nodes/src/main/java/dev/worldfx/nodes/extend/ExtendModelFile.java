package dev.worldfx.nodes.extend;

import dev.worldfx.inference.DType;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.SafeTensors;
import dev.worldfx.inference.io.SafeTensorsWriter;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.generate.ShotModelException;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.DoubleConsumer;

/**
 * ExtendShot's fitted model of a shot in a file: everything {@link ShotExtender#predict} reads, so a
 * model fitted once predicts the same bits anywhere (another machine, a render farm).
 *
 * <p>File: safetensors. Tensors, F32 unless said (masks are F16 holding 0 or 1; m = the canvas margin,
 * n = object pixels, k = a hidden object's pixels):
 * {@code last} [3,H,W] (the last frame), {@code lastObjects} [H,W] F16, {@code bgFlow} [2,H,W],
 * {@code canvas} [3,H+2m,W+2m] (the background memory), {@code seen} [H+2m,W+2m] F16,
 * {@code objects.x}, {@code .y}, {@code .vx}, {@code .vy}, {@code .ax}, {@code .ay} [n], {@code objects.rgb} [n,3],
 * {@code hidden<i>.dx}, {@code .dy} [k], {@code hidden<i>.rgb} [k,3] (objects behind an occluder),
 * {@code occluder} [H,W] F16 (when there is one), {@code appearance.w1} [16,3,3,3], {@code .b1} [16],
 * {@code .w2} [16,16,3,3], {@code .b2} [16], {@code .w3} [3,16,3,3], {@code .b3} [3],
 * {@code appearance.losses} [steps], {@code appearance.monitorLosses} [m] (when a network was trained),
 * {@code alpha} [H,W] (the nearest real frame's alpha, given to every added frame; absent: opaque).
 *
 * <p>Metadata: {@code format} = {@value #FORMAT}, {@code version}, {@code method}, {@code width},
 * {@code height}, {@code margin}, {@code quality} (draft|final), {@code seed}, {@code direction}
 * (forward|backward), {@code sourceFirst} and {@code sourceLast} (the shot's frame numbers),
 * {@code frames} (how many frames were added when it was written), {@code cameraStep} (the affine map of a
 * pixel of frame t to frame t-1, six numbers), {@code objectPixels}, {@code hiddenObjects},
 * {@code hidden<i>.motion} (x, y, vx, vy, ax, ay at the last frame), {@code occluder}, {@code appearance},
 * {@code useAppearance}, {@code damping} (the background's speed kept per frame; absent in files written
 * before it existed: 1), {@code appearance.monitorEvery}, {@code appearance.validationGainDb},
 * {@code appearance.used}, {@code alpha}, the caller's own entries (the CLI's look: bits per channel, pixel
 * type, the data window's origin {@code boundsX}, {@code boundsY}; the ExtendShot node adds {@code solveKey},
 * the cache key of the solve it came from, see {@link ShotModelOutput}), and {@code digest}: SHA-256 of every other metadata entry (sorted by key, "key=value\n", UTF-8)
 * and then of every tensor (sorted by name: the name, "\n", its values as little-endian float bits). Doubles
 * are written with {@link Double#toString}, which reads back to the same bits. On load the shapes,
 * masks and digest are checked, so a damaged file is refused, not predicted from.
 *
 * <p>The fit's own bookkeeping that prediction never reads (which last-frame pixels the hidden objects
 * claimed) is not saved.
 */
public record ExtendModelFile(ShotExtender.Model model, ShotExtender.Settings settings, Source source, float[] alpha,
                              Map<String, String> metadata) {
  public static final String FORMAT = "worldfx-extend-model";
  public static final String VERSION = "1";
  public static final String METHOD = "ExtendShot: camera with momentum, background memory, objects with velocity "
      + "and acceleration, an appearance network trained on the shot (used when the back-test showed it helps)";
  private static final List<String> OBJECT_ARRAYS = List.of("x", "y", "vx", "vy", "ax", "ay", "rgb");
  private static final List<String> WEIGHTS = List.of("w1", "b1", "w2", "b2", "w3", "b3");

  /**
   * Where the model came from: the side it extends (a backward extension is the model of the reversed
   * shot), the shot's frame numbers and how many frames were added when the file was written.
   */
  public record Source(boolean forward, int first, int last, int frames) {
    /** The number `worldfx extend` gives predicted frame {@code h} (1-based). */
    public int number(int h) {
      return forward ? last + h : first - h;
    }
  }

  /**
   * {@code alpha} may be null (opaque); {@code metadata}: extra entries to save (the format's own
   * keys win), or, from {@link #load}, all of the file's metadata.
   */
  public ExtendModelFile {
    if (alpha != null && alpha.length != model.w * model.h) {
      throw new IllegalArgumentException("alpha has " + alpha.length + " values for a " + model.w + "x" + model.h
          + " model");
    }
    metadata = Map.copyOf(metadata);
  }

  /** ExtendShot's solver revision: cached predictions of a model file are keyed by it, so a new solver re-predicts. */
  public static String solverRevision() {
    return ExtendShotNode.SOLVER_REVISION;
  }

  public int width() {
    return model.w;
  }

  public int height() {
    return model.h;
  }

  /** Predicted frames 1..frames after the shot, exactly as {@link ShotExtender#predict} gives them for the model. */
  public void predict(int frames, Runnable abortPoll, DoubleConsumer progress, BiConsumer<Integer, ImagePlanes> sink) {
    new ShotExtender(settings, abortPoll, progress).predict(model, frames, sink);
  }

  /** A frame's alpha over {@code bounds} as [H,W], the form the {@code alpha} tensor takes (1 where it has none). */
  public static float[] alphaOf(FrameView frame, RectI bounds) {
    int w = bounds.width();
    float[] a = new float[w * bounds.height()];
    for (int y = bounds.y1(); y < bounds.y2(); y++) {
      for (int x = bounds.x1(); x < bounds.x2(); x++) {
        a[(y - bounds.y1()) * w + (x - bounds.x1())] = frame.alpha(x, y);
      }
    }
    return a;
  }

  /** Writes the model file atomically (a temporary file renamed into place). */
  public void save(Path file) throws IOException {
    TensorSet a = arrays();
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.putAll(ownMetadata());
    meta.remove("digest");
    meta.put("digest", digest(meta, a.values));
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      a.values.forEach((name, v) -> {
        Tensor t = Tensor.of(arena, v, a.shapes.get(name));
        tensors.put(name, a.masks.contains(name) ? t.to(arena, DType.F16) : t);
      });
      SafeTensorsWriter.write(file, tensors, meta);
    }
  }

  /** The arrays of the model by tensor name, with their shapes and which are masks. */
  private record TensorSet(Map<String, float[]> values, Map<String, int[]> shapes, java.util.Set<String> masks) {
    void put(String name, float[] v, int... shape) {
      values.put(name, v);
      shapes.put(name, shape);
    }

    void mask(String name, boolean[] v, int... shape) {
      float[] f = new float[v.length];
      for (int i = 0; i < v.length; i++) {
        f[i] = v[i] ? 1f : 0f;
      }
      put(name, f, shape);
      masks.add(name);
    }
  }

  private TensorSet arrays() {
    ShotExtender.Model m = model;
    int w = m.w, h = m.h, cw = w + 2 * m.margin, ch = h + 2 * m.margin, n = m.objX.length;
    TensorSet a = new TensorSet(new LinkedHashMap<>(), new LinkedHashMap<>(), new TreeSet<>());
    a.put("last", m.last.data(), 3, h, w);
    a.mask("lastObjects", m.lastObjects, h, w);
    a.put("bgFlow", m.bgFlow, 2, h, w);
    a.put("canvas", m.canvas, 3, ch, cw);
    a.mask("seen", m.seen, ch, cw);
    float[][] obj = {m.objX, m.objY, m.objVx, m.objVy, m.objAx, m.objAy};
    for (int i = 0; i < obj.length; i++) {
      a.put("objects." + OBJECT_ARRAYS.get(i), obj[i], n);
    }
    a.put("objects.rgb", m.objRgb, n, 3);
    List<ObjectMemory.Hidden> hidden = m.remembered.hidden();
    for (int i = 0; i < hidden.size(); i++) {
      ObjectMemory.Hidden o = hidden.get(i);
      a.put("hidden" + i + ".dx", o.dx(), o.dx().length);
      a.put("hidden" + i + ".dy", o.dy(), o.dy().length);
      a.put("hidden" + i + ".rgb", o.rgb(), o.dx().length, 3);
    }
    if (m.remembered.occluder() != null) {
      a.mask("occluder", m.remembered.occluder(), h, w);
    }
    if (m.appearance != null) {
      Tensor[] p = m.appearance.parameters();
      for (int i = 0; i < p.length; i++) {
        a.put("appearance." + WEIGHTS.get(i), p[i].toArray(), p[i].shape());
      }
      ShotExtender.AppearanceTraining t = m.appearance.training;
      a.put("appearance.losses", t.losses(), t.losses().length);
      a.put("appearance.monitorLosses", t.monitorLosses(), t.monitorLosses().length);
    }
    if (alpha != null) {
      a.put("alpha", alpha, h, w);
    }
    return a;
  }

  private Map<String, String> ownMetadata() {
    ShotExtender.Model m = model;
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("version", VERSION);
    meta.put("method", METHOD);
    meta.put("width", Integer.toString(m.w));
    meta.put("height", Integer.toString(m.h));
    meta.put("margin", Integer.toString(m.margin));
    meta.put("quality", settings.finalQuality() ? "final" : "draft");
    meta.put("seed", Long.toString(settings.seed()));
    meta.put("direction", source.forward() ? "forward" : "backward");
    meta.put("sourceFirst", Integer.toString(source.first()));
    meta.put("sourceLast", Integer.toString(source.last()));
    meta.put("frames", Integer.toString(source.frames()));
    Affine s = m.step;
    meta.put("cameraStep", doubles(s.a0(), s.a1(), s.a2(), s.b0(), s.b1(), s.b2()));
    meta.put("objectPixels", Integer.toString(m.objX.length));
    List<ObjectMemory.Hidden> hidden = m.remembered.hidden();
    meta.put("hiddenObjects", Integer.toString(hidden.size()));
    for (int i = 0; i < hidden.size(); i++) {
      ObjectMemory.Hidden o = hidden.get(i);
      meta.put("hidden" + i + ".motion", doubles(o.x(), o.y(), o.vx(), o.vy(), o.ax(), o.ay()));
    }
    meta.put("occluder", Boolean.toString(m.remembered.occluder() != null));
    meta.put("appearance", Boolean.toString(m.appearance != null));
    meta.put("useAppearance", Boolean.toString(m.useAppearance));
    meta.put("damping", Double.toString(m.damping));
    if (m.appearance != null) {
      ShotExtender.AppearanceTraining t = m.appearance.training;
      meta.put("appearance.monitorEvery", Integer.toString(t.monitorEvery()));
      meta.put("appearance.validationGainDb", Double.toString(t.validationGainDb()));
      meta.put("appearance.used", Boolean.toString(t.used()));
    }
    meta.put("alpha", Boolean.toString(alpha != null));
    return meta;
  }

  /** Reads and checks a model file; anything that does not add up is a {@link ShotModelException} naming the file. */
  public static ExtendModelFile load(Path file) {
    try (Arena arena = Arena.ofConfined()) {
      SafeTensors st = SafeTensors.open(file, arena);
      Map<String, String> meta = st.metadata();
      Reader r = new Reader(file, st, meta);
      String format = meta.get("format");
      if (!FORMAT.equals(format)) {
        throw new ShotModelException(file, format == null
            ? "a safetensors file but not a WorldFX model (no 'format' in its metadata)"
            : "format '" + format + "', not an ExtendShot model ('" + FORMAT + "')"
                + ("worldfx-shot-model".equals(format) ? ": it is a Generate (VGPNN) shot model" : ""));
      }
      if (!VERSION.equals(meta.get("version"))) {
        throw new ShotModelException(file, "version '" + meta.get("version") + "'; this build reads version " + VERSION);
      }
      int w = r.positive("width"), h = r.positive("height"), margin = r.integer("margin");
      if (margin != Math.max(w, h) / 2) {
        throw new ShotModelException(file, "margin " + margin + " does not fit a " + w + "x" + h + " shot");
      }
      int cw = w + 2 * margin, ch = h + 2 * margin, plane = w * h;
      ShotExtender.Settings settings = new ShotExtender.Settings(r.choice("quality", "draft", "final"),
          r.longInteger("seed"));
      Source source = new Source(r.choice("direction", "backward", "forward"), r.integer("sourceFirst"),
          r.integer("sourceLast"), r.positive("frames"));
      if (source.last() <= source.first()) {
        throw new ShotModelException(file, "its shot is frames " + source.first() + "-" + source.last()
            + "; a fitted shot has at least 2");
      }
      double[] s = r.doubles("cameraStep", 6);
      Affine step = new Affine(s[0], s[1], s[2], s[3], s[4], s[5]);
      int n = r.integer("objectPixels");
      float[] last = r.tensor("last", 3, h, w);
      boolean[] lastObjects = r.mask("lastObjects", h, w);
      float[] bgFlow = r.tensor("bgFlow", 2, h, w);
      float[] canvas = r.tensor("canvas", 3, ch, cw);
      boolean[] seen = r.mask("seen", ch, cw);
      float[][] objects = new float[7][];
      for (int i = 0; i < 6; i++) {
        objects[i] = r.tensor("objects." + OBJECT_ARRAYS.get(i), n);
      }
      objects[6] = r.tensor("objects.rgb", n, 3);
      int hiddenCount = r.integer("hiddenObjects");
      List<ObjectMemory.Hidden> hidden = new ArrayList<>();
      for (int i = 0; i < hiddenCount; i++) {
        int k = r.length("hidden" + i + ".dx");
        double[] mo = r.doubles("hidden" + i + ".motion", 6);
        hidden.add(new ObjectMemory.Hidden(r.tensor("hidden" + i + ".dx", k), r.tensor("hidden" + i + ".dy", k),
            r.tensor("hidden" + i + ".rgb", k, 3), mo[0], mo[1], mo[2], mo[3], mo[4], mo[5]));
      }
      boolean[] occluder = r.flag("occluder") ? r.mask("occluder", h, w) : null;
      AppearanceModel appearance = null;
      if (r.flag("appearance")) {
        Tensor[] p = new Tensor[WEIGHTS.size()];
        int hid = AppearanceModel.HIDDEN;
        int[][] shapes = {{hid, 3, 3, 3}, {hid}, {hid, hid, 3, 3}, {hid}, {3, hid, 3, 3}, {3}};
        Arena weights = Arena.ofAuto(); // the network lives as long as the model that holds it
        for (int i = 0; i < p.length; i++) {
          p[i] = Tensor.of(weights, r.tensor("appearance." + WEIGHTS.get(i), shapes[i]), shapes[i]);
        }
        int steps = r.length("appearance.losses");
        int monitored = r.length("appearance.monitorLosses");
        appearance = new AppearanceModel(p, new ShotExtender.AppearanceTraining(r.tensor("appearance.losses", steps),
            r.tensor("appearance.monitorLosses", monitored), r.positive("appearance.monitorEvery"),
            r.number("appearance.validationGainDb"), r.flag("appearance.used")));
      }
      boolean useAppearance = r.flag("useAppearance");
      if (useAppearance && appearance == null) {
        throw new ShotModelException(file, "it asks for the appearance network but holds none");
      }
      float[] alpha = r.flag("alpha") ? r.tensor("alpha", h, w) : null;
      TreeSet<String> unexpected = new TreeSet<>(st.names());
      unexpected.removeAll(r.read.keySet());
      if (!unexpected.isEmpty()) {
        throw new ShotModelException(file, "it holds tensors an ExtendShot model does not have: " + unexpected);
      }
      Map<String, String> rest = new TreeMap<>(meta);
      rest.remove("digest");
      if (!digest(rest, r.read).equals(meta.get("digest"))) {
        throw new ShotModelException(file, "its contents do not match their recorded SHA-256 (digest): the file is "
            + "damaged");
      }
      ShotExtender.Model m = new ShotExtender.Model(w, h, margin, step, canvas, seen, objects,
          new ImagePlanes(3, h, w, last), lastObjects, bgFlow, appearance,
          new ObjectMemory.Result(List.copyOf(hidden), occluder, new boolean[plane], new boolean[plane]));
      m.useAppearance = useAppearance;
      if (meta.containsKey("damping")) {
        double damping = r.number("damping");
        if (!(damping > 0 && damping <= 1)) {
          throw new ShotModelException(file, "its damping " + damping + " is not in (0, 1]");
        }
        m.damping = damping;
      }
      return new ExtendModelFile(m, settings, source, alpha, meta);
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      throw ShotModelException.of(file, e);
    }
  }

  /** Reads checked values out of an open file, remembering every tensor read (for the digest). */
  private static final class Reader {
    final Path file;
    final SafeTensors st;
    final Map<String, String> meta;
    final Map<String, float[]> read = new TreeMap<>();

    Reader(Path file, SafeTensors st, Map<String, String> meta) {
      this.file = file;
      this.st = st;
      this.meta = meta;
    }

    float[] tensor(String name, int... shape) {
      if (!st.contains(name)) {
        throw new ShotModelException(file, "tensor '" + name + "' is missing");
      }
      Tensor t = st.tensor(name);
      if (!Arrays.equals(t.shape(), shape)) {
        throw new ShotModelException(file, "tensor '" + name + "' is " + Arrays.toString(t.shape()) + ", expected "
            + Arrays.toString(shape));
      }
      float[] v = t.toArray();
      read.put(name, v);
      return v;
    }

    /** The first dimension of a tensor whose length the file decides (0 when absent or a scalar: then reading it fails). */
    int length(String name) {
      int[] shape = st.contains(name) ? st.tensor(name).shape() : new int[0];
      return shape.length == 0 ? 0 : shape[0];
    }

    boolean[] mask(String name, int... shape) {
      float[] v = tensor(name, shape);
      boolean[] b = new boolean[v.length];
      for (int i = 0; i < v.length; i++) {
        if (v[i] != 0f && v[i] != 1f) {
          throw new ShotModelException(file, "mask '" + name + "' holds " + v[i] + "; a mask holds 0 or 1");
        }
        b[i] = v[i] == 1f;
      }
      return b;
    }

    String text(String key) {
      String v = meta.get(key);
      if (v == null) {
        throw new ShotModelException(file, "metadata '" + key + "' is missing");
      }
      return v;
    }

    long longInteger(String key) {
      return parsed(key, Long::parseLong, "a whole number");
    }

    double number(String key) {
      return parsed(key, Double::parseDouble, "a number");
    }

    private <T> T parsed(String key, java.util.function.Function<String, T> parse, String what) {
      String v = text(key);
      try {
        return parse.apply(v);
      } catch (NumberFormatException e) {
        throw new ShotModelException(file, "metadata '" + key + "' is '" + v + "', not " + what);
      }
    }

    int integer(String key) {
      long v = longInteger(key);
      if (v != (int) v) {
        throw new ShotModelException(file, "metadata '" + key + "' is " + v + ", out of range");
      }
      return (int) v;
    }

    int positive(String key) {
      int v = integer(key);
      if (v < 1) {
        throw new ShotModelException(file, "metadata '" + key + "' must be positive, got " + v);
      }
      return v;
    }

    double[] doubles(String key, int count) {
      String[] parts = text(key).split(",");
      if (parts.length != count) {
        throw new ShotModelException(file, "metadata '" + key + "' has " + parts.length + " numbers, expected " + count);
      }
      double[] d = new double[count];
      for (int i = 0; i < count; i++) {
        try {
          d[i] = Double.parseDouble(parts[i]);
        } catch (NumberFormatException e) {
          throw new ShotModelException(file, "metadata '" + key + "' holds '" + parts[i] + "', not a number");
        }
      }
      return d;
    }

    boolean flag(String key) {
      return choice(key, "false", "true");
    }

    /** False for {@code no}, true for {@code yes}. */
    boolean choice(String key, String no, String yes) {
      String v = text(key);
      if (!v.equals(no) && !v.equals(yes)) {
        throw new ShotModelException(file, "metadata '" + key + "' is '" + v + "', not " + no + " or " + yes);
      }
      return v.equals(yes);
    }
  }

  private static String doubles(double... d) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < d.length; i++) {
      s.append(i == 0 ? "" : ",").append(Double.toString(d[i]));
    }
    return s.toString();
  }

  /** SHA-256 of the metadata (sorted by key, without the digest) and the tensors (sorted by name), as hex. */
  private static String digest(Map<String, String> meta, Map<String, float[]> tensors) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : new TreeMap<>(meta).entrySet()) {
        if (!e.getKey().equals("digest")) {
          md.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
        }
      }
      ByteBuffer b = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
      for (Map.Entry<String, float[]> e : new TreeMap<>(tensors).entrySet()) {
        md.update((e.getKey() + "\n").getBytes(StandardCharsets.UTF_8));
        float[] d = e.getValue();
        for (int i = 0; i < d.length; i += 4096) {
          int len = Math.min(4096, d.length - i);
          b.clear();
          b.asFloatBuffer().put(d, i, len);
          md.update(b.array(), 0, 4 * len);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "ExtendShot model[%dx%d, %s of frames %d-%d, %d object pixels, %d hidden, "
        + "appearance network %s]", model.w, model.h, source.forward() ? "after" : "before", source.first(),
        source.last(), model.objX.length, model.remembered.hidden().size(), model.appearance == null ? "none"
        : model.useAppearance ? "used" : "not used");
  }
}
