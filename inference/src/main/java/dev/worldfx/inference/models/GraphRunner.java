package dev.worldfx.inference.models;

import dev.worldfx.inference.Conv2dParams;
import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs a {@link ModelGraph} with an {@link Ops} backend. Each intermediate value lives in its
 * own arena, closed right after its last reader, so peak memory is the live set rather than
 * every activation of the model; the output is allocated in the caller's arena.
 */
final class GraphRunner {
  private final ModelGraph graph;
  private final Map<String, Tensor> weights; // F32, contiguous
  private final int[] lastUse; // per node: index of the last node that reads its output

  /** {@code weights} must hold every tensor the graph names, as F32. */
  GraphRunner(ModelGraph graph, Map<String, Tensor> weights) {
    this.graph = graph;
    this.weights = Map.copyOf(weights);
    for (ModelGraph.Node n : graph.nodes()) {
      if (n instanceof ModelGraph.Conv2d c) {
        checkConvWeights(c);
      }
    }
    Map<String, Integer> producer = new HashMap<>();
    List<ModelGraph.Node> nodes = graph.nodes();
    lastUse = new int[nodes.size()];
    for (int i = 0; i < nodes.size(); i++) {
      lastUse[i] = i;
      for (String in : nodes.get(i).inputs()) {
        Integer p = producer.get(in);
        if (p != null) {
          lastUse[p] = i;
        }
      }
      producer.put(nodes.get(i).name(), i);
    }
  }

  private void checkConvWeights(ModelGraph.Conv2d c) {
    Tensor w = weight(c.name(), c.weight());
    if (w.rank() != 4) {
      throw new IllegalArgumentException("conv2d '" + c.name() + "' weight is " + Arrays.toString(w.shape()) + ", not OIHW");
    }
    if (c.bias() != null && !Arrays.equals(weight(c.name(), c.bias()).shape(), new int[] {w.dim(0)})) {
      throw new IllegalArgumentException("conv2d '" + c.name() + "' bias is not [" + w.dim(0) + "]");
    }
  }

  private Tensor weight(String node, String name) {
    Tensor t = weights.get(name);
    if (t == null) {
      throw new IllegalArgumentException("node '" + node + "' needs weight '" + name + "', which the model file lacks");
    }
    return t;
  }

  /**
   * Runs the graph on {@code input} (the graph's input value, NCHW). {@code backend} makes the Ops
   * that allocate into a given arena; arenas here are shared so multithreaded kernels may fill them.
   */
  Tensor run(Tensor input, Arena out, Function<Arena, Ops> backend) {
    List<ModelGraph.Node> nodes = graph.nodes();
    Map<String, Tensor> values = new HashMap<>();
    values.put(graph.input(), input);
    Arena[] arenas = new Arena[nodes.size()];
    try {
      for (int i = 0; i < nodes.size(); i++) {
        ModelGraph.Node node = nodes.get(i);
        boolean isOutput = node.name().equals(graph.output());
        Arena arena = isOutput ? out : (arenas[i] = Arena.ofShared());
        List<Tensor> in = new ArrayList<>();
        for (String name : node.inputs()) {
          in.add(values.get(name));
        }
        values.put(node.name(), apply(node, in, backend.apply(arena)));
        if (isOutput) {
          return values.get(node.name());
        }
        // Free every value whose last reader was this node.
        for (int p = 0; p <= i; p++) {
          if (lastUse[p] == i && arenas[p] != null) {
            arenas[p].close();
            arenas[p] = null;
            values.remove(nodes.get(p).name());
          }
        }
      }
      throw new IllegalStateException("unreachable: the graph validates that its output is computed");
    } finally {
      for (Arena a : arenas) {
        if (a != null) {
          a.close();
        }
      }
    }
  }

  private Tensor apply(ModelGraph.Node node, List<Tensor> in, Ops ops) {
    return switch (node) {
      case ModelGraph.Conv2d c -> conv(c, in.getFirst(), ops);
      case ModelGraph.Relu r -> ops.unary(Ops.Unary.RELU, in.getFirst(), 0f);
      case ModelGraph.Concat c -> ops.concat(in, c.axis());
      case ModelGraph.Add a -> {
        Tensor sum = in.getFirst();
        for (int k = 1; k < in.size(); k++) {
          sum = ops.binary(Ops.Binary.ADD, sum, in.get(k));
        }
        yield sum;
      }
      case ModelGraph.UpsampleNearest u -> {
        // x [N,C,H,W] -> [N,C,H*sh,W*sw]; asymmetric + floor maps output pixel o to input o / s: a pure repeat.
        Tensor x = in.getFirst();
        yield ops.resize(x, x.dim(2) * u.scaleH(), x.dim(3) * u.scaleW(), Ops.ResizeMode.NEAREST, Ops.CoordMode.ASYMMETRIC,
            Ops.NearestMode.FLOOR, 0f);
      }
    };
  }

  private Tensor conv(ModelGraph.Conv2d c, Tensor x, Ops ops) {
    Tensor w = weights.get(c.weight()); // [O, C/groups, kh, kw]
    int[] padH = pads(c.padding(), x.dim(2), w.dim(2), c.strideH(), c.dilationH());
    int[] padW = pads(c.padding(), x.dim(3), w.dim(3), c.strideW(), c.dilationW());
    Conv2dParams p = new Conv2dParams(c.strideH(), c.strideW(), padH[0], padW[0], padH[1], padW[1], c.dilationH(),
        c.dilationW(), c.groups(), 0, 0);
    return ops.conv2d(x, w, c.bias() == null ? null : weights.get(c.bias()), p);
  }

  /**
   * {begin, end} padding of one axis. TensorFlow "same": output ceil(in / stride), total padding
   * max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0), the smaller half before.
   */
  static int[] pads(ModelGraph.Padding padding, int in, int kernel, int stride, int dilation) {
    if (padding == ModelGraph.Padding.VALID) {
      return new int[] {0, 0};
    }
    int out = (in + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - in, 0);
    return new int[] {total / 2, total - total / 2};
  }
}
