package dev.worldfx.inference.models;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.DoubleStream;

/**
 * A small Keras-style TF.js layers model written the way the tfjs converter writes one (weights
 * manifest alphabetical, not in graph order), and an independent NHWC evaluation of it in
 * double precision with TensorFlow's padding rules, straight from the HWIO kernels.
 *
 * <pre>
 * in [H,W,2] -> z_head  Conv2D 3x3 same, 4, relu
 *            -> a_even  Conv2D 2x2 same, 3 (TF pads 0 before, 1 after) -> a_even_relu Activation relu
 * cat = Concatenate(z_head, a_even_relu) [7] -> m_fuse Conv2D 1x1 valid, 4 -> sum = Add(m_fuse, z_head)
 * s_down Conv2D 3x3 stride 2 same, 2 (odd sizes pad 1 after, not before) -> up UpSampling2D (2, 3)
 * b_out Conv2D 3x3 dilation 2 same, 3, no bias
 * </pre>
 */
final class TinyTfjsModel {
  record Conv(String name, int kh, int kw, int in, int out, int stride, int dilation, String padding, String activation,
              boolean bias) {}

  static final List<Conv> CONVS = List.of(
      new Conv("z_head", 3, 3, 2, 4, 1, 1, "same", "relu", true),
      new Conv("a_even", 2, 2, 2, 3, 1, 1, "same", "linear", true),
      new Conv("m_fuse", 1, 1, 7, 4, 1, 1, "valid", "linear", true),
      new Conv("s_down", 3, 3, 4, 2, 2, 1, "same", "linear", true),
      new Conv("b_out", 3, 3, 2, 3, 1, 2, "same", "linear", false));

  final Map<String, float[]> weights = new TreeMap<>(); // "layer/kernel" (HWIO) and "layer/bias"
  final Map<String, int[]> shapes = new TreeMap<>();

  TinyTfjsModel(long seed) {
    Random r = new Random(seed);
    for (Conv c : CONVS) {
      put(c.name() + "/kernel", new int[] {c.kh(), c.kw(), c.in(), c.out()}, r);
      if (c.bias()) {
        put(c.name() + "/bias", new int[] {c.out()}, r);
      }
    }
  }

  private void put(String name, int[] shape, Random r) {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian() * 0.5f;
    }
    weights.put(name, v);
    shapes.put(name, shape);
  }

  static Conv conv(String name) {
    return CONVS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  /** Writes model.json and group1-shard1of1.bin into {@code dir}; returns model.json. */
  Path write(Path dir) throws IOException {
    JsonArray layers = new JsonArray();
    JsonObject input = layer("InputLayer", "in");
    JsonArray batchShape = new JsonArray();
    batchShape.add((String) null);
    batchShape.add((String) null);
    batchShape.add((String) null);
    batchShape.add(2);
    input.getAsJsonObject("config").add("batch_input_shape", batchShape);
    layers.add(input);
    layers.add(convLayer(conv("z_head"), "in"));
    layers.add(convLayer(conv("a_even"), "in"));
    JsonObject act = layer("Activation", "a_even_relu", "a_even");
    act.getAsJsonObject("config").addProperty("activation", "relu");
    layers.add(act);
    JsonObject cat = layer("Concatenate", "cat", "z_head", "a_even_relu");
    cat.getAsJsonObject("config").addProperty("axis", -1);
    layers.add(cat);
    layers.add(convLayer(conv("m_fuse"), "cat"));
    layers.add(layer("Add", "sum", "m_fuse", "z_head"));
    layers.add(convLayer(conv("s_down"), "sum"));
    JsonObject up = layer("UpSampling2D", "up", "s_down");
    up.getAsJsonObject("config").add("size", ints(2, 3));
    up.getAsJsonObject("config").addProperty("interpolation", "nearest");
    up.getAsJsonObject("config").addProperty("data_format", "channels_last");
    layers.add(up);
    layers.add(convLayer(conv("b_out"), "up"));

    JsonObject config = new JsonObject();
    config.addProperty("name", "tiny");
    config.add("layers", layers);
    config.add("input_layers", endpoint("in"));
    config.add("output_layers", endpoint("b_out"));
    JsonObject model = new JsonObject();
    model.addProperty("class_name", "Functional");
    model.add("config", config);
    JsonObject topology = new JsonObject();
    topology.add("model_config", model);

    // The manifest in alphabetical order (TreeMap), as the tfjs converter lists Keras weights.
    JsonArray manifestWeights = new JsonArray();
    ByteBuffer shard = ByteBuffer.allocate(weights.values().stream().mapToInt(v -> v.length * 4).sum()).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, float[]> e : weights.entrySet()) {
      JsonObject w = new JsonObject();
      w.addProperty("name", e.getKey());
      w.add("shape", ints(shapes.get(e.getKey())));
      w.addProperty("dtype", "float32");
      manifestWeights.add(w);
      for (float f : e.getValue()) {
        shard.putFloat(f);
      }
    }
    JsonObject group = new JsonObject();
    JsonArray paths = new JsonArray();
    paths.add("group1-shard1of1.bin");
    group.add("paths", paths);
    group.add("weights", manifestWeights);
    JsonArray manifest = new JsonArray();
    manifest.add(group);

    JsonObject root = new JsonObject();
    root.addProperty("format", "layers-model");
    root.add("modelTopology", topology);
    root.add("weightsManifest", manifest);
    Files.write(dir.resolve("group1-shard1of1.bin"), shard.array());
    Path json = dir.resolve("model.json");
    Files.writeString(json, root.toString());
    return json;
  }

  private static JsonObject layer(String cls, String name, String... inputs) {
    JsonObject cfg = new JsonObject();
    cfg.addProperty("name", name);
    JsonObject l = new JsonObject();
    l.addProperty("class_name", cls);
    l.add("config", cfg);
    l.addProperty("name", name);
    JsonArray call = new JsonArray();
    for (String in : inputs) {
      JsonArray ref = new JsonArray();
      ref.add(in);
      ref.add(0);
      ref.add(0);
      ref.add(new JsonObject());
      call.add(ref);
    }
    JsonArray nodes = new JsonArray();
    if (inputs.length > 0) {
      nodes.add(call);
    }
    l.add("inbound_nodes", nodes);
    return l;
  }

  private static JsonObject convLayer(Conv c, String input) {
    JsonObject l = layer("Conv2D", c.name(), input);
    JsonObject cfg = l.getAsJsonObject("config");
    cfg.addProperty("filters", c.out());
    cfg.add("kernel_size", ints(c.kh(), c.kw()));
    cfg.add("strides", ints(c.stride(), c.stride()));
    cfg.addProperty("padding", c.padding());
    cfg.addProperty("data_format", "channels_last");
    cfg.add("dilation_rate", ints(c.dilation(), c.dilation()));
    cfg.addProperty("groups", 1);
    cfg.addProperty("activation", c.activation());
    cfg.addProperty("use_bias", c.bias());
    return l;
  }

  private static JsonArray ints(int... v) {
    JsonArray a = new JsonArray();
    for (int x : v) {
      a.add(x);
    }
    return a;
  }

  private static JsonArray endpoint(String name) {
    JsonArray ref = new JsonArray();
    ref.add(name);
    ref.add(0);
    ref.add(0);
    JsonArray list = new JsonArray();
    list.add(ref);
    return list;
  }

  // --- independent evaluation, NHWC, double --------------------------------------------------

  /** x [H][W][C] -> the model's output [H'][W'][3]. */
  double[][][] evaluate(double[][][] x) {
    Map<String, double[][][]> v = new LinkedHashMap<>();
    v.put("z_head", relu(conv2d(x, conv("z_head"))));
    v.put("a_even_relu", relu(conv2d(x, conv("a_even"))));
    double[][][] cat = concat(v.get("z_head"), v.get("a_even_relu"));
    double[][][] sum = add(conv2d(cat, conv("m_fuse")), v.get("z_head"));
    double[][][] up = repeat(conv2d(sum, conv("s_down")), 2, 3);
    return conv2d(up, conv("b_out"));
  }

  private double[][][] conv2d(double[][][] x, Conv c) {
    int h = x.length;
    int w = x[0].length;
    int[] ph = tfPads(c.padding(), h, c.kh(), c.stride(), c.dilation());
    int[] pw = tfPads(c.padding(), w, c.kw(), c.stride(), c.dilation());
    int ho = (h + ph[0] + ph[1] - c.dilation() * (c.kh() - 1) - 1) / c.stride() + 1;
    int wo = (w + pw[0] + pw[1] - c.dilation() * (c.kw() - 1) - 1) / c.stride() + 1;
    float[] k = weights.get(c.name() + "/kernel"); // HWIO
    float[] b = weights.get(c.name() + "/bias");
    double[][][] y = new double[ho][wo][c.out()];
    for (int oy = 0; oy < ho; oy++) {
      for (int ox = 0; ox < wo; ox++) {
        for (int o = 0; o < c.out(); o++) {
          double s = b == null ? 0 : b[o];
          for (int ky = 0; ky < c.kh(); ky++) {
            for (int kx = 0; kx < c.kw(); kx++) {
              int iy = oy * c.stride() - ph[0] + ky * c.dilation();
              int ix = ox * c.stride() - pw[0] + kx * c.dilation();
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                continue; // zero padding
              }
              for (int i = 0; i < c.in(); i++) {
                s += x[iy][ix][i] * k[((ky * c.kw() + kx) * c.in() + i) * c.out() + o];
              }
            }
          }
          y[oy][ox][o] = s;
        }
      }
    }
    return y;
  }

  /** TensorFlow's padding (tf.nn.convolution docs): "same" gives ceil(in / stride) outputs, extra pixel after. */
  private static int[] tfPads(String padding, int in, int k, int stride, int dilation) {
    if (padding.equals("valid")) {
      return new int[] {0, 0};
    }
    int out = -Math.floorDiv(-in, stride);
    int total = Math.max(0, (out - 1) * stride + dilation * (k - 1) + 1 - in);
    return new int[] {total / 2, total - total / 2};
  }

  private static double[][][] relu(double[][][] x) {
    for (double[][] row : x) {
      for (double[] px : row) {
        for (int c = 0; c < px.length; c++) {
          px[c] = Math.max(0, px[c]);
        }
      }
    }
    return x;
  }

  private static double[][][] concat(double[][][] a, double[][][] b) {
    double[][][] y = new double[a.length][a[0].length][];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        y[i][j] = DoubleStream.concat(Arrays.stream(a[i][j]), Arrays.stream(b[i][j])).toArray();
      }
    }
    return y;
  }

  private static double[][][] add(double[][][] a, double[][][] b) {
    double[][][] y = new double[a.length][a[0].length][a[0][0].length];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[0].length; j++) {
        for (int c = 0; c < a[0][0].length; c++) {
          y[i][j][c] = a[i][j][c] + b[i][j][c];
        }
      }
    }
    return y;
  }

  private static double[][][] repeat(double[][][] x, int sh, int sw) {
    double[][][] y = new double[x.length * sh][x[0].length * sw][];
    for (int i = 0; i < y.length; i++) {
      for (int j = 0; j < y[0].length; j++) {
        y[i][j] = x[i / sh][j / sw].clone();
      }
    }
    return y;
  }
}
