package dev.worldfx.inference.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A feed-forward model as a list of nodes in execution order, over NCHW tensors: each node
 * names its output and reads the graph input or earlier nodes' outputs; weights are named
 * tensors of the model's safetensors file. Stored as JSON in that file's {@code __metadata__}
 * under {@value #METADATA_KEY}:
 *
 * <pre>{"format": "worldfx-graph/1", "input": "LR", "output": "SR", "nodes": [
 *   {"op": "conv2d", "name": "F_m1", "inputs": ["LR"], "weight": "F_m1.weight", "bias": "F_m1.bias",
 *    "stride": [1, 1], "dilation": [1, 1], "groups": 1, "padding": "same"},
 *   {"op": "relu", "name": "F_1_1_Relu", "inputs": ["F_1_1"]},
 *   {"op": "concat", "name": "RDB_Concat_1_1", "inputs": ["F_0", "F_1_1_Relu"], "axis": 1},
 *   {"op": "add", "name": "LRL_1", "inputs": ["LFF_1", "F_0"]},
 *   {"op": "upsample_nearest", "name": "UPsample", "inputs": ["UPN3"], "scale": [2, 2]}]}</pre>
 *
 * Conv weights are OIHW ([O, C/groups, kh, kw]), bias [O] or absent. Padding "same" is
 * TensorFlow's: output size ceil(in / stride), the odd pixel of padding going after, not before.
 */
public record ModelGraph(String input, String output, List<Node> nodes) {
  public static final String METADATA_KEY = "worldfx.graph";
  private static final String FORMAT = "worldfx-graph/1";

  public ModelGraph {
    nodes = List.copyOf(nodes);
    Set<String> defined = new HashSet<>(Set.of(input));
    for (Node n : nodes) {
      for (String in : n.inputs()) {
        if (!defined.contains(in)) {
          throw new IllegalArgumentException("node '" + n.name() + "' reads '" + in + "', which no earlier node defines");
        }
      }
      if (!defined.add(n.name())) {
        throw new IllegalArgumentException("two values are named '" + n.name() + "'");
      }
    }
    if (output.equals(input) || !defined.contains(output)) {
      throw new IllegalArgumentException("graph output '" + output + "' is not computed by any node");
    }
  }

  /** A graph operation; its output value carries its name. */
  public sealed interface Node permits Conv2d, Relu, Concat, Add, UpsampleNearest {
    String name();

    List<String> inputs();
  }

  public enum Padding { SAME, VALID }

  /** Convolution of one input; {@code bias} may be null. */
  public record Conv2d(String name, String input, String weight, String bias, int strideH, int strideW, int dilationH,
                       int dilationW, int groups, Padding padding) implements Node {
    public Conv2d {
      if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
        throw new IllegalArgumentException("conv2d '" + name + "': strides, dilations and groups must be >= 1");
      }
    }

    @Override
    public List<String> inputs() {
      return List.of(input);
    }
  }

  public record Relu(String name, String input) implements Node {
    @Override
    public List<String> inputs() {
      return List.of(input);
    }
  }

  /** Concatenation along an NCHW axis. */
  public record Concat(String name, List<String> inputs, int axis) implements Node {
    public Concat {
      inputs = List.copyOf(inputs);
    }
  }

  /** Elementwise sum of two or more same-shaped inputs, added left to right. */
  public record Add(String name, List<String> inputs) implements Node {
    public Add {
      inputs = List.copyOf(inputs);
      if (inputs.size() < 2) {
        throw new IllegalArgumentException("add '" + name + "' needs two or more inputs");
      }
    }
  }

  /** Nearest-neighbour upsampling by integer factors: each pixel repeated scaleH x scaleW times. */
  public record UpsampleNearest(String name, String input, int scaleH, int scaleW) implements Node {
    public UpsampleNearest {
      if (scaleH < 1 || scaleW < 1) {
        throw new IllegalArgumentException("upsample '" + name + "' needs factors >= 1");
      }
    }

    @Override
    public List<String> inputs() {
      return List.of(input);
    }
  }

  // --- JSON ---------------------------------------------------------------------------------

  public String toJson() {
    JsonArray list = new JsonArray();
    for (Node n : nodes) {
      JsonObject o = new JsonObject();
      JsonArray inputs = new JsonArray();
      n.inputs().forEach(inputs::add);
      switch (n) {
        case Conv2d c -> {
          o.addProperty("op", "conv2d");
          put(o, c.name(), inputs);
          o.addProperty("weight", c.weight());
          if (c.bias() != null) {
            o.addProperty("bias", c.bias());
          }
          o.add("stride", pair(c.strideH(), c.strideW()));
          o.add("dilation", pair(c.dilationH(), c.dilationW()));
          o.addProperty("groups", c.groups());
          o.addProperty("padding", c.padding() == Padding.SAME ? "same" : "valid");
        }
        case Relu r -> {
          o.addProperty("op", "relu");
          put(o, r.name(), inputs);
        }
        case Concat c -> {
          o.addProperty("op", "concat");
          put(o, c.name(), inputs);
          o.addProperty("axis", c.axis());
        }
        case Add a -> {
          o.addProperty("op", "add");
          put(o, a.name(), inputs);
        }
        case UpsampleNearest u -> {
          o.addProperty("op", "upsample_nearest");
          put(o, u.name(), inputs);
          o.add("scale", pair(u.scaleH(), u.scaleW()));
        }
      }
      list.add(o);
    }
    JsonObject root = new JsonObject();
    root.addProperty("format", FORMAT);
    root.addProperty("input", input);
    root.addProperty("output", output);
    root.add("nodes", list);
    return root.toString();
  }

  private static void put(JsonObject o, String name, JsonArray inputs) {
    o.addProperty("name", name);
    o.add("inputs", inputs);
  }

  private static JsonArray pair(int a, int b) {
    JsonArray p = new JsonArray();
    p.add(a);
    p.add(b);
    return p;
  }

  /** Parses and validates a graph; any defect is an IllegalArgumentException naming it. */
  public static ModelGraph fromJson(String json) {
    try {
      JsonObject root = JsonParser.parseString(json).getAsJsonObject();
      if (!FORMAT.equals(string(root, "format"))) {
        throw new IllegalArgumentException("not a " + FORMAT + " graph");
      }
      List<Node> nodes = new ArrayList<>();
      for (JsonElement e : root.getAsJsonArray("nodes")) {
        nodes.add(node(e.getAsJsonObject()));
      }
      return new ModelGraph(string(root, "input"), string(root, "output"), nodes);
    } catch (JsonParseException | IllegalStateException | ClassCastException | UnsupportedOperationException e) {
      // What Gson's getAs* throw for a value of the wrong kind.
      throw new IllegalArgumentException("malformed model graph: " + e.getMessage(), e);
    }
  }

  private static Node node(JsonObject o) {
    String op = string(o, "op");
    String name = string(o, "name");
    List<String> inputs = new ArrayList<>();
    array(o, "inputs").forEach(e -> inputs.add(e.getAsString()));
    return switch (op) {
      case "conv2d" -> {
        int[] stride = ints(o, "stride", 2);
        int[] dilation = ints(o, "dilation", 2);
        Padding padding = switch (string(o, "padding")) {
          case "same" -> Padding.SAME;
          case "valid" -> Padding.VALID;
          default -> throw new IllegalArgumentException("conv2d '" + name + "' has padding '" + string(o, "padding") + "'");
        };
        String bias = o.has("bias") ? string(o, "bias") : null;
        yield new Conv2d(name, single(name, inputs), string(o, "weight"), bias, stride[0], stride[1], dilation[0], dilation[1],
            integer(o, "groups"), padding);
      }
      case "relu" -> new Relu(name, single(name, inputs));
      case "concat" -> new Concat(name, inputs, integer(o, "axis"));
      case "add" -> new Add(name, inputs);
      case "upsample_nearest" -> {
        int[] scale = ints(o, "scale", 2);
        yield new UpsampleNearest(name, single(name, inputs), scale[0], scale[1]);
      }
      default -> throw new IllegalArgumentException("node '" + name + "' has unknown op '" + op + "'");
    };
  }

  private static String single(String node, List<String> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("node '" + node + "' takes one input, not " + inputs.size());
    }
    return inputs.getFirst();
  }

  private static JsonElement field(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("graph field '" + key + "' is missing in " + o);
    }
    return e;
  }

  private static String string(JsonObject o, String key) {
    return field(o, key).getAsString();
  }

  private static int integer(JsonObject o, String key) {
    return field(o, key).getAsInt();
  }

  private static JsonArray array(JsonObject o, String key) {
    return field(o, key).getAsJsonArray();
  }

  private static int[] ints(JsonObject o, String key, int count) {
    JsonArray a = array(o, key);
    if (a.size() != count) {
      throw new IllegalArgumentException("graph field '" + key + "' needs " + count + " integers: " + a);
    }
    int[] v = new int[count];
    for (int i = 0; i < count; i++) {
      v[i] = a.get(i).getAsInt();
    }
    return v;
  }
}
