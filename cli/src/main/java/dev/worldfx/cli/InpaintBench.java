package dev.worldfx.cli;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.inpaint.InpaintSettings;
import dev.worldfx.nodes.inpaint.InpaintSolver;
import dev.worldfx.nodes.inpaint.ShotFrames;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * {@code worldfx bench inpaint}: the whole-shot Inpaint solve ({@link InpaintSolver}) on a
 * synthetic shot, one fresh JVM per case so that each case's peak memory is its own.
 *
 * <p>The parent ({@link #runAll}) starts a child per case: this class's {@link #main} with
 * {@code --size WxH --quality draft|final --frames N}. The child computes the shot on the fly
 * ({@link SyntheticShot}: a panning procedural background and a moving opaque disc, nothing
 * held), solves it with every frame's result written to a real {@link SequenceCache} in a temp
 * folder, then measures the reference: generating every frame the solver reads once. It prints
 * one {@code RESULT key=value ...} line ({@link Result#line}) and exits.
 */
public final class InpaintBench {
  static final String GOAL = "goal: draft >= 10 frames/s at 640x360; 1920x1080 100 frames within 24 GiB";
  static final long GOAL_BYTES = 24L << 30;

  private InpaintBench() {
  }

  /** One benchmark case. */
  record Case(int width, int height, boolean finalQuality, int frames) {
    Case {
      if (width < 16 || height < 16 || frames < 1) {
        throw new IllegalArgumentException("a case needs at least 16x16 pixels and 1 frame, got " + width + "x"
            + height + ", " + frames + " frames");
      }
    }

    String size() {
      return width + "x" + height;
    }

    String quality() {
      return finalQuality ? "final" : "draft";
    }

    /** Frames when none are asked for: a steady rate, yet the whole default run within ~10 min on 2 cores. */
    static int defaultFrames(int width, int height, boolean finalQuality) {
      if ((long) width * height >= 1280L * 720) {
        return finalQuality ? 12 : 100;
      }
      return 48;
    }

    List<String> args() {
      return List.of("--size", size(), "--quality", quality(), "--frames", Integer.toString(frames));
    }
  }

  /** What a child measured; {@link #line} and {@link #parse} are the parent-child protocol. */
  record Result(String size, String quality, int frames, double seconds, double fps, double vmHwmMib,
                double heapPeakMib, double heapLiveMib, double referenceSeconds, long removalPxPerFrame,
                long propagated, long synthesised, int flowPairs, double warmFps) {
    static final String PREFIX = "RESULT ";

    /** Solve time as a multiple of the reference (generating every frame once). */
    double ratio() {
      return seconds / referenceSeconds;
    }

    String line() {
      return String.format(Locale.ROOT, PREFIX + "size=%s quality=%s frames=%d seconds=%.4f fps=%.4f vmhwm_mib=%.1f "
              + "heap_peak_mib=%.1f heap_live_mib=%.1f reference_seconds=%.6f ratio=%.2f removal_px_per_frame=%d "
              + "propagated=%d synthesised=%d flow_pairs=%d warm_fps=%.4f", size, quality, frames, seconds, fps, vmHwmMib,
          heapPeakMib, heapLiveMib, referenceSeconds, ratio(), removalPxPerFrame, propagated, synthesised, flowPairs,
          warmFps);
    }

    static Result parse(String line) {
      if (!line.startsWith(PREFIX)) {
        throw new IllegalArgumentException("not a result line: " + line);
      }
      Map<String, String> kv = new HashMap<>();
      for (String field : line.substring(PREFIX.length()).trim().split("\\s+")) {
        int eq = field.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("malformed field '" + field + "' in " + line);
        }
        kv.put(field.substring(0, eq), field.substring(eq + 1));
      }
      try {
        return new Result(get(kv, "size"), get(kv, "quality"), Integer.parseInt(get(kv, "frames")),
            Double.parseDouble(get(kv, "seconds")), Double.parseDouble(get(kv, "fps")),
            Double.parseDouble(get(kv, "vmhwm_mib")), Double.parseDouble(get(kv, "heap_peak_mib")),
            Double.parseDouble(get(kv, "heap_live_mib")),
            Double.parseDouble(get(kv, "reference_seconds")), Long.parseLong(get(kv, "removal_px_per_frame")),
            Long.parseLong(get(kv, "propagated")), Long.parseLong(get(kv, "synthesised")),
            Integer.parseInt(get(kv, "flow_pairs")), Double.parseDouble(get(kv, "warm_fps")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("malformed number in " + line, e);
      }
    }

    private static String get(Map<String, String> kv, String key) {
      String v = kv.get(key);
      if (v == null) {
        throw new IllegalArgumentException("result line lacks " + key);
      }
      return v;
    }
  }

  // ---- parent ----------------------------------------------------------------------------------

  /** Runs every case in its own child JVM and prints the table; returns the exit code. */
  static int runAll(List<Case> cases, PrintStream out, PrintStream err) throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "worldfx bench inpaint: whole-shot Inpaint solve (dilate 2, feather 0, temporal radius 8, "
        + "seed 0) on a synthetic shot%n  (panning procedural background, opaque disc of radius H/10 moving across "
        + "it; results written to a sequence cache),%n  each case in a fresh JVM (SerialGC, %d cores here); ratio = "
        + "solve time / time to generate every frame of the shot once, same JVM;%n  warm = the same solve run again "
        + "in that JVM (a host that has solved before); peak RSS is of the first solve%n%n",
        Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "  %-10s %-7s %6s %9s %9s %9s %13s %14s %13s %12s %7s%n", "size", "quality", "frames",
        "solve s", "frames/s", "warm f/s", "peak RSS MiB", "heap peak/live", "x frame read", "removal px/f", "synth %");
    out.flush();
    List<Result> results = new ArrayList<>();
    for (Case c : cases) {
      Result r;
      try {
        r = runChild(c);
      } catch (ChildFailed e) {
        out.flush();
        err.println("worldfx bench inpaint: the " + c.size() + " " + c.quality() + " case (" + c.frames()
            + " frames) failed: " + e.getMessage());
        if (!e.stderr.isBlank()) {
          err.println("--- its stderr ---");
          err.print(e.stderr.endsWith("\n") ? e.stderr : e.stderr + "\n");
          err.println("---");
        }
        err.flush();
        return Main.EXIT_FAILED;
      }
      results.add(r);
      long removal = r.propagated() + r.synthesised();
      out.printf(Locale.ROOT, "  %-10s %-7s %6d %9.2f %9.2f %9.2f %13.0f %14s %12.1fx %12d %7.1f%n", r.size(),
          r.quality(), r.frames(), r.seconds(), r.fps(), r.warmFps(), r.vmHwmMib(),
          String.format(Locale.ROOT, "%.0f/%.0f", r.heapPeakMib(), r.heapLiveMib()), r.ratio(), r.removalPxPerFrame(),
          removal == 0 ? 0.0 : 100.0 * r.synthesised() / removal);
      out.flush();
    }
    out.println();
    out.println(GOAL);
    for (Result r : results) {
      if (r.size().equals("640x360") && r.quality().equals("draft")) {
        out.printf(Locale.ROOT, "  640x360 draft: %.2f frames/s in a fresh JVM -> %s; %.2f frames/s warm -> %s%n", r.fps(),
            r.fps() >= 10 ? "met" : "NOT met", r.warmFps(), r.warmFps() >= 10 ? "met" : "NOT met");
      }
      if (r.size().equals("1920x1080")) {
        String verdict = r.vmHwmMib() * (1L << 20) > GOAL_BYTES ? "NOT met"
            : r.frames() >= 100 ? "met" : "within 24 GiB at " + r.frames() + " frames (goal is 100)";
        out.printf(Locale.ROOT, "  1920x1080 %s: peak RSS %.0f MiB over %d frames -> %s%n", r.quality(), r.vmHwmMib(),
            r.frames(), verdict);
      }
    }
    out.flush();
    return Main.EXIT_OK;
  }

  static final class ChildFailed extends Exception {
    final String stderr;

    ChildFailed(String message, String stderr) {
      super(message);
      this.stderr = stderr;
    }
  }

  /** The command line of a child JVM running {@code c}. */
  static List<String> childCommand(Case c) {
    return childCommand(InpaintBench.class, c.args());
  }

  /**
   * A fresh JVM like this one running {@code main} with {@code args}, computing on the backend this
   * one was told to use (--backend sets a system property, which a child does not inherit).
   */
  static List<String> childCommand(Class<?> main, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC"));
    String backend = System.getProperty(dev.worldfx.inference.Backends.MODE_PROPERTY);
    if (backend != null) {
      cmd.add("-D" + dev.worldfx.inference.Backends.MODE_PROPERTY + "=" + backend);
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /** Runs one case in a fresh JVM and parses its result line. */
  static Result runChild(Case c) throws IOException, InterruptedException, ChildFailed {
    String line = runChildLine(childCommand(c), Result.PREFIX);
    try {
      return Result.parse(line);
    } catch (IllegalArgumentException e) {
      throw new ChildFailed(e.getMessage(), line);
    }
  }

  /** Runs a child JVM command and returns its one stdout line starting with {@code prefix}. */
  static String runChildLine(List<String> command, String prefix) throws IOException, InterruptedException,
      ChildFailed {
    Path dir = Files.createTempDirectory("worldfx-bench-");
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    try {
      Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
      int exit;
      try {
        exit = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        throw e;
      }
      String errText = Files.readString(stderr, StandardCharsets.UTF_8);
      List<String> lines = Files.readAllLines(stdout, StandardCharsets.UTF_8);
      if (exit != 0) {
        throw new ChildFailed("its JVM exited with " + exit, errText + String.join("\n", lines));
      }
      List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
      if (found.size() != 1) {
        throw new ChildFailed("expected one " + prefix.trim() + " line, got " + found.size(), errText
            + String.join("\n", lines));
      }
      return found.getFirst();
    } finally {
      deleteRecursively(dir);
    }
  }

  // ---- child -----------------------------------------------------------------------------------

  /** Child entry point: {@code --size WxH --quality draft|final --frames N}; prints one result line. */
  public static void main(String[] args) {
    try {
      Case c = parseArgs(args);
      Result r = measure(c);
      System.out.println(r.line());
      System.out.flush();
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.err.flush();
      System.exit(1);
    }
  }

  static Case parseArgs(String[] args) {
    String size = null;
    String quality = "draft";
    int frames = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a);
      }
      switch (a) {
        case "--size" -> size = args[++i];
        case "--quality" -> quality = args[++i];
        case "--frames" -> frames = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (size == null) {
      throw new IllegalArgumentException("--size WxH is required");
    }
    int[] wh = parseSize(size);
    boolean fin = parseQuality(quality);
    return new Case(wh[0], wh[1], fin, frames > 0 ? frames : Case.defaultFrames(wh[0], wh[1], fin));
  }

  /** "1920x1080" as {width, height}. */
  static int[] parseSize(String text) {
    String[] p = text.trim().toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        int w = Integer.parseInt(p[0]);
        int h = Integer.parseInt(p[1]);
        if (w >= 16 && h >= 16 && (long) w * h <= Integer.MAX_VALUE / 3) {
          return new int[] {w, h};
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("size '" + text + "' is not WIDTHxHEIGHT with both at least 16, e.g. 1920x1080");
  }

  static boolean parseQuality(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "draft" -> false;
      case "final" -> true;
      default -> throw new IllegalArgumentException("quality '" + text + "' is neither draft nor final");
    };
  }

  /** Solves the case's shot into a sequence cache in a temp folder, then measures the reference. */
  static Result measure(Case c) throws IOException {
    HeapPeak heap = HeapPeak.start();
    SyntheticShot shot = new SyntheticShot(c.width(), c.height(), c.frames());
    InpaintSettings settings = new InpaintSettings(2, 0, 8, c.finalQuality(), 0);
    Path tmp = Files.createTempDirectory("worldfx-bench-inpaint-cache-");
    try {
      SequenceCache cache = SequenceCache.open(tmp, 64L << 30);
      long t0 = System.nanoTime();
      InpaintSolver.Stats stats = new InpaintSolver(settings, () -> { }, f -> { }).solve(shot, (i, fill) ->
          cache.put(CacheKey.builder("bench", "1", 0).param("frame", i).build(), Map.of(), fill.encode()));
      double seconds = (System.nanoTime() - t0) / 1e9;
      double heapPeakMib = heap.peakBytes() / (double) (1 << 20);
      double heapLiveMib = heap.liveBytes() / (double) (1 << 20);
      double vmHwmMib = vmHwmBytes() / (double) (1 << 20);
      heap.stop();

      // Reference: what merely producing the frames the solver reads costs, in this JVM.
      long r0 = System.nanoTime();
      double sink = 0;
      for (int i = 0; i < shot.count(); i++) {
        sink += shot.rgb(i).data()[0] + shot.matte(i)[0];
      }
      double reference = (System.nanoTime() - r0) / 1e9;
      if (Double.isNaN(sink)) {
        throw new IllegalStateException("the synthetic shot produced NaN");
      }
      // The same solve again in this JVM: what a host process that has solved a shot before gets
      // (the JIT has compiled the loops); the first figure is what a fresh `worldfx inpaint` gets.
      Path again = Files.createTempDirectory("worldfx-bench-inpaint-cache-");
      double warmSeconds;
      try {
        SequenceCache cache2 = SequenceCache.open(again, 64L << 30);
        long w0 = System.nanoTime();
        new InpaintSolver(settings, () -> { }, f -> { }).solve(shot, (i, fill) ->
            cache2.put(CacheKey.builder("bench", "1", 0).param("frame", i).build(), Map.of(), fill.encode()));
        warmSeconds = (System.nanoTime() - w0) / 1e9;
      } finally {
        deleteRecursively(again);
      }
      return new Result(c.size(), c.quality(), stats.frames(), seconds, stats.frames() / seconds, vmHwmMib,
          heapPeakMib, heapLiveMib, reference, stats.removalPixels() / stats.frames(), stats.propagatedPixels(),
          stats.synthesisedPixels(), stats.flowPairs(), stats.frames() / warmSeconds);
    } finally {
      deleteRecursively(tmp);
    }
  }

  /** The resident set high-water mark of this process (VmHWM in /proc/self/status), or -1 where there is none. */
  static long vmHwmBytes() {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmHWM:")) {
          String[] p = line.substring(6).trim().split("\\s+");
          return Long.parseLong(p[0]) * 1024; // always kB
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /**
   * Peak heap in use: the largest heap occupancy just before any collection (from the GC
   * notifications), or now, whichever is larger; collections are when the heap is fullest, so
   * this includes garbage not yet collected and follows the heap size the JVM chose. Live peak:
   * the largest occupancy just after a collection (an upper bound on what was reachable then),
   * or now: what the solve needed to hold.
   */
  static final class HeapPeak {
    private final Set<String> heapPools;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong live = new AtomicLong();
    private final List<Runnable> undo = new ArrayList<>();

    private HeapPeak() {
      heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
          .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    }

    static HeapPeak start() {
      HeapPeak h = new HeapPeak();
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter emitter) {
          javax.management.NotificationListener l = (n, handback) -> {
            if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
              GarbageCollectionNotificationInfo info =
                  GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
              h.peak.accumulateAndGet(h.heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
              h.live.accumulateAndGet(h.heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
            }
          };
          emitter.addNotificationListener(l, null, null);
          h.undo.add(() -> {
            try {
              emitter.removeNotificationListener(l);
            } catch (javax.management.ListenerNotFoundException e) {
              // already gone
            }
          });
        }
      }
      return h;
    }

    private long heapUsed(Map<String, MemoryUsage> pools) {
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : pools.entrySet()) {
        if (heapPools.contains(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      return used;
    }

    long peakBytes() {
      return Math.max(peak.get(), ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    long liveBytes() {
      return Math.max(live.get(), Math.min(peakBytes(),
          ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()));
    }

    void stop() {
      undo.forEach(Runnable::run);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A shot computed on the fly, frame by frame, from closed-form functions (nothing is held):
   * a background of a few oriented sinusoids plus two octaves of value noise, panning at a
   * constant velocity, and an opaque shaded disc of radius H/10 moving along a slow Lissajous
   * path across it. The matte is 1 inside the disc, 0 elsewhere. Motion scales with the height.
   */
  static final class SyntheticShot implements ShotFrames {
    /** Oriented waves: wave numbers (radians per pixel at 360 rows), phase, and R, G, B amplitudes. */
    private static final double[][] WAVES = {
        {0.050, 0.021, 0.3, 0.10, 0.07, 0.04},
        {-0.023, 0.061, 1.1, 0.05, 0.08, 0.06},
        {0.131, -0.087, 2.0, 0.04, 0.03, 0.05},
        {0.011, 0.017, 0.7, 0.08, 0.06, 0.09},
    };

    private final int n;
    private final int w;
    private final int h;
    private final double scale;
    private final double radius;

    SyntheticShot(int width, int height, int frames) {
      this.n = frames;
      this.w = width;
      this.h = height;
      this.scale = height / 360.0;
      this.radius = height / 10.0;
    }

    @Override
    public int count() {
      return n;
    }

    @Override
    public int width() {
      return w;
    }

    @Override
    public int height() {
      return h;
    }

    /** Background pan, pixels per frame. */
    private double panX(int i) {
      return 1.5 * scale * i;
    }

    private double panY(int i) {
      return 0.5 * scale * i;
    }

    private double discX(int i) {
      return w * (0.5 + 0.3 * Math.sin(2 * Math.PI * i / 200.0));
    }

    private double discY(int i) {
      return h * (0.5 + 0.15 * Math.sin(2 * Math.PI * i / 130.0 + 0.5));
    }

    @Override
    public ImagePlanes rgb(int i) {
      checkFrame(i);
      int plane = w * h;
      float[] d = new float[3 * plane];
      double ox = panX(i);
      double oy = panY(i);
      int waves = WAVES.length;
      // sin(kx X + ky Y + ph) = sin(kx X + ph) cos(ky Y) + cos(kx X + ph) sin(ky Y): tables per column and row
      double[][] sx = new double[waves][w];
      double[][] cx = new double[waves][w];
      double[][] sy = new double[waves][h];
      double[][] cy = new double[waves][h];
      for (int k = 0; k < waves; k++) {
        double kx = WAVES[k][0] / scale;
        double ky = WAVES[k][1] / scale;
        for (int x = 0; x < w; x++) {
          double a = kx * (x + ox) + WAVES[k][2];
          sx[k][x] = Math.sin(a);
          cx[k][x] = Math.cos(a);
        }
        for (int y = 0; y < h; y++) {
          double a = ky * (y + oy);
          sy[k][y] = Math.sin(a);
          cy[k][y] = Math.cos(a);
        }
      }
      Lattice coarseX = new Lattice(w, ox, 23 * scale);
      Lattice coarseY = new Lattice(h, oy, 23 * scale);
      Lattice fineX = new Lattice(w, ox, 6.5 * scale);
      Lattice fineY = new Lattice(h, oy, 6.5 * scale);
      double dx0 = discX(i);
      double dy0 = discY(i);
      double r2 = radius * radius;
      for (int y = 0; y < h; y++) {
        int row = y * w;
        double ddy = y - dy0;
        for (int x = 0; x < w; x++) {
          double r = 0.45;
          double g = 0.42;
          double b = 0.38;
          for (int k = 0; k < waves; k++) {
            double s = sx[k][x] * cy[k][y] + cx[k][x] * sy[k][y];
            r += WAVES[k][3] * s;
            g += WAVES[k][4] * s;
            b += WAVES[k][5] * s;
          }
          double coarse = noise(coarseX, x, coarseY, y, 0x2545F491) - 0.5;
          double fine = noise(fineX, x, fineY, y, 0x6C8E9CF5) - 0.5;
          r += 0.20 * coarse + 0.10 * fine;
          g += 0.15 * coarse + 0.12 * fine;
          b += 0.10 * coarse + 0.14 * fine;
          double ddx = x - dx0;
          double dist2 = ddx * ddx + ddy * ddy;
          if (dist2 <= r2) { // the object: a shaded red disc
            double shade = 1 - 0.4 * dist2 / r2;
            r = 0.85 * shade;
            g = 0.15 * shade;
            b = 0.12 * shade;
          }
          d[row + x] = (float) r;
          d[plane + row + x] = (float) g;
          d[2 * plane + row + x] = (float) b;
        }
      }
      return new ImagePlanes(3, h, w, d);
    }

    @Override
    public float[] matte(int i) {
      checkFrame(i);
      float[] m = new float[w * h];
      double dx0 = discX(i);
      double dy0 = discY(i);
      double r2 = radius * radius;
      int y0 = Math.max(0, (int) Math.floor(dy0 - radius));
      int y1 = Math.min(h - 1, (int) Math.ceil(dy0 + radius));
      int x0 = Math.max(0, (int) Math.floor(dx0 - radius));
      int x1 = Math.min(w - 1, (int) Math.ceil(dx0 + radius));
      for (int y = y0; y <= y1; y++) {
        for (int x = x0; x <= x1; x++) {
          double ddx = x - dx0;
          double ddy = y - dy0;
          if (ddx * ddx + ddy * ddy <= r2) {
            m[y * w + x] = 1f;
          }
        }
      }
      return m;
    }

    private void checkFrame(int i) {
      if (i < 0 || i >= n) {
        throw new IndexOutOfBoundsException("frame " + i + " of a " + n + "-frame shot");
      }
    }

    /** Value noise: smooth interpolation of hashed lattice values, per-axis cell and weight precomputed. */
    private static double noise(Lattice lx, int x, Lattice ly, int y, int salt) {
      int ix = lx.cell[x];
      int iy = ly.cell[y];
      double fx = lx.weight[x];
      double fy = ly.weight[y];
      double v00 = hash(ix, iy, salt);
      double v10 = hash(ix + 1, iy, salt);
      double v01 = hash(ix, iy + 1, salt);
      double v11 = hash(ix + 1, iy + 1, salt);
      double top = v00 + (v10 - v00) * fx;
      double bottom = v01 + (v11 - v01) * fx;
      return top + (bottom - top) * fy;
    }

    /** A value in [0, 1) from a lattice point. */
    private static double hash(int x, int y, int salt) {
      int hsh = x * 0x27D4EB2D ^ y * 0x165667B1 ^ salt;
      hsh ^= hsh >>> 15;
      hsh *= 0x2C1B3C6D;
      hsh ^= hsh >>> 12;
      hsh *= 0x297A2D39;
      hsh ^= hsh >>> 15;
      return (hsh >>> 8) / (double) (1 << 24);
    }

    /** Lattice cell and smoothstep weight of each position along one axis, offset by the pan. */
    private static final class Lattice {
      final int[] cell;
      final double[] weight;

      Lattice(int size, double offset, double period) {
        cell = new int[size];
        weight = new double[size];
        for (int i = 0; i < size; i++) {
          double u = (i + offset) / period;
          double f = Math.floor(u);
          double t = u - f;
          cell[i] = (int) f;
          weight[i] = t * t * (3 - 2 * t);
        }
      }
    }
  }
}
