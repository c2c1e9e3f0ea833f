package dev.worldfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SampleShot;
import dev.worldfx.nodes.local.SpecParamValues;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The panel in a real browser (headless Chromium driven by playwright-core) during a real
 * ExtendShot solve in this JVM on a small synthetic shot: the job appears by itself, its progress
 * moves, a preview loads, the loss and back-test charts get points, and the page's own POST action
 * passes the server's checks. The solve is slowed (a pause at each progress report, longer until the
 * browser has the job's page open) only so that the browser sees it running on any machine.
 * Screenshots: target/browser-test/. Needs Chromium (Debian package chromium, or WORLDFX_CHROMIUM),
 * node and `npm ci` (the build runs it); WORLDFX_SKIP_BROWSER=1
 * skips it, saying so.
 */
class PanelBrowserTest {
  /** Pause per progress report of the solve until the browser has the job's page open, and after. */
  private static final long PAUSE_BEFORE_WATCHING_MILLIS = 250;
  private static final long PAUSE_PER_PROGRESS_MILLIS = 60;
  private volatile boolean watching;

  @TempDir
  Path cacheRoot;

  @Test
  void thePanelShowsASolveWhileItRuns() throws Exception {
    if ("1".equals(System.getenv("WORLDFX_SKIP_BROWSER"))) {
      String why = "WORLDFX_SKIP_BROWSER=1: the web panel was NOT tested in a browser";
      System.err.println("PanelBrowserTest skipped: " + why);
      Assumptions.abort(why);
    }
    Path chromium = Path.of(System.getenv().getOrDefault("WORLDFX_CHROMIUM", "/usr/bin/chromium"));
    if (!Files.isExecutable(chromium)) {
      fail("no Chromium at " + chromium + ": install the Debian package chromium (.ci/run does), set WORLDFX_CHROMIUM, "
          + "or set WORLDFX_SKIP_BROWSER=1 to skip the browser test");
    }
    Path uiDir = Path.of(System.getProperty("worldfx.ui.dir", "."));
    if (!Files.isDirectory(uiDir.resolve("node_modules/playwright-core"))) {
      fail("playwright-core is not installed in " + uiDir + "/node_modules: the build's `npm ci` installs it");
    }
    Path artifacts = Path.of(System.getProperty("worldfx.ui.artifacts", "target/browser-test"));
    Files.createDirectories(artifacts);

    JobBoard board = JobBoard.open(cacheRoot);
    SequenceCache cache = SequenceCache.open(cacheRoot, 1L << 30);
    ExtendShotNode node = new ExtendShotNode(() -> cache, () -> board);
    try (Arena arena = Arena.ofShared(); PanelServer panel = PanelServer.start(board)) {
      SampleShot sample = new SampleShot(arena, 48, 32, 8);
      InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, sample.frames);
      RectI bounds = new RectI(0, 0, sample.width, sample.height);

      ProcessBuilder pb = new ProcessBuilder("node", uiDir.resolve("src/test/js/panel-browser-test.mjs").toString(),
          panel.url().toString(), artifacts.toAbsolutePath().toString()).redirectErrorStream(true);
      pb.environment().put("WORLDFX_CHROMIUM", chromium.toString());
      Process browser = pb.start();
      CountDownLatch ready = new CountDownLatch(1);
      List<String> output = new ArrayList<>();
      Thread reader = Thread.ofPlatform().daemon().start(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (output) {
              output.add(line);
            }
            if (line.equals("READY")) {
              ready.countDown();
            }
            if (line.equals("WATCHING")) {
              watching = true;
            }
          }
        } catch (java.io.IOException e) {
          ready.countDown();
        }
      });
      try {
        assertTrue(ready.await(60, TimeUnit.SECONDS) && browser.isAlive(), () -> "the browser did not open the panel: "
            + String.join("\n", output));
        FrameView out = FrameView.allocate(arena, bounds, PixelDepth.FLOAT, Components.RGBA);
        long start = System.nanoTime();
        CompletableFuture<Void> solve = CompletableFuture.runAsync(() -> node.render(new LocalRenderContext(
            NodeContext.FILTER, 8, bounds, new SpecParamValues(node.descriptor(), NodeContext.FILTER,
            Map.of("framesToAdd", "3", "backtestFrames", "3")), shot, () -> false, f -> pause(), n -> {}), out));
        boolean finished = browser.waitFor(240, TimeUnit.SECONDS);
        solve.get(240, TimeUnit.SECONDS);
        System.out.printf("browser test: solve %.1f s (paused %d ms per progress report, %d ms before the browser "
            + "watched)%n", (System.nanoTime() - start) / 1e9, PAUSE_PER_PROGRESS_MILLIS, PAUSE_BEFORE_WATCHING_MILLIS);
        reader.join(5000);
        String log;
        synchronized (output) {
          log = String.join("\n", output);
        }
        System.out.println(log);
        assertTrue(finished, "the browser test did not finish:\n" + log);
        String resultLine = output.stream().filter(l -> l.startsWith("RESULT ")).findFirst().orElse(null);
        assertNotNull(resultLine, "the browser test printed no result:\n" + log);
        assertEquals(0, browser.exitValue(), "the browser test failed:\n" + log);
        assertTrue(resultLine.contains("\"failures\":[]"), resultLine);
        for (String shotFile : List.of("jobs-list-running.png", "job-running.png", "job-done.png")) {
          assertTrue(Files.size(artifacts.resolve(shotFile)) > 0, shotFile);
        }
      } finally {
        browser.destroyForcibly();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(watching ? PAUSE_PER_PROGRESS_MILLIS : PAUSE_BEFORE_WATCHING_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
