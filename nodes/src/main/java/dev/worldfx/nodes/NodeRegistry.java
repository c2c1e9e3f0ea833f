package dev.worldfx.nodes;

import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/** The nodes of this build, in a stable order (the OFX plugin index follows it). */
public final class NodeRegistry {
  private final List<Node> nodes;

  @Inject
  public NodeRegistry(Set<Node> nodes) {
    this.nodes = nodes.stream().sorted(Comparator.comparing(n -> ORDER.indexOf(n.descriptor().id()))).toList();
  }

  /** Inpaint first: the order hosts list the plugins in. */
  private static final List<String> ORDER = List.of("dev.worldfx.Inpaint", "dev.worldfx.ExtendShot", "dev.worldfx.Generate");

  public List<Node> all() {
    return nodes;
  }

  public Node byId(String id) {
    for (Node n : nodes) {
      if (n.descriptor().id().equals(id)) {
        return n;
      }
    }
    throw new IllegalArgumentException("no node with id '" + id + "'; known: "
        + nodes.stream().map(n -> n.descriptor().id()).toList());
  }
}
