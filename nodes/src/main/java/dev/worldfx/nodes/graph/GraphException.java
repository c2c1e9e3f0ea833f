package dev.worldfx.nodes.graph;

import dev.worldfx.nodes.NodeException;

/** A graph file that cannot be run; the message says where (file:line:column: field) and why. */
public final class GraphException extends NodeException {
  private static final long serialVersionUID = 1L;

  public GraphException(String message) {
    super(message);
  }
}
