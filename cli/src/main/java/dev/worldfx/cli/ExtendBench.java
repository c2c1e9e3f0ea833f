package dev.worldfx.cli;

import dev.worldfx.nodes.extend.ClipFrames;
import dev.worldfx.nodes.extend.PairMemo;
import dev.worldfx.nodes.extend.ShotExtender;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code worldfx bench extend}: time and peak memory to back-test, solve and extend a synthetic
 * shot (the panning background of {@link InpaintBench}'s shot, with its moving disc), each case in
 * a fresh JVM; the reference measured in the same JVM is generating every frame of the shot once.
 */
final class ExtendBench {
  static final String GOAL = "goal: solve and extend a 48-frame 640x360 shot by 16 frames in < 60 s (draft) on 2 cores";
  static final String PREFIX = "EXTEND ";
  static final int BACKTEST = 8;

  private ExtendBench() {}

  /** The shot of {@link InpaintBench.SyntheticShot} as a clip (its frames computed on demand). */
  private record Clip(InpaintBench.SyntheticShot shot) implements ClipFrames {
    public int count() {
      return shot.count();
    }

    public int width() {
      return shot.width();
    }

    public int height() {
      return shot.height();
    }

    public ImagePlanes rgb(int i) {
      return shot.rgb(i);
    }
  }

  static int runAll(int width, int height, int frames, int add, List<Boolean> qualities, PrintStream out, PrintStream err)
      throws IOException, InterruptedException {
    out.printf(Locale.ROOT, "worldfx bench extend: back-test %d + solve + extend by %d frames, %dx%d, %d frames, each "
        + "case in a fresh JVM (%d cores here);%n  ratio = total time / time to generate every frame of the shot "
        + "once, same JVM%n%n", BACKTEST, add, width, height, frames, Runtime.getRuntime().availableProcessors());
    out.printf(Locale.ROOT, "  %-10s %-7s %6s %6s %10s %10s %9s %13s %10s %6s  %s%n", "size", "quality", "frames",
        "added", "backtest s", "extend s", "total s", "peak RSS MiB", "ratio", "safe", "backend");
    List<Map<String, String>> rows = new ArrayList<>();
    for (boolean fin : qualities) {
      List<String> args = List.of(Integer.toString(width), Integer.toString(height), Integer.toString(frames),
          Integer.toString(add), fin ? "final" : "draft");
      Map<String, String> r;
      try {
        r = parse(InpaintBench.runChildLine(InpaintBench.childCommand(ExtendBench.class, args), PREFIX));
      } catch (InpaintBench.ChildFailed e) {
        err.println("worldfx bench extend: the " + (fin ? "final" : "draft") + " case failed: " + e.getMessage());
        err.println(e.stderr);
        return Main.EXIT_FAILED;
      }
      rows.add(r);
      out.printf(Locale.ROOT, "  %-10s %-7s %6s %6s %10s %10s %9s %13s %9sx %6s  %s%n", width + "x" + height,
          r.get("quality"), r.get("frames"), r.get("added"), r.get("backtest_s"), r.get("extend_s"), r.get("total_s"),
          r.get("vmhwm_mib"), r.get("ratio"), r.get("safe"), r.get("backend"));
      out.flush();
    }
    out.println();
    out.println(GOAL);
    for (Map<String, String> r : rows) {
      if (r.get("quality").equals("draft") && width == 640 && height == 360 && frames == 48 && add == 16) {
        double t = Double.parseDouble(r.get("total_s"));
        out.printf(Locale.ROOT, "  draft: %.1f s -> %s%n", t, t < 60 ? "met" : "NOT met");
      }
    }
    return Main.EXIT_OK;
  }

  static Map<String, String> parse(String line) {
    Map<String, String> kv = new HashMap<>();
    for (String field : line.substring(PREFIX.length()).trim().split("\\s+")) {
      int eq = field.indexOf('=');
      kv.put(field.substring(0, eq), field.substring(eq + 1));
    }
    return kv;
  }

  /** Child: {@code W H FRAMES ADD draft|final}; prints one EXTEND line. */
  public static void main(String[] args) {
    try {
      int w = Integer.parseInt(args[0]), h = Integer.parseInt(args[1]), n = Integer.parseInt(args[2]);
      int add = Integer.parseInt(args[3]);
      boolean fin = args[4].equals("final");
      ClipFrames clip = new Clip(new InpaintBench.SyntheticShot(w, h, n));
      InpaintBench.HeapPeak heap = InpaintBench.HeapPeak.start();
      ShotExtender x = new ShotExtender(new ShotExtender.Settings(fin, 0), () -> {}, f -> {}).sharing(new PairMemo());
      long t0 = System.nanoTime();
      ShotExtender.Backtest bt = x.backtest(clip, BACKTEST, 25);
      long t1 = System.nanoTime();
      double[] sink = {0};
      ShotExtender.Model model = x.fit(clip);
      model.useAppearance = bt.appearanceHelps(); // as extend does: the back-test's choices
      model.settle(bt.damping());
      x.predict(model, add, (t, f) -> sink[0] += f.data()[0]);
      long t2 = System.nanoTime();
      double vmhwm = InpaintBench.vmHwmBytes() / (double) (1 << 20);
      heap.stop();
      long r0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink[0] += clip.rgb(i).data()[0];
      }
      double reference = (System.nanoTime() - r0) / 1e9;
      double total = (t2 - t0) / 1e9;
      System.out.printf(Locale.ROOT, PREFIX + "quality=%s frames=%d added=%d backtest_s=%.2f extend_s=%.2f total_s=%.2f "
          + "vmhwm_mib=%.0f ratio=%.1f safe=%d check=%s backend=%s%n", fin ? "final" : "draft", n, add, (t1 - t0) / 1e9,
          (t2 - t1) / 1e9, total, vmhwm, total / reference, bt.safeLength(), Double.isFinite(sink[0]),
          dev.worldfx.inference.Backends.peek().map(s -> s.name()).orElse("none-selected"));
      System.exit(0);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1);
    }
  }
}
