package dev.worldfx.nodes.graph;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import dev.worldfx.nodes.ClipSpec;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.proto.Graph;
import dev.worldfx.nodes.proto.NodeSpec;
import dev.worldfx.nodes.proto.ParamValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node graph file ({@code worldfx/graph.proto}): text format ({@code .textproto}, for people)
 * or binary (any other name, for tools), read and checked against the nodes' own declarations
 * (kinds, contexts, clips, every parameter value through {@link ParamSpec#parse}). Every error in
 * a text file names its line and column and the field; a binary file names the field path.
 */
public final class GraphFile {
  private GraphFile() {}

  /** Where an input clip's frames come from. */
  public sealed interface InputRef {
    /** Frames read from files, e.g. {@code plates/shot.%04d.png}. */
    record Files(String pattern) implements InputRef {
    }

    /** The output of another node of the graph. */
    record NodeOutput(String node) implements InputRef {
    }
  }

  /** One checked node: its parameter values as text (declared defaults filled in). */
  public record CheckedNode(String name, Node node, NodeContext context, Map<String, String> params,
                            Map<String, InputRef> inputs) {
  }

  /**
   * A graph that passed every check: nodes in dependency order (inputs first), the node whose
   * frames are written, where, and the frame range if the file gives one.
   */
  public record Checked(List<CheckedNode> nodes, CheckedNode output, String outputPattern, Integer first,
                        Integer last, int seed) {
    public CheckedNode node(String name) {
      return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
  }

  /** Reads and checks a graph file; text format when the name ends in .textproto, .txtpb or .pbtxt. */
  public static Checked load(Path file, NodeRegistry registry) throws IOException {
    String name = file.getFileName().toString();
    if (name.endsWith(".textproto") || name.endsWith(".txtpb") || name.endsWith(".pbtxt")) {
      return parseText(file.toString(), Files.readString(file, StandardCharsets.UTF_8), registry);
    }
    Graph g;
    try {
      g = Graph.parseFrom(Files.readAllBytes(file));
    } catch (InvalidProtocolBufferException e) {
      throw new GraphException(file + ": not a binary graph file (" + e.getMessage()
          + "); text graphs must be named *.textproto");
    }
    return check(g, new Locator(file.toString(), null), registry);
  }

  /** Checks a graph built in code (the Java API); {@code source} names it in messages. */
  public static Checked check(Graph g, String source, NodeRegistry registry) {
    return check(g, new Locator(source, null), registry);
  }

  /** Parses and checks text-format graph {@code text}; {@code source} names it in messages. */
  public static Checked parseText(String source, String text, NodeRegistry registry) {
    Graph.Builder b = Graph.newBuilder();
    TextFormatParseInfoTree.Builder tree = TextFormatParseInfoTree.builder();
    try {
      TextFormat.Parser.newBuilder().setParseInfoTreeBuilder(tree).build().merge(text, b);
    } catch (TextFormat.ParseException e) {
      throw new GraphException(source + ":" + e.getLine() + ":" + e.getColumn() + ": "
          + stripPosition(e.getMessage()));
    }
    return check(b.build(), new Locator(source, tree.build()), registry);
  }

  private static String stripPosition(String message) {
    return message.replaceFirst("^\\d+:\\d+: ", "");
  }

  /** Turns a field path into "file:line:col: field" (text) or "file: field" (binary). */
  private record Locator(String source, TextFormatParseInfoTree tree) {
    /** {@code steps}: field, index, field, index, ... from the graph down to the field meant. */
    String at(String path, Object... steps) {
      if (tree == null || steps.length == 0) {
        return source + ": " + path;
      }
      TextFormatParseInfoTree t = tree;
      for (int k = 0; k + 2 < steps.length; k += 2) {
        t = t.getNestedTree((FieldDescriptor) steps[k], (Integer) steps[k + 1]);
      }
      TextFormatParseLocation l = t.getLocation((FieldDescriptor) steps[steps.length - 2], (Integer) steps[steps.length - 1]);
      return l.getLine() < 0 ? source + ": " + path : source + ":" + (l.getLine() + 1) + ":" + (l.getColumn() + 1) + ": " + path;
    }
  }

  private static final FieldDescriptor NODES = Graph.getDescriptor().findFieldByNumber(Graph.NODES_FIELD_NUMBER);
  private static final FieldDescriptor N_NAME = NodeSpec.getDescriptor().findFieldByNumber(NodeSpec.NAME_FIELD_NUMBER);
  private static final FieldDescriptor N_KIND = NodeSpec.getDescriptor().findFieldByNumber(NodeSpec.KIND_FIELD_NUMBER);
  private static final FieldDescriptor N_CONTEXT =
      NodeSpec.getDescriptor().findFieldByNumber(NodeSpec.CONTEXT_FIELD_NUMBER);
  private static final FieldDescriptor N_PARAMS = NodeSpec.getDescriptor().findFieldByNumber(NodeSpec.PARAMS_FIELD_NUMBER);
  private static final FieldDescriptor N_INPUTS = NodeSpec.getDescriptor().findFieldByNumber(NodeSpec.INPUTS_FIELD_NUMBER);
  private static final FieldDescriptor P_NAME =
      ParamValue.getDescriptor().findFieldByNumber(ParamValue.NAME_FIELD_NUMBER);
  private static final FieldDescriptor P_VALUE =
      ParamValue.getDescriptor().findFieldByNumber(ParamValue.VALUE_FIELD_NUMBER);
  private static final FieldDescriptor OUT_NODE =
      Graph.getDescriptor().findFieldByNumber(Graph.OUTPUT_NODE_FIELD_NUMBER);
  private static final FieldDescriptor OUT_PATTERN =
      Graph.getDescriptor().findFieldByNumber(Graph.OUTPUT_PATTERN_FIELD_NUMBER);
  private static final FieldDescriptor FRAMES = Graph.getDescriptor().findFieldByNumber(Graph.FRAMES_FIELD_NUMBER);

  static Checked check(Graph g, Locator loc, NodeRegistry registry) {
    if (g.getNodesCount() == 0) {
      throw new GraphException(loc.at("nodes") + ": the graph has no nodes");
    }
    Map<String, Integer> index = new LinkedHashMap<>();
    List<CheckedNode> unordered = new ArrayList<>();
    List<Map<String, Integer>> entries = new ArrayList<>();
    for (int i = 0; i < g.getNodesCount(); i++) {
      NodeSpec n = g.getNodes(i);
      int ni = i;
      String path = "nodes[" + i + "]";
      if (n.getName().isBlank()) {
        throw new GraphException(loc.at(path, NODES, i) + ": every node needs a name");
      }
      if (index.put(n.getName(), i) != null) {
        throw new GraphException(loc.at(path + ".name", NODES, i, N_NAME, 0) + ": two nodes are named '" + n.getName()
            + "'");
      }
      Node node = registry.all().stream().filter(x -> x.descriptor().id().equals(n.getKind())).findFirst()
          .orElseThrow(() -> new GraphException(loc.at(path + ".kind", NODES, ni, N_KIND, 0) + ": unknown node kind '"
              + n.getKind() + "' (known: " + String.join(", ", registry.all().stream()
              .map(x -> x.descriptor().id()).sorted().toList()) + ")"));
      NodeDescriptor d = node.descriptor();
      NodeContext context = contextOf(n, d, loc, path, i);
      Map<String, String> params = new LinkedHashMap<>();
      for (ParamSpec p : d.params()) {
        params.put(p.name(), p.defaultText(context));
      }
      Set<String> given = new HashSet<>();
      for (int k = 0; k < n.getParamsCount(); k++) {
        ParamValue pv = n.getParams(k);
        int pk = k;
        String ppath = path + ".params[" + k + "]";
        ParamSpec spec = d.params().stream().filter(p -> p.name().equals(pv.getName())).findFirst()
            .orElseThrow(() -> new GraphException(loc.at(ppath + ".name", NODES, ni, N_PARAMS, pk, P_NAME, 0) + ": " + d.id()
                + " has no parameter '"
                + pv.getName() + "' (it has: " + String.join(", ", d.params().stream().map(ParamSpec::name).toList())
                + ")"));
        if (!given.add(pv.getName())) {
          throw new GraphException(loc.at(ppath + ".name", NODES, i, N_PARAMS, k, P_NAME, 0) + ": parameter '" + pv.getName()
              + "' is set twice");
        }
        try {
          spec.parse(pv.getValue());
        } catch (IllegalArgumentException e) {
          throw new GraphException(loc.at(ppath + ".value", NODES, i, N_PARAMS, k, P_VALUE, 0) + ": " + e.getMessage());
        }
        params.put(pv.getName(), pv.getValue());
      }
      if (!given.contains("seed") && params.containsKey("seed")) {
        params.put("seed", Integer.toString(g.getSeed()));
      }
      Map<String, InputRef> inputs = new LinkedHashMap<>();
      Map<String, Integer> inputEntry = new HashMap<>();
      for (int j = 0; j < n.getRepeatedFieldCount(N_INPUTS); j++) {
        com.google.protobuf.MapEntry<?, ?> e = (com.google.protobuf.MapEntry<?, ?>) n.getRepeatedField(N_INPUTS, j);
        String key = (String) e.getKey();
        String v = (String) e.getValue();
        int entry = j;
        inputEntry.put(key, j);
        ClipSpec clip = d.clipsIn(context).stream().filter(c -> c.name().equals(key)
            && !c.name().equals(ClipSpec.OUTPUT)).findFirst().orElseThrow(() -> new GraphException(
            loc.at(path + ".inputs[" + key + "]", NODES, ni, N_INPUTS, entry) + ": " + d.id()
                + " in the " + context.name().toLowerCase() + " context has no input clip '" + key + "' (it has: "
                + String.join(", ", d.clipsIn(context).stream().map(ClipSpec::name)
                .filter(c -> !c.equals(ClipSpec.OUTPUT)).toList()) + ")"));
        inputs.put(clip.name(), v.contains("%") || v.contains("#") ? new InputRef.Files(v) : new InputRef.NodeOutput(v));
      }
      for (ClipSpec clip : d.clipsIn(context)) {
        if (!clip.name().equals(ClipSpec.OUTPUT) && !clip.optional() && !inputs.containsKey(clip.name())) {
          throw new GraphException(loc.at(path, NODES, i) + ": node '" + n.getName() + "' needs an input for clip '"
              + clip.name() + "' (a file pattern such as plates/shot.%04d.png, or another node's name)");
        }
      }
      unordered.add(new CheckedNode(n.getName(), node, context, params, inputs));
      entries.add(inputEntry);
    }
    for (int i = 0; i < unordered.size(); i++) {
      for (Map.Entry<String, InputRef> in : unordered.get(i).inputs().entrySet()) {
        if (in.getValue() instanceof InputRef.NodeOutput(String ref) && !index.containsKey(ref)) {
          throw new GraphException(loc.at("nodes[" + i + "].inputs[" + in.getKey() + "]", NODES, i, N_INPUTS, entries.get(i).get(in.getKey()))
              + ": no node named '" + ref + "' (a file pattern needs a frame-number field such as %04d or ####)");
        }
      }
    }
    List<CheckedNode> ordered = topological(unordered, index, loc);
    if (g.getOutputNode().isEmpty() || !index.containsKey(g.getOutputNode())) {
      throw new GraphException((g.getOutputNode().isEmpty() ? loc.at("output_node")
          : loc.at("output_node", OUT_NODE, 0)) + ": output_node must name a node of the graph"
          + (g.getOutputNode().isEmpty() ? "" : ", not '" + g.getOutputNode() + "'"));
    }
    if (!(g.getOutputPattern().contains("%") || g.getOutputPattern().contains("#"))) {
      throw new GraphException((g.getOutputPattern().isEmpty() ? loc.at("output_pattern")
          : loc.at("output_pattern", OUT_PATTERN, 0)) + ": output_pattern needs a frame-number field, e.g. "
          + "out/shot.%04d.png");
    }
    Integer first = null, last = null;
    if (g.hasFrames()) {
      first = g.getFrames().getFirst();
      last = g.getFrames().getLast();
      if (last < first) {
        throw new GraphException(loc.at("frames", FRAMES, 0) + ": last (" + last + ") is before first (" + first + ")");
      }
    }
    CheckedNode out = unordered.get(index.get(g.getOutputNode()));
    return new Checked(ordered, out, g.getOutputPattern(), first, last, g.getSeed());
  }

  private static NodeContext contextOf(NodeSpec n, NodeDescriptor d, Locator loc, String path, int i) {
    if (n.getContext().isEmpty()) {
      // the richest context the node has: General (separate Mask), else Filter, else Generator
      for (NodeContext c : List.of(NodeContext.GENERAL, NodeContext.FILTER, NodeContext.GENERATOR)) {
        if (d.contexts().contains(c)) {
          return c;
        }
      }
    }
    for (NodeContext c : NodeContext.values()) {
      if (c.name().equalsIgnoreCase(n.getContext())) {
        if (!d.contexts().contains(c)) {
          break;
        }
        return c;
      }
    }
    throw new GraphException(loc.at(path + ".context", NODES, i, N_CONTEXT, 0) + ": " + d.id() + " has no context '"
        + n.getContext() + "' (it has: " + String.join(", ", d.contexts().stream()
        .map(c -> c.name().toLowerCase()).toList()) + ")");
  }

  /** Inputs first (Kahn's algorithm, ties in file order); a cycle is an error naming its nodes. */
  private static List<CheckedNode> topological(List<CheckedNode> nodes, Map<String, Integer> index, Locator loc) {
    int n = nodes.size();
    int[] pending = new int[n];
    Map<Integer, List<Integer>> users = new HashMap<>();
    for (int i = 0; i < n; i++) {
      for (InputRef in : nodes.get(i).inputs().values()) {
        if (in instanceof InputRef.NodeOutput(String ref)) {
          pending[i]++;
          users.computeIfAbsent(index.get(ref), k -> new ArrayList<>()).add(i);
        }
      }
    }
    List<CheckedNode> out = new ArrayList<>();
    boolean[] done = new boolean[n];
    boolean progress = true;
    while (progress) {
      progress = false;
      for (int i = 0; i < n; i++) {
        if (!done[i] && pending[i] == 0) {
          done[i] = true;
          progress = true;
          out.add(nodes.get(i));
          for (int u : users.getOrDefault(i, List.of())) {
            pending[u]--;
          }
        }
      }
    }
    if (out.size() < n) {
      List<String> cycle = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (!done[i]) {
          cycle.add(nodes.get(i).name());
        }
      }
      throw new GraphException(loc.at("nodes") + ": the inputs of " + String.join(", ", cycle)
          + " form a cycle; a graph must flow one way");
    }
    return out;
  }
}
