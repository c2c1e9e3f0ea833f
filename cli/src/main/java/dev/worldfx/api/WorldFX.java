package dev.worldfx.api;

import com.google.inject.Guice;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.NodesModule;
import dev.worldfx.nodes.graph.GraphFile;
import dev.worldfx.nodes.proto.FrameRangeSpec;
import dev.worldfx.nodes.proto.Graph;
import dev.worldfx.nodes.proto.NodeSpec;
import dev.worldfx.nodes.proto.ParamValue;
import java.io.IOException;

/**
 * WorldFX for TDs who script from Java, Jython or Groovy: the same node graphs as graph files,
 * built in code and rendered headless, checked against the nodes' declarations exactly as
 * {@code worldfx run} checks a file.
 *
 * <pre>{@code
 * WorldFX.graph()
 *     .node("clean", "dev.worldfx.Inpaint").context("general").param("dilate", "3")
 *         .input("Source", "plates/shot.%04d.png").input("Mask", "mattes/logo.%04d.png").end()
 *     .output("clean", "out/clean.%04d.png")
 *     .render();
 * }</pre>
 *
 * Relative file patterns are relative to the working directory. Errors are
 * {@code dev.worldfx.nodes.NodeException}s (bad graphs: GraphException) or IllegalArgumentException
 * (missing frames), with the same messages the command line prints.
 */
public final class WorldFX {
  private WorldFX() {}

  public static GraphBuilder graph() {
    return new GraphBuilder();
  }

  /** A graph under construction. */
  public static final class GraphBuilder {
    private final Graph.Builder g = Graph.newBuilder();

    public NodeBuilder node(String name, String kind) {
      return new NodeBuilder(this, NodeSpec.newBuilder().setName(name).setKind(kind));
    }

    /** The node whose frames are written, and where (a pattern with a frame-number field). */
    public GraphBuilder output(String node, String pattern) {
      g.setOutputNode(node).setOutputPattern(pattern);
      return this;
    }

    public GraphBuilder frames(int first, int last) {
      g.setFrames(FrameRangeSpec.newBuilder().setFirst(first).setLast(last));
      return this;
    }

    /** The seed of every node that does not set its own. */
    public GraphBuilder seed(int seed) {
      g.setSeed(seed);
      return this;
    }

    /** The graph as the protobuf record a graph file holds (write it with toByteArray or TextFormat). */
    public Graph build() {
      return g.build();
    }

    /** Renders the whole range; returns the seconds it took. */
    public double render() throws IOException {
      return dev.worldfx.cli.ApiBridge.render(check(), null, null);
    }

    /** Renders frames first..last of the range (a chunk: shot solves still cover the whole range). */
    public double render(int first, int last) throws IOException {
      return dev.worldfx.cli.ApiBridge.render(check(), first, last);
    }

    private GraphFile.Checked check() {
      NodeRegistry registry = Guice.createInjector(new NodesModule()).getInstance(NodeRegistry.class);
      return GraphFile.check(build(), "graph built in code", registry);
    }
  }

  /** A node under construction; {@link #end()} returns to the graph. */
  public static final class NodeBuilder {
    private final GraphBuilder graph;
    private final NodeSpec.Builder n;

    NodeBuilder(GraphBuilder graph, NodeSpec.Builder n) {
      this.graph = graph;
      this.n = n;
    }

    /** filter, general or generator (default: the richest the node has). */
    public NodeBuilder context(String context) {
      n.setContext(context);
      return this;
    }

    /** A parameter by its script name, value as text (checked against the node's declaration). */
    public NodeBuilder param(String name, String value) {
      n.addParams(ParamValue.newBuilder().setName(name).setValue(value));
      return this;
    }

    /** An input clip: a file pattern (with %04d or ####) or another node's name. */
    public NodeBuilder input(String clip, String source) {
      n.putInputs(clip, source);
      return this;
    }

    public GraphBuilder end() {
      graph.g.addNodes(n);
      return graph;
    }
  }
}
