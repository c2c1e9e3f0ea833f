import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * CLI-vs-OFX parity: the same graph node, the same parameter values and the same input PNGs,
 * rendered once by {@code worldfx run GRAPH} and once through the assembled WorldFX.ofx.bundle by
 * the C test host acting as a host ({@code ofx-test-host --render JOB}), must give the same
 * samples, byte for byte, in every frame. Run by installers/pom.xml in the integration-test phase:
 *
 * <pre>java Parity.java ROOT BUNDLE TEST_HOST</pre>
 *
 * Each side gets its own sequence cache, so neither reads the other's solve. The host reads the
 * input PNGs as converted here to its raw frame format (the PNG's samples as stored, rows flipped
 * so y = 0 is the bottom row, as OFX and the CLI's reader have it); for Mask files see {@link Mask}.
 * Exit 0 when every case matches, 1 when any sample differs or a side fails.
 */
public final class Parity {
  static final int W = 64;
  static final int H = 48;
  static final int FIRST = 1001;
  static final int LAST = 1008;

  /**
   * One node rendered both ways: params are the node's in the graph, as text; graphSeed (when
   * not negative) is the graph's seed for nodes without their own, which the host sets as "seed".
   */
  record Case(String name, String kind, String context, int bits, Mask mask, Map<String, String> params,
              int graphSeed) {
  }

  /**
   * How the Mask file holds the matte. The CLI takes a Mask file's luminance times alpha; an OFX
   * host hands Inpaint an image whose alpha is the matte. WHITE_ALPHA: an RGBA file, white with
   * the matte in alpha, which the host passes as it is. GREY: an opaque grey file (the usual
   * matte render), which the host passes as an Alpha image of its grey, as a host shuffling a
   * matte into the mask's alpha does.
   */
  enum Mask { NONE, WHITE_ALPHA, GREY }

  // like examples/remove-logo.textproto, sized for a test
  static final List<Case> CASES = List.of(
      new Case("inpaint-general-16bit", "dev.worldfx.Inpaint", "General", 16, Mask.WHITE_ALPHA,
          params("dilate", "2", "feather", "1.5", "temporalRadius", "4", "quality", "Final"), 7),
      new Case("inpaint-general-8bit-grey-matte", "dev.worldfx.Inpaint", "General", 8, Mask.GREY,
          params("matteSource", "Mask clip", "dilate", "1", "temporalRadius", "2", "quality", "Draft", "seed", "3"),
          -1),
      new Case("generate-filter-8bit", "dev.worldfx.Generate", "Filter", 8, Mask.NONE,
          params("seed", "11", "variation", "0.3"), -1));

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: java Parity.java ROOT BUNDLE TEST_HOST");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    Path bundle = Path.of(args[1]).toAbsolutePath();
    Path host = Path.of(args[2]).toAbsolutePath();
    Path tmp = Files.createTempDirectory("worldfx-parity");
    int failed = 0;
    try {
      for (Case c : CASES) {
        long t0 = System.nanoTime();
        String why = run(c, tmp.resolve(c.name()), root, bundle, host);
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s parity/%s%s (%.1f s)%n", why == null ? "PASS" : "FAIL", c.name(),
            why == null ? "" : ": " + why, s);
        failed += why == null ? 0 : 1;
      }
    } finally {
      try (Stream<Path> files = Files.walk(tmp)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    System.out.printf("parity: %d passed, %d failed%n", CASES.size() - failed, failed);
    System.exit(failed == 0 ? 0 : 1);
  }

  /** Renders one case both ways and compares; null when every sample of every frame is equal. */
  static String run(Case c, Path dir, Path root, Path bundle, Path host) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    Files.createDirectories(dir.resolve("cli"));
    Files.createDirectories(dir.resolve("host"));
    for (int t = FIRST; t <= LAST; t++) {
      writePng(source(t), c.bits(), in.resolve(name("source", t, "png")));
      toRaw(in.resolve(name("source", t, "png")), in.resolve(name("source", t, "raw")));
      if (c.mask() != Mask.NONE) {
        writePng(matte(t, c.mask()), c.bits(), in.resolve(name("mask", t, "png")));
        toRaw(in.resolve(name("mask", t, "png")), in.resolve(name("mask", t, "raw")));
      }
    }

    StringBuilder graph = new StringBuilder("# written by installers/src/test/parity/Parity.java\nnodes {\n")
        .append("  name: \"node\"\n  kind: \"").append(c.kind()).append("\"\n  context: \"")
        .append(c.context().toLowerCase()).append("\"\n");
    c.params().forEach((k, v) -> graph.append("  params { name: \"").append(k).append("\" value: \"").append(v)
        .append("\" }\n"));
    graph.append("  inputs { key: \"Source\" value: \"in/source.####.png\" }\n");
    if (c.mask() != Mask.NONE) {
      graph.append("  inputs { key: \"Mask\" value: \"in/mask.####.png\" }\n");
    }
    graph.append("}\n");
    if (c.graphSeed() >= 0) {
      graph.append("seed: ").append(c.graphSeed()).append('\n');
    }
    graph.append("output_node: \"node\"\noutput_pattern: \"cli/out.####.png\"\n");
    Files.writeString(dir.resolve("graph.textproto"), graph);

    StringBuilder job = new StringBuilder("plugin=" + c.kind() + "\ncontext=" + c.context() + "\nfirst=" + FIRST
        + "\nlast=" + LAST + "\nclip.Source=" + in.resolve("source.####.raw") + "\n");
    if (c.mask() != Mask.NONE) {
      job.append("clip.Mask=").append(in.resolve("mask.####.raw")).append('\n');
    }
    c.params().forEach((k, v) -> job.append("param.").append(k).append('=').append(v).append('\n'));
    if (c.graphSeed() >= 0) {
      job.append("param.seed=").append(c.graphSeed()).append('\n');
    }
    job.append("output=").append(dir.resolve("host/out.####.raw")).append('\n');
    Files.writeString(dir.resolve("job.txt"), job);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path cliJar = root.resolve("cli/target/worldfx-cli.jar");
    // the flags ./worldfx runs the CLI with
    String cliLog = exec(dir, dir.resolve("cache-cli"), java, "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-XX:+UseSerialGC", "--add-modules=jdk.incubator.vector",
        "-Dworldfx.bundle=" + bundle, "-cp", cliJar + ":" + root.resolve("cli/target/lib") + "/*",
        "dev.worldfx.cli.Main", "run", "graph.textproto", "--progress", "none");
    print("cli", cliLog);
    if (cliLog.startsWith("exit")) {
      return "worldfx run failed";
    }
    String hostLog = exec(dir, dir.resolve("cache-host"), host.toString(), "--render",
        dir.resolve("job.txt").toString(), bundle.toString());
    print("host", hostLog);
    if (hostLog.startsWith("exit")) {
      return "ofx-test-host --render failed";
    }

    long samples = 0;
    long changed = 0;
    for (int t = FIRST; t <= LAST; t++) {
      Raw cli = Raw.ofPng(dir.resolve(name("cli/out", t, "png")));
      Raw ofx = Raw.read(dir.resolve(name("host/out", t, "raw")));
      Raw src = Raw.ofPng(in.resolve(name("source", t, "png")));
      String diff = cli.difference(ofx);
      System.out.printf("  %s frame %d: CLI %s vs OFX %s: %s%n", c.name(), t, cli.describe(), ofx.describe(),
          diff == null ? "identical" : diff);
      if (diff != null) {
        return "frame " + t + ": " + diff;
      }
      samples += cli.samples.length;
      changed += cli.pixelsDifferentFrom(src);
    }
    System.out.printf("  %s: %d samples identical over %d frames; %d pixels differ from the source; sequence cache"
        + " entries solved by each side into its own cache: CLI %d, OFX %d%n", c.name(), samples, LAST - FIRST + 1,
        changed, files(dir.resolve("cache-cli")), files(dir.resolve("cache-host")));
    if (changed == 0) {
      return "both sides returned the source unchanged: the comparison would prove nothing";
    }
    return null;
  }

  /** Runs command in dir with its own sequence cache, no JVM options from outside: its output, or "exit N: ...". */
  static String exec(Path dir, Path cache, String... command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    Stream.of("JAVA_HOME", "WORLDFX_JAVA_HOME", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS")
        .forEach(env::remove);
    env.put("WORLDFX_CACHE", cache.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int rc = p.waitFor();
    return rc == 0 ? out : "exit " + rc + ": " + out.strip();
  }

  static void print(String who, String log) {
    log.lines().filter(l -> !l.isBlank() && !l.startsWith("WARNING: Using incubator modules"))
        .forEach(l -> System.out.println("  " + who + ": " + l));
  }

  static long files(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  static Map<String, String> params(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  static String name(String prefix, int t, String ext) {
    return prefix + "." + t + "." + ext;
  }

  /**
   * A small shot that gives the flow solver something to track: a smooth background panning
   * right, a textured square moving diagonally, alpha varying over the frame. Values in [0, 1],
   * [y][x][RGBA] with row 0 the top.
   */
  static float[][][] source(int t) {
    float[][][] f = new float[H][W][4];
    int k = t - FIRST;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double u = x + 1.5 * k;
        float[] p = f[y][x];
        p[0] = (float) (0.5 + 0.4 * Math.sin(u * 0.21) * Math.cos(y * 0.17));
        p[1] = (float) (0.5 + 0.3 * Math.cos(u * 0.13 + y * 0.09));
        p[2] = (float) (0.35 + 0.25 * Math.sin((u + y) * 0.11));
        p[3] = (float) (0.75 + 0.25 * Math.cos(x * 0.05 + y * 0.07));
        int sx = x - (8 + 2 * k), sy = y - (6 + k);
        if (sx >= 0 && sx < 12 && sy >= 0 && sy < 12) {
          p[0] = ((sx / 3 + sy / 3) & 1) == 0 ? 0.9f : 0.15f;
          p[1] = 0.2f + 0.05f * sx;
          p[2] = 0.8f - 0.04f * sy;
        }
      }
    }
    return f;
  }

  /** A "logo" to remove: a soft-edged disc that drifts left, as the mask file holds it. */
  static float[][][] matte(int t, Mask kind) {
    float[][][] f = new float[H][W][4];
    double cx = 40 - 0.5 * (t - FIRST), cy = 22;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        double d = Math.hypot(x - cx, y - cy);
        float m = (float) Math.max(0, Math.min(1, 7 - d));
        f[y][x] = kind == Mask.GREY ? new float[] {m} : new float[] {1, 1, 1, m};
      }
    }
    return f;
  }

  /** RGBA, or grey when the pixels have one channel. */
  static void writePng(float[][][] pixels, int bits, Path file) throws IOException {
    BufferedImage img;
    int n = pixels[0][0].length;
    if (n == 1) {
      img = new BufferedImage(W, H, bits == 8 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_USHORT_GRAY);
    } else if (bits == 8) {
      img = new BufferedImage(W, H, BufferedImage.TYPE_4BYTE_ABGR);
    } else {
      var cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16, 16}, true,
          false, Transparency.TRANSLUCENT, DataBuffer.TYPE_USHORT);
      img = new BufferedImage(cm, cm.createCompatibleWritableRaster(W, H), false, null);
    }
    WritableRaster r = img.getRaster();
    int max = (1 << bits) - 1;
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        for (int c = 0; c < n; c++) {
          r.setSample(x, y, c, Math.round(pixels[y][x][c] * max));
        }
      }
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer for " + bits + "-bit " + n + "-channel images");
    }
  }

  static void toRaw(Path png, Path raw) throws IOException {
    Raw.ofPng(png).write(raw);
  }

  /** A frame's samples, y = 0 the bottom row; bits 8 or 16 (integers) or 32 (float bits); 1 (Alpha) or 4 channels. */
  record Raw(int width, int height, int ncomp, int bits, int[] samples) {
    static Raw ofPng(Path file) throws IOException {
      BufferedImage img = ImageIO.read(file.toFile());
      if (img == null) {
        throw new IOException(file + ": not a PNG");
      }
      Raster r = img.getRaster();
      int w = img.getWidth(), h = img.getHeight(), n = r.getNumBands();
      if (n != 4 && n != 1) {
        throw new IOException(file + ": " + n + " channels, the parity test writes and expects RGBA or grey");
      }
      int bits = r.getTransferType() == DataBuffer.TYPE_USHORT ? 16 : 8;
      int[] s = new int[w * h * n];
      for (int y = 0; y < h; y++) {
        System.arraycopy(r.getPixels(0, h - 1 - y, w, 1, (int[]) null), 0, s, y * w * n, w * n);
      }
      return new Raw(w, h, n, bits, s);
    }

    static Raw read(Path file) throws IOException {
      byte[] all = Files.readAllBytes(file);
      int nl = 0;
      while (nl < all.length && all[nl] != '\n') {
        nl++;
      }
      String[] head = new String(all, 0, nl, StandardCharsets.US_ASCII).split(" ");
      if (head.length != 5 || !head[0].equals("WFXRAW")) {
        throw new IOException(file + ": not a WFXRAW frame");
      }
      int w = Integer.parseInt(head[1]), h = Integer.parseInt(head[2]), n = Integer.parseInt(head[3]);
      int bits = switch (head[4]) {
        case "8bit" -> 8;
        case "16bit" -> 16;
        case "float" -> 32;
        default -> throw new IOException(file + ": depth " + head[4]);
      };
      ByteBuffer b = ByteBuffer.wrap(all, nl + 1, all.length - nl - 1).order(ByteOrder.LITTLE_ENDIAN);
      int[] s = new int[w * h * n];
      for (int i = 0; i < s.length; i++) {
        s[i] = bits == 8 ? b.get() & 0xFF : bits == 16 ? b.getShort() & 0xFFFF : b.getInt();
      }
      return new Raw(w, h, n, bits, s);
    }

    void write(Path file) throws IOException {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(("WFXRAW " + width + " " + height + " " + ncomp + " " + (bits == 8 ? "8bit" : "16bit") + "\n")
          .getBytes(StandardCharsets.US_ASCII));
      ByteBuffer b = ByteBuffer.allocate(samples.length * bits / 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : samples) {
        if (bits == 8) {
          b.put((byte) v);
        } else {
          b.putShort((short) v);
        }
      }
      out.writeBytes(b.array());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, out.toByteArray());
      Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    String describe() {
      String layout = ncomp == 4 ? "RGBA" : ncomp == 1 ? "Alpha" : ncomp + "ch";
      return width + "x" + height + " " + layout + " " + (bits == 32 ? "float" : bits + "bit");
    }

    /** Null when equal in size, layout, depth and every sample; else the count and the first difference. */
    String difference(Raw o) {
      if (width != o.width || height != o.height || ncomp != o.ncomp || bits != o.bits) {
        return "different frames: " + describe() + " vs " + o.describe();
      }
      int first = -1;
      int count = 0;
      for (int i = 0; i < samples.length; i++) {
        if (samples[i] != o.samples[i]) {
          count++;
          first = first < 0 ? i : first;
        }
      }
      if (count == 0) {
        return null;
      }
      int px = first / ncomp;
      return count + " of " + samples.length + " samples differ, first at x=" + px % width + " y=" + px / width
          + " channel " + first % ncomp + ": CLI " + samples[first] + ", OFX " + o.samples[first];
    }

    long pixelsDifferentFrom(Raw o) {
      long n = 0;
      for (int p = 0; p < width * height; p++) {
        for (int c = 0; c < ncomp; c++) {
          if (samples[p * ncomp + c] != o.samples[p * ncomp + c]) {
            n++;
            break;
          }
        }
      }
      return n;
    }
  }
}
