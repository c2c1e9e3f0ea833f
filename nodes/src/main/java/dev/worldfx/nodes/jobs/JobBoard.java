package dev.worldfx.nodes.jobs;

import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.proto.JobRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The jobs of this machine: the shot solves this process runs (live) and the records other
 * processes and earlier runs left in {@code <cache root>/jobs} (read back, so a restarted host or
 * {@code worldfx panel} shows them). Solves report into their {@link Job}; the web panel reads
 * snapshots and waits for changes. A record reaches disk when the job starts, changes phase,
 * gets a back-test, preview or message, ends, and otherwise at most once a second; a board whose
 * folder cannot be written keeps working in memory and says so once in the log.
 */
public final class JobBoard {
  /** Records kept on disk; the oldest finished ones beyond this are deleted when a job starts. */
  static final int MAX_RECORDS = 100;
  private static final long WRITE_INTERVAL_MILLIS = 1000;
  private static final Logger LOG = Logger.getLogger(JobBoard.class.getName());
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private static JobBoard shared;

  private final Path cacheRoot;
  private final JobRecords records;
  private final Map<String, Job> live = new LinkedHashMap<>();
  private final Map<String, Long> lastWrite = new HashMap<>();
  private final Map<String, JobRecords.Stored> stored = new HashMap<>();
  private long version;
  private boolean writeFailureLogged;

  private JobBoard(Path cacheRoot) {
    this.cacheRoot = cacheRoot.toAbsolutePath().normalize();
    this.records = new JobRecords(this.cacheRoot.resolve("jobs"));
  }

  /** The board of this process, over the default sequence cache's folder (WORLDFX_CACHE or ~/.worldfx/cache). */
  public static synchronized JobBoard shared() {
    if (shared == null) {
      shared = new JobBoard(SequenceCache.defaultRoot(System.getenv()));
    }
    return shared;
  }

  /** A board over the records under {@code cacheRoot}/jobs (tests, or a panel for another cache). */
  public static JobBoard open(Path cacheRoot) {
    return new JobBoard(cacheRoot);
  }

  public Path cacheRoot() {
    return cacheRoot;
  }

  public Path folder() {
    return records.folder();
  }

  /** The work of a solve, run as a job. */
  @FunctionalInterface
  public interface Solve<T> {
    T run(Job job) throws Exception;
  }

  /**
   * Runs {@code solve} as a new job: DONE when it returns, CANCELLED when it is aborted (by the
   * host or from the panel), FAILED with the error's message otherwise; the exception is rethrown.
   */
  public <T> T run(String nodeKind, String shot, Solve<T> solve) throws Exception {
    Job job = start(nodeKind, shot);
    try {
      T result = solve.run(job);
      job.end(JobState.DONE, null);
      return result;
    } catch (RenderAbortedException | InterruptedException e) {
      job.end(JobState.CANCELLED, job.cancelWasRequested() ? Job.CANCELLED_FROM_PANEL : "aborted by the host");
      throw e;
    } catch (Exception | Error e) {
      job.end(JobState.FAILED, e.getMessage() != null ? e.getMessage() : e.toString());
      throw e;
    } finally {
      clearCancelFile(job.id());
    }
  }

  /** Starts a job of {@code nodeKind} (an OFX plugin id) on {@code shot} (frame range and size, in words). */
  public Job start(String nodeKind, String shot) {
    long now = System.currentTimeMillis();
    String id = LocalDateTime.now().format(ID_TIME) + "-"
        + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(2);
    Job job = new Job(this, JobRecord.newBuilder().setFormatVersion(JobRecords.FORMAT_VERSION).setId(id)
        .setNodeKind(nodeKind).setShot(shot).setState(JobState.RUNNING.name()).setStartedUnixMillis(now)
        .setSafeLength(-1).setBackend(backend()).setPid(ProcessHandle.current().pid()));
    synchronized (this) {
      live.put(id, job);
      pruneMemory();
    }
    changed(job, true);
    pruneDisk();
    return job;
  }

  /** The compute backend solves run on (making the process's selection, as the solve about to run would). */
  public static String backend() {
    return describe(dev.worldfx.inference.Backends.selected());
  }

  /** A selection in words: the CPU (Vector API), or the GPU with the CPU for the ops it does not run. */
  public static String describe(dev.worldfx.inference.Backends.Selection selection) {
    String cpu = "CPU (Java Vector API, " + Runtime.getRuntime().availableProcessors() + " threads)";
    return dev.worldfx.inference.Backends.cudaOf(selection)
        .map(c -> "CUDA on " + c.runtime().describe() + ", other ops on the " + cpu)
        .orElse(cpu);
  }

  /** Every job known, newest first: live ones as they are now, others as last recorded. */
  public List<JobRecord> jobs() {
    refresh();
    List<JobRecord> out = new ArrayList<>();
    List<Job> mine;
    synchronized (this) {
      mine = List.copyOf(live.values());
      for (Map.Entry<String, JobRecords.Stored> e : stored.entrySet()) {
        if (!live.containsKey(e.getKey())) {
          out.add(asSeen(e.getValue().record()));
        }
      }
    }
    for (Job j : mine) {
      out.add(j.snapshot());
    }
    out.sort(Comparator.comparingLong(JobRecord::getStartedUnixMillis).reversed().thenComparing(JobRecord::getId));
    return out;
  }

  public Optional<JobRecord> job(String id) {
    Job j;
    synchronized (this) {
      j = live.get(id);
    }
    if (j != null) {
      return Optional.of(j.snapshot());
    }
    if (!JobRecords.ID.matcher(id).matches()) {
      return Optional.empty();
    }
    try {
      return records.read(id).map(s -> asSeen(s.record()));
    } catch (IOException e) {
      LOG.log(Level.WARNING, "job board: cannot read job " + id, e);
      return Optional.empty();
    }
  }

  /** A running record of a process that is gone is shown as failed: nobody will finish it. */
  private static JobRecord asSeen(JobRecord r) {
    if (JobState.parse(r.getState()) == JobState.RUNNING
        && !ProcessHandle.of(r.getPid()).map(ProcessHandle::isAlive).orElse(false)) {
      return r.toBuilder().setState(JobState.FAILED.name())
          .addMessages("the process that ran this job (pid " + r.getPid() + ") ended before it finished").build();
    }
    return r;
  }

  /** What a cancel request did. */
  public enum CancelResult { REQUESTED, NOT_RUNNING, UNKNOWN }

  /**
   * Asks a running job to stop; its solve notices at its next abort poll (a job of another
   * process through a file, within half a second of its next poll).
   */
  public CancelResult cancel(String id) throws IOException {
    Job j;
    synchronized (this) {
      j = live.get(id);
    }
    if (j != null) {
      if (JobState.parse(j.snapshot().getState()).finished()) {
        return CancelResult.NOT_RUNNING;
      }
      j.requestCancel();
      return CancelResult.REQUESTED;
    }
    Optional<JobRecord> r = job(id);
    if (r.isEmpty()) {
      return CancelResult.UNKNOWN;
    }
    if (JobState.parse(r.get().getState()).finished()) {
      return CancelResult.NOT_RUNNING;
    }
    records.requestCancel(id);
    return CancelResult.REQUESTED;
  }

  /**
   * Removes the sequence cache entries a finished job wrote (its shot is solved again on the next
   * render); returns how many there were.
   *
   * @throws IllegalStateException while the job runs
   * @throws java.util.NoSuchElementException for an unknown job
   */
  public int clearCache(String id) throws IOException {
    JobRecord r = job(id).orElseThrow(() -> new java.util.NoSuchElementException("no job " + id));
    if (!JobState.parse(r.getState()).finished()) {
      throw new IllegalStateException("job " + id + " is still running; cancel it first");
    }
    SequenceCache cache = SequenceCache.open(cacheRoot, Long.MAX_VALUE);
    int removed = 0;
    for (com.google.protobuf.ByteString key : r.getCacheKeysList()) {
      if (cache.remove(HexFormat.of().formatHex(key.toByteArray()))) {
        removed++;
      }
    }
    Job j;
    synchronized (this) {
      j = live.get(id);
    }
    String note = "sequence cache cleared from the web panel: " + removed + " entr" + (removed == 1 ? "y" : "ies")
        + " removed";
    if (j != null) {
      j.message(note);
    } else {
      records.write(r.toBuilder().addMessages(note).build());
      synchronized (this) {
        version++;
        notifyAll();
      }
    }
    return removed;
  }

  /** Grows whenever anything on the board changes. */
  public synchronized long version() {
    return version;
  }

  /**
   * Waits until the version differs from {@code seen} or {@code timeoutMillis} pass, looking at
   * the records folder meanwhile (jobs of other processes); returns the version then.
   */
  public long awaitChange(long seen, long timeoutMillis) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMillis;
    while (true) {
      refresh();
      synchronized (this) {
        long left = end - System.currentTimeMillis();
        if (version != seen || left <= 0) {
          return version;
        }
        wait(Math.min(left, WRITE_INTERVAL_MILLIS));
      }
    }
  }

  void changed(Job job, boolean important) {
    long now = System.currentTimeMillis();
    boolean write;
    synchronized (this) {
      version++;
      notifyAll();
      Long last = lastWrite.get(job.id());
      write = important || last == null || now - last >= WRITE_INTERVAL_MILLIS;
      if (write) {
        lastWrite.put(job.id(), now);
      }
    }
    if (write) {
      persist(job.snapshot());
    }
  }

  boolean cancelFileExists(String id) {
    return records.cancelRequested(id);
  }

  private void persist(JobRecord r) {
    try {
      records.write(r);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        if (writeFailureLogged) {
          return;
        }
        writeFailureLogged = true;
      }
      LOG.log(Level.WARNING, "job board: cannot write job records to " + records.folder()
          + "; the panel shows this process's jobs only until it ends", e);
    }
  }

  private void clearCancelFile(String id) {
    try {
      records.clearCancel(id);
    } catch (IOException e) {
      LOG.log(Level.FINE, "job board: cannot remove the cancel request of " + id, e);
    }
  }

  /** Reads records that are new or changed on disk since the last look; forgets deleted ones. */
  private void refresh() {
    List<JobRecords.IdTime> onDisk;
    try {
      onDisk = records.ids();
    } catch (IOException e) {
      return; // an unreadable folder shows no stored jobs; live ones still show
    }
    boolean any = false;
    Map<String, JobRecords.Stored> seen = new HashMap<>();
    for (JobRecords.IdTime it : onDisk) {
      JobRecords.Stored known;
      synchronized (this) {
        if (live.containsKey(it.id())) {
          continue;
        }
        known = stored.get(it.id());
      }
      if (known != null && known.modified().equals(it.modified())) {
        seen.put(it.id(), known);
        continue;
      }
      try {
        Optional<JobRecords.Stored> s = records.read(it.id());
        if (s.isPresent()) {
          seen.put(it.id(), s.get());
          any = true;
        }
      } catch (IOException e) {
        continue;
      }
    }
    synchronized (this) {
      if (any || seen.size() != stored.size()) {
        stored.clear();
        stored.putAll(seen);
        version++;
        notifyAll();
      }
    }
  }

  /** Live jobs beyond the cap, oldest finished first, are dropped from memory (their records stay). */
  private void pruneMemory() {
    var it = live.entrySet().iterator();
    while (live.size() > MAX_RECORDS && it.hasNext()) {
      var e = it.next();
      if (JobState.parse(e.getValue().snapshot().getState()).finished()) {
        it.remove();
        lastWrite.remove(e.getKey());
      }
    }
  }

  /** Deletes the oldest finished records beyond {@link #MAX_RECORDS}. */
  private void pruneDisk() {
    try {
      List<JobRecords.IdTime> ids = new ArrayList<>(records.ids());
      if (ids.size() <= MAX_RECORDS) {
        return;
      }
      ids.sort(Comparator.comparing(JobRecords.IdTime::id)); // ids start with their start time
      int excess = ids.size() - MAX_RECORDS;
      for (JobRecords.IdTime it : ids) {
        if (excess == 0) {
          break;
        }
        Optional<JobRecords.Stored> s = records.read(it.id());
        if (s.isEmpty() || JobState.parse(asSeen(s.get().record()).getState()).finished()) {
          records.delete(it.id());
          excess--;
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "job board: cannot prune " + records.folder(), e);
    }
  }
}
