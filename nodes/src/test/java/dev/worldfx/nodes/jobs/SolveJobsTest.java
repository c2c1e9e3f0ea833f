package dev.worldfx.nodes.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.inpaint.InpaintNode;
import dev.worldfx.nodes.local.InMemoryShot;
import dev.worldfx.nodes.local.LocalRenderContext;
import dev.worldfx.nodes.local.SampleShot;
import dev.worldfx.nodes.local.SpecParamValues;
import dev.worldfx.nodes.proto.JobRecord;
import dev.worldfx.nodes.proto.Preview;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inpaint's solve as a job: what it reports, and that a cancel from the panel stops it. */
class SolveJobsTest {
  @TempDir
  Path root;

  private static final Map<String, String> PARAMS = Map.of("matteSource", "Mask clip", "temporalRadius", "2");
  private JobBoard board;
  private InpaintNode node;
  private final Arena arena = Arena.ofShared();
  private SampleShot sample;

  @BeforeEach
  void open() throws Exception {
    board = JobBoard.open(root);
    SequenceCache cache = SequenceCache.open(root, 1L << 30);
    node = new InpaintNode(() -> cache, () -> board);
    sample = new SampleShot(arena, 40, 24, 4);
  }

  @AfterEach
  void close() {
    arena.close();
  }

  @Test
  void anInpaintSolveReportsItsProgressPreviewsAndCacheEntries() throws Exception {
    render(() -> false);
    List<JobRecord> jobs = JobBoard.open(root).jobs();
    assertEquals(1, jobs.size());
    JobRecord r = jobs.getFirst();
    assertEquals("DONE", r.getState());
    assertEquals(InpaintNode.ID, r.getNodeKind());
    assertEquals("frames 0-3, 40x24", r.getShot());
    assertEquals(1.0, r.getProgress());
    assertEquals(List.of("source", "matte", "result"), r.getPreviewsList().stream().map(Preview::getKind).toList());
    assertEquals(4, r.getCacheKeysCount(), "one cache entry per frame");
    assertTrue(r.getMessages(0).contains("pixels removed"), r.getMessages(0));
    assertEquals(4, board.clearCache(r.getId()));
    render(() -> false);
    assertEquals(2, JobBoard.open(root).jobs().size(), "a cleared shot is solved again");
  }

  @Test
  void aCancelFromThePanelStopsTheSolve() throws Exception {
    // the "host" polls abort often; the first poll after the job exists asks the board to cancel it
    boolean[] asked = {false};
    assertThrows(RenderAbortedException.class, () -> render(() -> {
      List<JobRecord> running = board.jobs();
      if (!asked[0] && !running.isEmpty()) {
        asked[0] = true;
        try {
          assertEquals(JobBoard.CancelResult.REQUESTED, board.cancel(running.getFirst().getId()));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return false;
    }));
    JobRecord r = JobBoard.open(root).jobs().getFirst();
    assertEquals("CANCELLED", r.getState());
    assertTrue(r.getMessagesList().contains("cancelled from the web panel"), r.getMessagesList().toString());
    assertEquals(0, r.getCacheKeysCount(), "stopped before any frame was stored");
  }

  private void render(java.util.function.BooleanSupplier abort) {
    RectI b = new RectI(0, 0, sample.width, sample.height);
    InMemoryShot shot = new InMemoryShot(0).with(ClipSpec.SOURCE, sample.frames).with(ClipSpec.MASK, sample.mattes);
    FrameView out = FrameView.allocate(arena, b, PixelDepth.FLOAT, Components.RGBA);
    node.render(new LocalRenderContext(NodeContext.GENERAL, 1, b, new SpecParamValues(node.descriptor(),
        NodeContext.GENERAL, PARAMS), shot, abort), out);
  }
}
