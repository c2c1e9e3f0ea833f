package dev.worldfx.nodes;

import java.util.List;
import java.util.Set;

/**
 * What a node is: its final id, version, contexts, clips, parameters and the read-only status
 * fields it reports.
 */
public record NodeDescriptor(String id, int versionMajor, int versionMinor, String label, String description,
                             Set<NodeContext> contexts, List<ClipSpec> clips, List<ParamSpec> params,
                             boolean temporalClipAccess, List<StatusField> status) {
  public static final String GROUPING = "WorldFX";

  public NodeDescriptor {
    params = List.copyOf(params);
    status = List.copyOf(status);
  }

  /** A node that reports no status. */
  public NodeDescriptor(String id, int versionMajor, int versionMinor, String label, String description,
                        Set<NodeContext> contexts, List<ClipSpec> clips, List<ParamSpec> params,
                        boolean temporalClipAccess) {
    this(id, versionMajor, versionMinor, label, description, contexts, clips, params, temporalClipAccess, List.of());
  }

  /** The parameters in {@code group}, in declaration order. */
  public List<ParamSpec> paramsIn(ParamGroup group) {
    return params.stream().filter(p -> p.group() == group).toList();
  }

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
