package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.jobs.JobBoard;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** worldfx panel shows the jobs an earlier process left in the cache folder, at the URL it prints. */
class PanelCommandTest {
  @Test
  void servesTheJobsOfEarlierProcessesAtThePrintedUrl(@TempDir Path root) throws Exception {
    String id = JobBoard.open(root).run("dev.worldfx.Inpaint", "frames 1-4, 8x8", job -> {
      job.progress(0.5);
      return job.id();
    });
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Main.run("panel", "--root", root.toString(),
          "--exit-after", "3"));
      Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:\\d+/\\?t=[A-Za-z0-9_-]{43}");
      Matcher m = url.matcher("");
      for (int i = 0; i < 100 && !m.reset(buf.toString(StandardCharsets.UTF_8)).find(); i++) {
        Thread.sleep(50);
      }
      assertTrue(m.reset(buf.toString(StandardCharsets.UTF_8)).find(), buf.toString(StandardCharsets.UTF_8));
      URI page = URI.create(m.group());
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> jobs = http.send(HttpRequest.newBuilder(page.resolve("/api/jobs?" + page.getQuery()))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, jobs.statusCode());
        assertTrue(jobs.body().contains("\"id\":\"" + id + "\"") && jobs.body().contains("\"state\":\"done\""),
            jobs.body());
        assertEquals(401, http.send(HttpRequest.newBuilder(page.resolve("/api/jobs")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode());
      }
      assertEquals(Main.EXIT_OK, exit.get(30, TimeUnit.SECONDS));
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void aNegativeDurationIsAUsageError() {
    CliRun r = CliRun.of("panel", "--exit-after", "-1");
    assertEquals(Main.EXIT_USAGE, r.exit());
    assertTrue(r.err().contains("worldfx: error: --exit-after must be 0 or more seconds"), r.err());
  }

  @Test
  void ctrlCStopsThePanelAndJsonCarriesItsAddress(@TempDir Path root) {
    Cancellation ctrlC = new Cancellation();
    ctrlC.request();
    long start = System.nanoTime();
    CliRun r = CliRun.with(b -> b.bind(Cancellation.class).toInstance(ctrlC), "--json", "panel", "--root",
        root.toString());
    assertEquals(Main.EXIT_OK, r.exit(), r.err());
    assertTrue((System.nanoTime() - start) / 1e9 < 20, "stopped at once, not served forever");
    java.util.List<String> lines = r.out().lines().toList();
    java.util.Map<String, Object> panel = JsonParse.object(lines.getFirst());
    assertEquals("panel", panel.get("event"));
    assertTrue(((String) panel.get("url")).matches("http://127\\.0\\.0\\.1:\\d+/\\?t=[A-Za-z0-9_-]{43}"), r.out());
    assertEquals("result", JsonParse.object(lines.getLast()).get("event"), r.out());
    assertTrue(r.err().contains("WorldFX panel for the jobs in"), "text for people on stderr with --json");
  }
}
