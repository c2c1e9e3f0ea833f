package dev.worldfx.nodes.jobs;

/** Where a job is; every state but {@link #RUNNING} is final. */
public enum JobState {
  RUNNING, DONE, FAILED, CANCELLED;

  /** The state a record names; an unknown name (a newer writer) reads as FAILED, never as running. */
  public static JobState parse(String name) {
    for (JobState s : values()) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    return FAILED;
  }

  public boolean finished() {
    return this != RUNNING;
  }
}
