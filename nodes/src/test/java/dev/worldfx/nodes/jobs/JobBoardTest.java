package dev.worldfx.nodes.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.proto.JobRecord;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job board: what a solve reports, what survives a restart, cancel across processes, clearing a shot's cache. */
class JobBoardTest {
  @TempDir
  Path root;

  @Test
  void aFinishedJobIsReadBackByANewBoardAsItEnded() throws Exception {
    JobBoard board = JobBoard.open(root);
    String id = board.run("dev.worldfx.ExtendShot", "frames 1-8, 4x4", job -> {
      job.phase("fitting");
      job.progress(0.25);
      job.progress(0.75);
      job.loss(0, 0.5f);
      job.loss(1, 0.25f);
      job.loss(0, 0.4f); // a second training run
      job.backtest(new double[] {30, 26, 22}, new double[] {0.9, 0.8, 0.7}, 2, 25);
      job.preview("source", 8, "last real frame", Thumbnail.rgb(new ImagePlanes(3, 4, 4, new float[48])));
      job.message("hello");
      return job.id();
    });
    JobRecord r = JobBoard.open(root).job(id).orElseThrow(); // as a restarted process sees it
    assertEquals("DONE", r.getState());
    assertEquals(1.0, r.getProgress());
    assertTrue(r.getEndedUnixMillis() >= r.getStartedUnixMillis());
    assertEquals(3, r.getLossesCount());
    assertEquals(1, r.getLosses(2).getRun());
    assertEquals(3, r.getBacktestCount());
    assertEquals(26, r.getBacktest(1).getPsnrDb());
    assertEquals(2, r.getSafeLength());
    assertEquals("hello", r.getMessages(0));
    byte[] png = r.getPreviews(0).getPng().toByteArray();
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
    assertEquals(1, JobBoard.open(root).jobs().size());
  }

  @Test
  void failuresAndCancelsEndTheJobWithTheirState() {
    JobBoard board = JobBoard.open(root);
    assertThrows(IllegalStateException.class, () -> board.run("k", "s", job -> {
      throw new IllegalStateException("flow diverged");
    }));
    assertThrows(RenderAbortedException.class, () -> board.run("k", "s", job -> {
      throw new RenderAbortedException();
    }));
    var jobs = JobBoard.open(root).jobs();
    assertEquals(2, jobs.size());
    assertTrue(jobs.stream().anyMatch(j -> j.getState().equals("FAILED") && j.getMessagesList().contains("flow diverged")));
    assertTrue(jobs.stream().anyMatch(j -> j.getState().equals("CANCELLED")
        && j.getMessagesList().contains("aborted by the host")));
  }

  @Test
  void aJobOfAnotherProcessIsCancelledThroughItsRecordsFolder() throws Exception {
    JobBoard running = JobBoard.open(root);
    Job job = running.start("dev.worldfx.Inpaint", "frames 1-4, 8x8");
    JobBoard panel = JobBoard.open(root); // e.g. `worldfx panel` in another process
    assertEquals("RUNNING", panel.job(job.id()).orElseThrow().getState());
    assertEquals(JobBoard.CancelResult.REQUESTED, panel.cancel(job.id()));
    Thread.sleep(600); // the running job looks for the request at most every half second
    assertThrows(RenderAbortedException.class, job::checkCancel);
    assertEquals(JobBoard.CancelResult.UNKNOWN, panel.cancel("nosuchjob"));
  }

  @Test
  void aRunningRecordWhoseProcessIsGoneShowsAsFailed() throws IOException {
    JobRecord orphan = JobRecord.newBuilder().setFormatVersion(JobRecords.FORMAT_VERSION).setId("20200101-000000-abcdef")
        .setNodeKind("dev.worldfx.Inpaint").setState("RUNNING").setPid(Long.MAX_VALUE).build();
    new JobRecords(root.resolve("jobs")).write(orphan);
    JobRecord seen = JobBoard.open(root).job(orphan.getId()).orElseThrow();
    assertEquals("FAILED", seen.getState());
    assertEquals(JobBoard.CancelResult.NOT_RUNNING, JobBoard.open(root).cancel(orphan.getId()));
  }

  @Test
  void unreadableRecordsAreSkipped() throws IOException {
    Files.createDirectories(root.resolve("jobs"));
    Files.write(root.resolve("jobs/20200101-000000-000000.job"), new byte[] {(byte) 0xff, 1, 2, 3});
    assertTrue(JobBoard.open(root).jobs().isEmpty());
    assertEquals(Optional.empty(), JobBoard.open(root).job("../../etc/passwd"));
  }

  @Test
  void clearingAShotsCacheRemovesTheEntriesItsSolveWrote() throws Exception {
    SequenceCache cache = SequenceCache.open(root, 1L << 30);
    CacheKey mine = CacheKey.builder("dev.worldfx.Inpaint", "1", 0).param("frame", 1).build();
    CacheKey other = CacheKey.builder("dev.worldfx.Inpaint", "1", 0).param("frame", 2).build();
    cache.put(other, Map.of(), new byte[8]);
    JobBoard board = JobBoard.open(root);
    Job[] held = new Job[1];
    String id = board.run("dev.worldfx.Inpaint", "s", job -> {
      cache.put(mine, Map.of(), new byte[8]);
      job.cacheEntry(mine);
      held[0] = job;
      assertThrows(IllegalStateException.class, () -> board.clearCache(job.id()), "not while it runs");
      return job.id();
    });
    assertEquals(1, JobBoard.open(root).clearCache(id));
    assertTrue(cache.get(mine).isEmpty());
    assertFalse(cache.get(other).isEmpty());
    assertTrue(JobBoard.open(root).job(id).orElseThrow().getMessagesList().getLast().startsWith("sequence cache cleared"));
  }

  @Test
  void progressShownNeverGoesBack() {
    JobBoard board = JobBoard.open(root);
    Job job = board.start("k", "s");
    double[] host = {-1};
    var progress = job.progressTo(f -> host[0] = f);
    progress.accept(0.5);
    progress.accept(0.2);
    assertEquals(0.5, host[0]);
    assertEquals(0.5, board.job(job.id()).map(JobRecord::getProgress).orElse(-1.0));
  }
}
