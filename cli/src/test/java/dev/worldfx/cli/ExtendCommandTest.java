package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.proto.JobRecord;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx extend end to end on a small panning PNG sequence. */
class ExtendCommandTest {
  private static final int W = 48;
  private static final int H = 32;

  @TempDir
  Path tmp;

  private void writeShot(int first, int last, int skip) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      for (int n = first; n <= last; n++) {
        if (n == skip) {
          continue;
        }
        FrameView f = FrameView.allocate(arena, new RectI(0, 0, W, H), PixelDepth.SHORT, Components.RGBA);
        for (int y = 0; y < H; y++) {
          for (int x = 0; x < W; x++) {
            double u = x + 1.5 * n;
            for (int c = 0; c < 3; c++) {
              f.store(x, y, c, (float) (0.5 + 0.3 * Math.sin(u * 0.45 + c) * Math.cos(y * 0.35 + 0.2 * c)));
            }
            f.store(x, y, 3, 1f);
          }
        }
        PngWriter.write(f, tmp.resolve(String.format("IN/%04d.png", n)), 16, false);
      }
    }
  }

  private CliRun extend(String... extra) {
    return CliRun.of(Stream.concat(Stream.of("extend", "--input", tmp.resolve("IN/%04d.png").toString(), "--output",
        tmp.resolve("OUT/%04d.png").toString()), Stream.of(extra)).toArray(String[]::new));
  }

  private List<String> written() throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("OUT"))) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void forwardContinuesTheNumbersWritesOnlyNewFramesAndReportsTheBacktest() throws IOException {
    writeShot(1000, 1011, -1);
    Path report = tmp.resolve("r.json");
    CliRun r = extend("--frames", "4", "--direction", "forward", "--backtest", "4", "--report", report.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("1012.png", "1013.png", "1014.png", "1015.png"), written());
    String json = Files.readString(report);
    assertTrue(json.contains("\"horizon\": 4") && json.contains("\"safeLength\": ") && json.contains("\"damping\": "),
        json);
    assertTrue(r.err().contains("safe extension length"), r.err());
    try (Arena arena = Arena.ofConfined()) {
      FrameView f = PngReader.read(arena, tmp.resolve("OUT/1012.png"));
      assertEquals(PixelDepth.SHORT, f.depth(), "the input's depth");
      assertFalse(PngReader.hasAlpha(tmp.resolve("OUT/1012.png")), "the input's channels");
    }
  }

  @Test
  void theDriftMatteIsTheBacktestsErrorAndSitsWhereNewContentEnters() throws IOException {
    writeShot(1000, 1013, -1);
    Path report = tmp.resolve("r.json");
    Path exr = tmp.resolve("drift.exr"), png = tmp.resolve("drift.png");
    CliRun r = extend("--frames", "2", "--direction", "forward", "--backtest", "4", "--report", report.toString(),
        "--drift-matte", exr.toString());
    assertEquals(0, r.exit(), r.err());
    String json = Files.readString(report);
    assertTrue(json.contains("\"driftMatte\": {") && json.contains("\"frame\": 1013"), json);
    double psnr4 = Double.parseDouble(json.replaceAll("(?s).*\"horizon\": 4, \"psnr\": ([0-9.]+).*", "$1"));
    CliRun p = extend("--frames", "2", "--direction", "forward", "--backtest", "4", "--drift-matte", png.toString());
    assertEquals(0, p.exit(), p.err());
    try (Arena arena = Arena.ofConfined()) {
      FrameView e = ImageFiles.read(arena, exr), g = ImageFiles.read(arena, png);
      assertFalse(PngReader.hasAlpha(png), "a grey matte, no alpha");
      double sum = 0, edge = 0, inside = 0;
      int edgeN = 0, insideN = 0;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          float v = e.sample(x, y, 0);
          assertEquals(v, e.sample(x, y, 1), 0);
          assertEquals(v, e.sample(x, y, 2), 0);
          assertEquals(Math.min(v, 1f), g.sample(x, y, 0), 1f / 65535, "the PNG holds the same error, 16-bit");
          sum += v;
          if (x >= W - 4) {
            edge += v;
            edgeN++;
          } else if (x >= 4 && x < W - 12) {
            inside += v;
            insideN++;
          }
        }
      }
      double mean = sum / (W * H);
      // mean absolute error <= root mean square error: the matte is the error at the back-test's last horizon
      assertTrue(mean > 0 && mean <= Math.pow(10, -psnr4 / 20) * 1.0001, mean + " vs PSNR " + psnr4);
      assertTrue(json.contains(String.format(java.util.Locale.ROOT, "\"mean\": %.5f", mean)), json);
      // the shot pans left: the content entering at the right edge was never seen, the rest was
      assertTrue(edge / edgeN > 2 * inside / insideN, "edge " + edge / edgeN + " inside " + inside / insideN + "\n" + r.err());
    }
  }

  @Test
  void aDriftMatteWithoutItsBacktestIsRefusedBeforeAnyWork() throws IOException {
    writeShot(1000, 1006, -1);
    Path matte = tmp.resolve("drift.exr");
    CliRun off = extend("--frames", "2", "--direction", "forward", "--backtest", "0", "--drift-matte", matte.toString());
    assertEquals(2, off.exit(), off.err());
    assertTrue(off.err().contains("--drift-matte needs the back-test"), off.err());
    CliRun tooShort = extend("--frames", "2", "--direction", "forward", "--backtest", "6", "--drift-matte",
        matte.toString());
    assertEquals(3, tooShort.exit(), tooShort.err());
    assertTrue(tooShort.err().contains("needs at least 8 frames"), tooShort.err());
    assertFalse(Files.exists(tmp.resolve("OUT")) || Files.exists(matte), "nothing written");
  }

  @Test
  void backwardNumbersBeforeTheStart() throws IOException {
    writeShot(1000, 1009, -1);
    CliRun r = extend("--frames", "3", "--direction", "backward", "--backtest", "0");
    assertEquals(0, r.exit(), r.err());
    assertEquals(List.of("0997.png", "0998.png", "0999.png"), written());
  }

  @Test
  void badShotsAreInputErrorsAndBadOptionsUsageErrors() throws IOException {
    writeShot(1000, 1009, 1004);
    CliRun gaps = extend("--frames", "3", "--direction", "forward");
    assertEquals(3, gaps.exit(), gaps.err());
    assertTrue(gaps.err().contains("has gaps (1004)"), gaps.err());
    CliRun dir = extend("--frames", "3", "--direction", "sideways");
    assertEquals(2, dir.exit(), dir.err());
    assertFalse(Files.exists(tmp.resolve("OUT")), "nothing written");
  }

  @Test
  void extendingBackwardPastFrameZeroIsRefused() throws IOException {
    writeShot(2, 6, -1);
    CliRun negative = extend("--frames", "5", "--direction", "backward", "--backtest", "0");
    assertEquals(3, negative.exit(), negative.err());
    assertTrue(negative.err().contains("negative frame numbers"), negative.err());
    assertFalse(Files.exists(tmp.resolve("OUT")), "nothing written");
  }

  @Test
  void aCancelFromTheWebPanelStopsTheRunAsCancelledAndSaysSo() throws Exception {
    writeShot(1000, 1015, -1);
    String input = tmp.resolve("IN/%04d.png").toString();
    CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> extend("--frames", "4", "--direction",
        "forward", "--backtest", "6", "--quality", "final"));
    // the run's job on this process's board, as the panel lists it
    JobBoard board = JobBoard.shared();
    Optional<JobRecord> job = Optional.empty();
    for (int i = 0; i < 600 && job.isEmpty() && !run.isDone(); i++) {
      job = board.jobs().stream().filter(j -> j.getShot().startsWith(input + ",") && j.getState().equals("RUNNING"))
          .findFirst();
      Thread.sleep(20);
    }
    assertTrue(job.isPresent(), "the run is a job on the board");
    assertEquals(JobBoard.CancelResult.REQUESTED, board.cancel(job.get().getId()));
    CliRun r = run.get(60, TimeUnit.SECONDS);
    assertEquals(Main.EXIT_CANCELLED, r.exit(), r.err());
    assertTrue(r.err().contains("worldfx: cancelled from the web panel;"), r.err());
    JobRecord ended = board.job(job.get().getId()).orElseThrow();
    assertEquals("CANCELLED", ended.getState());
    assertTrue(ended.getMessagesList().contains("cancelled from the web panel"), ended.getMessagesList().toString());
    if (Files.exists(tmp.resolve("OUT"))) {
      assertTrue(written().stream().noneMatch(n -> n.startsWith(".")), "no temp file left: " + written());
    }
  }
}
