package dev.worldfx.nodes;

import java.util.List;
import java.util.Set;

/** What a node is: its final id, version, contexts, clips and parameters. */
public record NodeDescriptor(String id, int versionMajor, int versionMinor, String label, String description,
                             Set<NodeContext> contexts, List<ClipSpec> clips, List<ParamSpec> params,
                             boolean temporalClipAccess) {
  public static final String GROUPING = "WorldFX";

  public ParamSpec param(String name) {
    for (ParamSpec p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(id + " has no parameter '" + name + "'");
  }

  /** Clips that exist in the context; the output clip is included. */
  public List<ClipSpec> clipsIn(NodeContext context) {
    return clips.stream().filter(c -> c.existsIn(context)).toList();
  }
}
