package dev.worldfx.nodes.jobs;

import com.google.protobuf.ByteString;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.cache.CacheKey;
import dev.worldfx.nodes.proto.BacktestRow;
import dev.worldfx.nodes.proto.JobRecord;
import dev.worldfx.nodes.proto.LossPoint;
import dev.worldfx.nodes.proto.Preview;
import java.util.function.DoubleConsumer;

/**
 * One shot solve as the job board shows it, reported into by the solve's own thread(s). Every
 * method is thread-safe and cheap; the board decides when the record reaches disk.
 */
public final class Job {
  /** How often a running job looks for a cancel request from another process (a file). */
  private static final long CANCEL_FILE_POLL_MILLIS = 500;
  /** The message of the abort a cancel from the panel raises (the CLI prints it). */
  static final String CANCELLED_FROM_PANEL = "cancelled from the web panel";

  private final JobBoard board;
  private final JobRecord.Builder record;
  private volatile boolean cancelRequested;
  private long lastCancelPoll;
  private int lossRun = -1;

  Job(JobBoard board, JobRecord.Builder record) {
    this.board = board;
    this.record = record;
  }

  public String id() {
    return record.getId();
  }

  /** Reports {@code fraction} of the whole solve done (clamped to [0,1]). */
  public void progress(double fraction) {
    synchronized (this) {
      record.setProgress(Math.clamp(Double.isNaN(fraction) ? 0 : fraction, 0, 1));
      sampleHeap();
    }
    board.changed(this, false);
  }

  /** What the solve does now, in words for artists ("fitting the shot model"). */
  public void phase(String text) {
    synchronized (this) {
      record.setPhase(text);
    }
    board.changed(this, true);
  }

  public void message(String text) {
    synchronized (this) {
      record.addMessages(text);
    }
    board.changed(this, true);
  }

  /** Training loss of one optimiser step; step 0 starts a new training run. */
  public void loss(int step, float loss) {
    synchronized (this) {
      if (step == 0 || lossRun < 0) {
        lossRun++;
      }
      record.addLosses(LossPoint.newBuilder().setRun(lossRun).setStep(step).setLoss(loss));
    }
    board.changed(this, false);
  }

  /** A back-test's scores per horizon (1..k) and the safe extension length it found. */
  public void backtest(double[] psnrDb, double[] ssim, int safeLength, double thresholdDb) {
    synchronized (this) {
      record.clearBacktest();
      for (int h = 0; h < psnrDb.length; h++) {
        record.addBacktest(BacktestRow.newBuilder().setHorizon(h + 1).setPsnrDb(psnrDb[h])
            .setSsim(h < ssim.length ? ssim[h] : Double.NaN));
      }
      record.setSafeLength(safeLength).setSafeThresholdDb(thresholdDb);
    }
    board.changed(this, true);
  }

  /** A preview PNG ({@link Thumbnail}) of {@code frame}; one per kind, a later one replaces it. */
  public void preview(String kind, int frame, String label, byte[] png) {
    synchronized (this) {
      Preview p = Preview.newBuilder().setKind(kind).setFrame(frame).setLabel(label).setPng(ByteString.copyFrom(png))
          .build();
      int at = 0;
      while (at < record.getPreviewsCount() && !record.getPreviews(at).getKind().equals(kind)) {
        at++;
      }
      if (at < record.getPreviewsCount()) {
        record.setPreviews(at, p);
      } else {
        record.addPreviews(p);
      }
    }
    board.changed(this, true);
  }

  /** A sequence cache entry the solve wrote, so "clear this shot's cache" can remove it. */
  public void cacheEntry(CacheKey key) {
    synchronized (this) {
      record.setCacheNodeId(key.nodeId()).addCacheKeys(ByteString.copyFrom(java.util.HexFormat.of().parseHex(key.hex())));
    }
  }

  /** The solve's abort poll: {@code hostPoll} (the host's abort), then this job's cancel request. */
  public Runnable abortPoll(Runnable hostPoll) {
    return () -> {
      hostPoll.run();
      checkCancel();
    };
  }

  /**
   * Progress that goes to the host ({@code hostProgress}) and to the board, never backwards: a
   * solve whose parts each count from 0 shows the furthest point reached so far.
   */
  public DoubleConsumer progressTo(DoubleConsumer hostProgress) {
    double[] furthest = {0};
    return f -> {
      double shown;
      synchronized (furthest) {
        furthest[0] = Math.max(furthest[0], f);
        shown = furthest[0];
      }
      hostProgress.accept(shown);
      progress(shown);
    };
  }

  /** Throws {@link RenderAbortedException} once someone asked the panel to cancel this job. */
  public void checkCancel() {
    if (!cancelRequested) {
      long now = System.currentTimeMillis();
      boolean poll;
      synchronized (this) {
        poll = now - lastCancelPoll >= CANCEL_FILE_POLL_MILLIS;
        if (poll) {
          lastCancelPoll = now;
        }
      }
      if (poll && board.cancelFileExists(id())) {
        cancelRequested = true;
      }
    }
    if (cancelRequested) {
      throw new RenderAbortedException(CANCELLED_FROM_PANEL);
    }
  }

  void requestCancel() {
    cancelRequested = true;
  }

  boolean cancelWasRequested() {
    return cancelRequested;
  }

  void end(JobState state, String message) {
    synchronized (this) {
      record.setState(state.name()).setEndedUnixMillis(System.currentTimeMillis());
      if (state == JobState.DONE) {
        record.setProgress(1).setPhase("finished");
      }
      if (message != null) {
        record.addMessages(message);
      }
      sampleHeap();
    }
    board.changed(this, true);
  }

  synchronized JobRecord snapshot() {
    return record.build();
  }

  private void sampleHeap() {
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    if (used > record.getPeakHeapBytes()) {
      record.setPeakHeapBytes(used);
    }
  }
}
