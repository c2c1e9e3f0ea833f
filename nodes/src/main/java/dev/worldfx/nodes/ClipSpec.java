package dev.worldfx.nodes;

import java.util.Set;

/**
 * An input or output of a node. {@code contexts} lists where the clip exists
 * (Inpaint's Mask only in General; Generate's Source not in Generator).
 */
public record ClipSpec(String name, Set<NodeContext> contexts, Set<Components> components, boolean optional, boolean mask) {
  public static final String SOURCE = "Source";
  public static final String OUTPUT = "Output";
  public static final String MASK = "Mask";

  /** The RGBA Source input, in the given contexts. */
  public static ClipSpec source(Set<NodeContext> contexts) {
    return new ClipSpec(SOURCE, contexts, java.util.EnumSet.of(Components.RGBA), false, false);
  }

  /** The RGBA Output, in every context. */
  public static ClipSpec output() {
    return new ClipSpec(OUTPUT, java.util.EnumSet.allOf(NodeContext.class), java.util.EnumSet.of(Components.RGBA), false, false);
  }

  public boolean existsIn(NodeContext context) {
    return contexts.contains(context);
  }
}
