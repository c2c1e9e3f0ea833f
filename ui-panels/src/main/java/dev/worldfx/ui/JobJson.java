package dev.worldfx.ui;

import dev.worldfx.nodes.jobs.JobState;
import dev.worldfx.nodes.proto.BacktestRow;
import dev.worldfx.nodes.proto.JobRecord;
import dev.worldfx.nodes.proto.LossPoint;
import dev.worldfx.nodes.proto.Preview;
import java.util.zip.CRC32;

/** Job records as the panel's pages read them; preview images become URLs carrying the token. */
final class JobJson {
  private JobJson() {}

  /** What the jobs list shows of a job. */
  static void summary(JsonText j, JobRecord r) {
    j.beginObject();
    common(j, r);
    j.endObject();
  }

  /** Everything about a job: the summary plus loss points, back-test, previews and messages. */
  static void full(JsonText j, JobRecord r, String token) {
    j.beginObject();
    common(j, r);
    j.key("messages").beginArray();
    r.getMessagesList().forEach(j::value);
    j.endArray();
    // [run, step, loss] per optimiser step
    j.key("losses").beginArray();
    for (LossPoint p : r.getLossesList()) {
      j.beginArray().value(p.getRun()).value(p.getStep()).value(p.getLoss()).endArray();
    }
    j.endArray();
    j.key("backtest").beginArray();
    for (BacktestRow b : r.getBacktestList()) {
      j.beginObject().field("horizon", b.getHorizon()).field("psnrDb", b.getPsnrDb()).field("ssim", b.getSsim())
          .endObject();
    }
    j.endArray();
    j.field("safeLength", r.getSafeLength()).field("safeThresholdDb", r.getSafeThresholdDb());
    j.key("previews").beginArray();
    for (Preview p : r.getPreviewsList()) {
      CRC32 crc = new CRC32();
      crc.update(p.getPng().asReadOnlyByteBuffer());
      j.beginObject().field("kind", p.getKind()).field("frame", p.getFrame()).field("label", p.getLabel())
          .field("url", "/preview/" + r.getId() + "/" + p.getKind() + ".png?t=" + token + "&v="
              + Long.toHexString(crc.getValue()))
          .endObject();
    }
    j.endArray();
    j.field("cacheEntries", r.getCacheKeysCount());
    j.endObject();
  }

  private static void common(JsonText j, JobRecord r) {
    JobState state = JobState.parse(r.getState());
    j.field("id", r.getId()).field("node", r.getNodeKind()).field("shot", r.getShot())
        .field("state", state.name().toLowerCase(java.util.Locale.ROOT)).field("progress", r.getProgress())
        .field("phase", r.getPhase()).field("startedMillis", r.getStartedUnixMillis())
        .field("endedMillis", r.getEndedUnixMillis()).field("backend", r.getBackend())
        .field("peakHeapBytes", r.getPeakHeapBytes()).field("pid", r.getPid());
  }
}
