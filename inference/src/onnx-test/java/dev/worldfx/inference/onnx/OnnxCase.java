package dev.worldfx.inference.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.ValueInfoProto;

/**
 * One ONNX backend test case directory: model.onnx plus test_data_set_N/{input_i,output_i}.pb,
 * laid out as onnx/backend/test/loader does (input_i feeds graph.input[i], output_i is
 * graph.output[i]).
 */
record OnnxCase(String suite, String name, Path dir, ModelProto model) {

  /** The data of one test_data_set_N: node inputs in node order (null = optional input left out) and expected outputs. */
  record DataSet(String name, List<OnnxValue> nodeInputs, List<OnnxValue> outputs) {}

  static OnnxCase load(String suite, Path dir) throws IOException {
    return new OnnxCase(suite, dir.getFileName().toString(), dir, ModelProto.parseFrom(Files.readAllBytes(dir.resolve(
        "model.onnx"))));
  }

  /** The node of a single-node graph (what node tests are), or null for a multi-node graph. */
  NodeProto singleNode() {
    GraphProto g = model.getGraph();
    return g.getNodeCount() == 1 ? g.getNode(0) : null;
  }

  /** The version of the default (ai.onnx) operator set the model imports. */
  long opset() {
    return model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(OperatorSetIdProto::getVersion).max().orElseThrow(() -> new IllegalStateException(name
            + ": no ai.onnx opset import"));
  }

  List<DataSet> dataSets() throws IOException, NotApplicableException {
    List<Path> dirs;
    try (Stream<Path> s = Files.list(dir)) {
      dirs = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_") && Files.isDirectory(p)).sorted()
          .toList();
    }
    if (dirs.isEmpty()) {
      throw new IOException(dir + " has no test_data_set_N directory");
    }
    List<DataSet> sets = new ArrayList<>();
    for (Path d : dirs) {
      sets.add(dataSet(d));
    }
    return sets;
  }

  private DataSet dataSet(Path d) throws IOException, NotApplicableException {
    GraphProto g = model.getGraph();
    for (ValueInfoProto vi : Stream.concat(g.getInputList().stream(), g.getOutputList().stream()).toList()) {
      if (!vi.getType().hasTensorType()) {
        throw new NotApplicableException("graph value " + vi.getName() + " is a " + vi.getType().getValueCase()
            + ", not a tensor");
      }
    }
    Map<String, OnnxValue> byName = new HashMap<>();
    for (TensorProto init : g.getInitializerList()) {
      byName.put(init.getName(), OnnxValue.of(init));
    }
    List<ValueInfoProto> graphInputs = g.getInputList().stream().filter(vi -> !byName.containsKey(vi.getName())).toList();
    for (int i = 0; i < graphInputs.size(); i++) {
      Path f = d.resolve("input_" + i + ".pb");
      if (Files.exists(f)) {
        byName.put(graphInputs.get(i).getName(), read(f));
      }
    }
    List<OnnxValue> nodeInputs = new ArrayList<>();
    for (String in : singleNode().getInputList()) {
      if (in.isEmpty()) {
        nodeInputs.add(null);
      } else if (byName.containsKey(in)) {
        nodeInputs.add(byName.get(in));
      } else {
        throw new IOException(d + ": no data for node input '" + in + "'");
      }
    }
    List<OnnxValue> outputs = new ArrayList<>();
    for (int i = 0; i < g.getOutputCount(); i++) {
      outputs.add(read(d.resolve("output_" + i + ".pb")));
    }
    return new DataSet(d.getFileName().toString(), nodeInputs, outputs);
  }

  private static OnnxValue read(Path f) throws IOException, NotApplicableException {
    return OnnxValue.of(TensorProto.parseFrom(Files.readAllBytes(f)));
  }

  @Override
  public String toString() {
    return suite + "/" + name;
  }
}
