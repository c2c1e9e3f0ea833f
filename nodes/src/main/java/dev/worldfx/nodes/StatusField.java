package dev.worldfx.nodes;

/**
 * A read-only fact a node shows the artist about its last render. Nodes report them through
 * {@link RenderContext#status}; hosts show them as text the artist cannot edit.
 */
public enum StatusField {
  SOLVE("statusSolve", "Solve",
      "Whether the shot is solved: not solved, solving (with progress), solved, or failed (with the reason).",
      "not solved"),
  SAFE_LENGTH("statusSafeLength", "Safe extension",
      "How many added frames the back-test found reliable: real frames are hidden, predicted and compared "
          + "(PSNR at least 25 dB).",
      "not measured"),
  BACKEND("statusBackend", "Backend", "Where the last solve ran: cpu or cuda.", "no solve yet"),
  CACHE_HIT("statusCacheHit", "Cache hit",
      "yes when the last render read its result from the sequence cache, no when it had to compute it.",
      "no render yet"),
  SHOT_MODEL("statusShotModel", "Shot model",
      "Where the last render of an added frame wrote the shot model (Save shot model to), and its size, or why it "
          + "could not.",
      "not written");

  private final String scriptName;
  private final String label;
  private final String hint;
  private final String initial;

  StatusField(String scriptName, String label, String hint, String initial) {
    this.scriptName = scriptName;
    this.label = label;
    this.hint = hint;
    this.initial = initial;
  }

  public String scriptName() {
    return scriptName;
  }

  public String label() {
    return label;
  }

  public String hint() {
    return hint;
  }

  /** What the field says before the node has rendered. */
  public String initial() {
    return initial;
  }
}
