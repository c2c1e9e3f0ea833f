package dev.worldfx.nodes;

/**
 * Where a parameter sits in a host's interface. Hosts with pages (Nuke, Resolve) show each
 * {@link Page} as a tab; hosts without pages show the groups, open or closed as declared here.
 * Group and page names are OFX parameter names, so they never equal a parameter's name.
 */
public enum ParamGroup {
  MATTE("groupMatte", "Matte", "What to remove, and how far around it.", Page.CONTROLS, true),
  QUALITY("groupQuality", "Quality", "How much work the node does, and how it checks its result.", Page.CONTROLS, true),
  TEMPORAL("groupTemporal", "Temporal", "Which frames the node reads or adds.", Page.CONTROLS, true),
  OUTPUT("groupOutput", "Output", "What the node puts out.", Page.CONTROLS, true),
  ADVANCED("groupAdvanced", "Advanced", "Settings you rarely need to change.", Page.ADVANCED, false),
  /** The read-only status and the node's buttons; no settable parameter belongs here. */
  STATUS("groupStatus", "Status",
      "What the node did in its last render (read-only), and the web panel. Refreshed when you change a parameter "
          + "or press Refresh status: hosts do not let a plugin change its own parameters while it renders.",
      Page.CONTROLS, true);

  private final String scriptName;
  private final String label;
  private final String hint;
  private final Page page;
  private final boolean open;

  ParamGroup(String scriptName, String label, String hint, Page page, boolean open) {
    this.scriptName = scriptName;
    this.label = label;
    this.hint = hint;
    this.page = page;
    this.open = open;
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

  public Page page() {
    return page;
  }

  /** Whether a host that folds groups shows this one open at first. */
  public boolean open() {
    return open;
  }

  /** A tab in hosts that have pages. */
  public enum Page {
    CONTROLS("pageControls", "Controls"),
    ADVANCED("pageAdvanced", "Advanced");

    private final String scriptName;
    private final String label;

    Page(String scriptName, String label) {
      this.scriptName = scriptName;
      this.label = label;
    }

    public String scriptName() {
      return scriptName;
    }

    public String label() {
      return label;
    }
  }
}
