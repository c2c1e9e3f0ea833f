package dev.worldfx.inference.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.io.ModelFileException;
import dev.worldfx.inference.io.SafeTensorsWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts a TensorFlow.js layers model (model.json + binary weight shards, as written by the
 * tfjs converter from Keras) into a safetensors file holding OIHW weights and the
 * {@link ModelGraph} in its metadata. Keras is NHWC with HWIO kernels; the graph is NCHW, so
 * kernels are permuted and channel axes remapped here once, not at every run.
 *
 * <p>The weights manifest lists weights in its own order (alphabetical for the esrgan-slim
 * models, not graph order), each group's shards concatenated; weights are found by their name
 * {@code <layer>/kernel} and {@code <layer>/bias}, never by position in the graph.
 *
 * <p>Supported layers: InputLayer, Conv2D (channels_last, activation linear or relu), Activation
 * (linear, relu), Concatenate, Add, UpSampling2D (nearest). Anything else is refused by name.
 */
public final class TfjsLayersConverter {
  private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Path modelJson;
  private final Map<String, float[]> manifestWeights = new HashMap<>();
  private final Map<String, int[]> manifestShapes = new HashMap<>();
  private final Map<String, String> usedWeights = new HashMap<>(); // manifest name -> layer using it
  private final Map<String, String> alias = new HashMap<>(); // Keras output name -> graph value name
  private final List<ModelGraph.Node> nodes = new ArrayList<>();
  private final Map<String, float[]> oihwData = new LinkedHashMap<>();
  private final Map<String, int[]> oihwShapes = new LinkedHashMap<>();

  private TfjsLayersConverter(Path modelJson) {
    this.modelJson = modelJson;
  }

  /** Converts {@code modelJson} (shards beside it) to {@code out}, adding {@code metadata} to the file's metadata. */
  public static void convert(Path modelJson, Path out, Map<String, String> metadata) throws IOException {
    TfjsLayersConverter c = new TfjsLayersConverter(modelJson);
    ModelGraph graph;
    try {
      JsonObject root = JsonParser.parseString(Files.readString(modelJson, StandardCharsets.UTF_8)).getAsJsonObject();
      c.readWeights(root);
      graph = c.readTopology(root);
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | IllegalArgumentException
             | IndexOutOfBoundsException | ArithmeticException e) {
      // Gson's getAs* throw the first three for a field of the wrong kind, JsonArray.get the index
      // error for a short array; our own checks throw IllegalArgumentException.
      throw new ModelFileException(modelJson, "cannot convert: " + e.getMessage(), e);
    }
    for (String name : c.manifestWeights.keySet()) {
      if (!c.usedWeights.containsKey(name)) {
        throw new ModelFileException(modelJson, "weight '" + name + "' is used by no supported layer");
      }
    }
    Map<String, String> meta = new LinkedHashMap<>(metadata);
    meta.put(ModelGraph.METADATA_KEY, graph.toJson());
    try (Arena arena = Arena.ofConfined()) {
      Map<String, Tensor> tensors = new LinkedHashMap<>();
      c.oihwData.forEach((name, data) -> tensors.put(name, Tensor.of(arena, data, c.oihwShapes.get(name))));
      SafeTensorsWriter.write(out, tensors, meta);
    }
  }

  // --- weights ----------------------------------------------------------------------------

  private void readWeights(JsonObject root) throws IOException {
    for (JsonElement g : field(root, "weightsManifest").getAsJsonArray()) {
      JsonObject group = g.getAsJsonObject();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (JsonElement p : field(group, "paths").getAsJsonArray()) {
        bytes.writeBytes(Files.readAllBytes(shard(p.getAsString())));
      }
      MemorySegment data = MemorySegment.ofArray(bytes.toByteArray());
      long offset = 0;
      for (JsonElement w : field(group, "weights").getAsJsonArray()) {
        JsonObject spec = w.getAsJsonObject();
        String name = field(spec, "name").getAsString();
        if (!"float32".equals(field(spec, "dtype").getAsString()) || spec.has("quantization")) {
          throw new IllegalArgumentException("weight '" + name + "' is " + spec.get("dtype") + (spec.has("quantization")
              ? " quantized" : "") + "; only plain float32 weights are supported");
        }
        int[] shape = ints(field(spec, "shape").getAsJsonArray());
        int count = Math.toIntExact(Tensor.numel(shape));
        if (offset + 4L * count > data.byteSize()) {
          throw new IllegalArgumentException("weight '" + name + "' runs past the end of its shards (" + data.byteSize() + " bytes)");
        }
        float[] values = new float[count];
        MemorySegment.copy(data, F32_LE, offset, values, 0, count);
        offset += 4L * count;
        if (manifestWeights.put(name, values) != null) {
          throw new IllegalArgumentException("weight '" + name + "' is listed twice");
        }
        manifestShapes.put(name, shape);
      }
      if (offset != data.byteSize()) {
        throw new IllegalArgumentException("shards hold " + data.byteSize() + " bytes but the manifest describes " + offset);
      }
    }
  }

  private Path shard(String path) {
    Path dir = modelJson.toAbsolutePath().getParent();
    Path p = dir.resolve(path).normalize();
    if (!p.getParent().equals(dir.normalize())) {
      throw new IllegalArgumentException("shard '" + path + "' is not a file beside model.json");
    }
    return p;
  }

  private float[] takeWeight(String layer, String name, int[] expectedShape) {
    float[] values = manifestWeights.get(name);
    if (values == null) {
      throw new IllegalArgumentException("layer '" + layer + "' needs weight '" + name + "', which the manifest lacks");
    }
    if (!Arrays.equals(manifestShapes.get(name), expectedShape)) {
      throw new IllegalArgumentException("weight '" + name + "' is " + Arrays.toString(manifestShapes.get(name))
          + ", layer '" + layer + "' needs " + Arrays.toString(expectedShape));
    }
    usedWeights.put(name, layer);
    return values;
  }

  // --- topology ---------------------------------------------------------------------------

  private ModelGraph readTopology(JsonObject root) {
    JsonObject topology = field(root, "modelTopology").getAsJsonObject();
    // Keras 2 exports nest the model under model_config; older tfjs exports are the model itself.
    JsonObject model = topology.has("model_config") ? topology.getAsJsonObject("model_config") : topology;
    String cls = field(model, "class_name").getAsString();
    if (!cls.equals("Functional") && !cls.equals("Model")) {
      throw new IllegalArgumentException("model class " + cls + " is not supported (Functional or Model only)");
    }
    JsonObject config = field(model, "config").getAsJsonObject();
    String input = singleEndpoint(config, "input_layers");
    String output = singleEndpoint(config, "output_layers");
    Map<String, Integer> channels = new HashMap<>(); // channel count of each Keras value, from the weights
    for (JsonElement l : field(config, "layers").getAsJsonArray()) {
      layer(l.getAsJsonObject(), channels);
    }
    return new ModelGraph(resolve(input), resolve(output), nodes);
  }

  private static String singleEndpoint(JsonObject config, String key) {
    JsonArray list = field(config, key).getAsJsonArray();
    if (list.size() != 1) {
      throw new IllegalArgumentException("model has " + list.size() + " " + key + "; one is supported");
    }
    return list.get(0).getAsJsonArray().get(0).getAsString();
  }

  private String resolve(String kerasName) {
    return alias.getOrDefault(kerasName, kerasName);
  }

  private void layer(JsonObject layer, Map<String, Integer> channels) {
    String cls = field(layer, "class_name").getAsString();
    JsonObject cfg = field(layer, "config").getAsJsonObject();
    String name = field(layer, "name").getAsString();
    List<String> inputs = inbound(layer, name);
    for (String in : inputs) {
      if (!channels.containsKey(in)) {
        throw new IllegalArgumentException("layer '" + name + "' reads '" + in + "' before any layer defines it");
      }
    }
    switch (cls) {
      case "InputLayer" -> {
        JsonArray shape = field(cfg, "batch_input_shape").getAsJsonArray();
        if (shape.size() != 4 || shape.get(3).isJsonNull()) {
          throw new IllegalArgumentException("input '" + name + "' must be [batch, H, W, C] with known C");
        }
        channels.put(name, shape.get(3).getAsInt());
      }
      case "Conv2D" -> conv(name, cfg, inputs, channels);
      case "Activation" -> {
        String fn = field(cfg, "activation").getAsString();
        activation(name, fn, single(name, inputs));
        channels.put(name, channels.get(single(name, inputs)));
      }
      case "Concatenate" -> {
        int axis = field(cfg, "axis").getAsInt();
        if (axis != -1 && axis != 3) {
          throw new IllegalArgumentException("concatenate '" + name + "' on axis " + axis + "; only channels (-1 or 3) are supported");
        }
        nodes.add(new ModelGraph.Concat(name, inputs.stream().map(this::resolve).toList(), 1)); // NHWC channels -> NCHW axis 1
        channels.put(name, inputs.stream().mapToInt(channels::get).sum());
      }
      case "Add" -> {
        nodes.add(new ModelGraph.Add(name, inputs.stream().map(this::resolve).toList()));
        channels.put(name, channels.get(inputs.getFirst()));
      }
      case "UpSampling2D" -> {
        requireChannelsLast(name, cfg);
        if (!"nearest".equals(field(cfg, "interpolation").getAsString())) {
          throw new IllegalArgumentException("upsampling '" + name + "' uses " + cfg.get("interpolation") + "; only nearest is supported");
        }
        int[] size = pair(cfg, "size");
        nodes.add(new ModelGraph.UpsampleNearest(name, resolve(single(name, inputs)), size[0], size[1]));
        channels.put(name, channels.get(single(name, inputs)));
      }
      default -> throw new IllegalArgumentException("layer '" + name + "' is a " + cls + ", which the converter does not support"
          + " (InputLayer, Conv2D, Activation, Concatenate, Add, UpSampling2D)");
    }
  }

  private void conv(String name, JsonObject cfg, List<String> inputs, Map<String, Integer> channels) {
    requireChannelsLast(name, cfg);
    String in = single(name, inputs);
    int[] kernel = pair(cfg, "kernel_size");
    int[] strides = pair(cfg, "strides");
    int[] dilation = pair(cfg, "dilation_rate");
    int groups = cfg.has("groups") ? cfg.get("groups").getAsInt() : 1;
    int filters = field(cfg, "filters").getAsInt();
    int inChannels = channels.get(in);
    if (groups < 1 || inChannels % groups != 0) {
      throw new IllegalArgumentException("conv '" + name + "' has " + groups + " groups for " + inChannels + " channels");
    }
    ModelGraph.Padding padding = switch (field(cfg, "padding").getAsString()) {
      case "same" -> ModelGraph.Padding.SAME;
      case "valid" -> ModelGraph.Padding.VALID;
      default -> throw new IllegalArgumentException("conv '" + name + "' padding " + cfg.get("padding") + " is not supported");
    };
    int kh = kernel[0];
    int kw = kernel[1];
    int ci = inChannels / groups;
    float[] hwio = takeWeight(name, name + "/kernel", new int[] {kh, kw, ci, filters});
    // Keras HWIO [kh,kw,C/g,O] -> OIHW [O,C/g,kh,kw].
    float[] oihw = new float[hwio.length];
    for (int y = 0; y < kh; y++) {
      for (int x = 0; x < kw; x++) {
        for (int i = 0; i < ci; i++) {
          for (int o = 0; o < filters; o++) {
            oihw[((o * ci + i) * kh + y) * kw + x] = hwio[((y * kw + x) * ci + i) * filters + o];
          }
        }
      }
    }
    String weight = name + ".weight";
    oihwData.put(weight, oihw);
    oihwShapes.put(weight, new int[] {filters, ci, kh, kw});
    String bias = null;
    if (field(cfg, "use_bias").getAsBoolean()) {
      bias = name + ".bias";
      oihwData.put(bias, takeWeight(name, name + "/bias", new int[] {filters}));
      oihwShapes.put(bias, new int[] {filters});
    }
    String fn = field(cfg, "activation").getAsString();
    // A fused activation becomes its own node, which then carries the layer's name.
    String convName = fn.equals("linear") ? name : name + "/conv";
    nodes.add(new ModelGraph.Conv2d(convName, resolve(in), weight, bias, strides[0], strides[1], dilation[0], dilation[1],
        groups, padding));
    if (!fn.equals("linear")) {
      activation(name, fn, convName);
    }
    channels.put(name, filters);
  }

  /** Emits {@code fn} applied to graph value {@code input} as {@code name}; linear just aliases. */
  private void activation(String name, String fn, String input) {
    switch (fn) {
      case "linear" -> alias.put(name, resolve(input));
      case "relu" -> nodes.add(new ModelGraph.Relu(name, resolve(input)));
      default -> throw new IllegalArgumentException("layer '" + name + "' activation '" + fn + "' is not supported (linear, relu)");
    }
  }

  private static void requireChannelsLast(String name, JsonObject cfg) {
    if (cfg.has("data_format") && !"channels_last".equals(cfg.get("data_format").getAsString())) {
      throw new IllegalArgumentException("layer '" + name + "' is " + cfg.get("data_format") + "; only channels_last is supported");
    }
  }

  /** Keras 2 inbound_nodes: [[[layer, nodeIndex, tensorIndex, kwargs], ...]], one call per layer. */
  private static List<String> inbound(JsonObject layer, String name) {
    JsonArray calls = field(layer, "inbound_nodes").getAsJsonArray();
    if (calls.isEmpty()) {
      return List.of();
    }
    if (calls.size() != 1) {
      throw new IllegalArgumentException("layer '" + name + "' is called " + calls.size() + " times; shared layers are not supported");
    }
    List<String> inputs = new ArrayList<>();
    for (JsonElement e : calls.get(0).getAsJsonArray()) {
      JsonArray ref = e.getAsJsonArray();
      if (ref.get(1).getAsInt() != 0 || ref.get(2).getAsInt() != 0) {
        throw new IllegalArgumentException("layer '" + name + "' reads a shared layer's later call or output");
      }
      inputs.add(ref.get(0).getAsString());
    }
    return inputs;
  }

  private static String single(String name, List<String> inputs) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("layer '" + name + "' has " + inputs.size() + " inputs; it takes one");
    }
    return inputs.getFirst();
  }

  private static JsonElement field(JsonObject o, String key) {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      throw new IllegalArgumentException("model.json lacks '" + key + "'");
    }
    return e;
  }

  private static int[] pair(JsonObject cfg, String key) {
    int[] v = ints(field(cfg, key).getAsJsonArray());
    if (v.length != 2) {
      throw new IllegalArgumentException("'" + key + "' must hold two integers, not " + v.length);
    }
    return v;
  }

  private static int[] ints(JsonArray a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).getAsInt();
    }
    return v;
  }
}
