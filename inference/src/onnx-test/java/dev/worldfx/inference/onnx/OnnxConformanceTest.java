package dev.worldfx.inference.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.worldfx.inference.Ops;
import dev.worldfx.inference.Tensor;
import dev.worldfx.inference.cpu.CpuOps;
import dev.worldfx.inference.ref.ReferenceOps;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import onnx.Onnx.NodeProto;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The ONNX backend per-operator tests (Debian libonnx-testdata, written by the ONNX project,
 * not by us) run on our CPU backend and on the scalar reference. Every single-node case of an
 * op type we map is loaded; a case our ops cannot express is counted as not applicable with
 * its reason, never as passed. Writes target/onnx-conformance.txt.
 */
class OnnxConformanceTest {
  /** The suites with per-operator cases (model.onnx + test_data_set_N); data/real only names downloads. */
  private static final List<String> SUITES = List.of("node", "pytorch-converted", "pytorch-operator", "simple");

  private record Backend(String name, Function<Arena, Ops> create) {}

  private static final List<Backend> BACKENDS = List.of(new Backend("cpu", CpuOps::new),
      new Backend("reference", ReferenceOps::new));

  @TestFactory
  Stream<DynamicTest> onnxNodeCases() throws IOException {
    Path data = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data"));
    assertTrue(Files.isDirectory(data.resolve("node")),
        "ONNX test data missing at " + data + ": apt-get install libonnx-testdata");
    long start = System.nanoTime();
    ConformanceReport report = new ConformanceReport();
    List<OnnxCase> ours = new ArrayList<>();
    for (String suite : SUITES) {
      Path dir = data.resolve(suite);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      List<Path> caseDirs;
      try (Stream<Path> s = Files.list(dir)) {
        caseDirs = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
      }
      for (Path caseDir : caseDirs) {
        OnnxCase c = OnnxCase.load(suite, caseDir);
        NodeProto node = c.singleNode();
        if (node != null && NodeMapping.maps(node.getOpType())) {
          report.found(node.getOpType());
          ours.add(c);
        } else {
          report.other();
        }
      }
    }
    // Lazily, so each case's data is read just before it runs and dropped after.
    Stream<DynamicTest> cases = ours.stream().flatMap(c -> testOf(c, report));
    return Stream.concat(cases, Stream.of(dynamicTest("summary", () -> summary(report, data, start))));
  }

  private static Stream<DynamicTest> testOf(OnnxCase c, ConformanceReport report) {
    NodeProto node = c.singleNode();
    String op = node.getOpType();
    List<OnnxCase.DataSet> sets;
    List<NodeMapping.Plan> plans = new ArrayList<>();
    try {
      if (!c.model().getGraph().getOutput(0).getName().equals(node.getOutput(0))) {
        throw new IllegalArgumentException("graph output 0 is not the node's output 0");
      }
      sets = c.dataSets();
      for (OnnxCase.DataSet set : sets) {
        if (!set.outputs().getFirst().isFloat()) {
          throw new NotApplicableException("output is " + set.outputs().getFirst().dataType());
        }
        plans.add(NodeMapping.plan(node, c.opset(), set.nodeInputs()));
      }
    } catch (NotApplicableException e) {
      report.notApplicable(c, op, e.getMessage());
      return Stream.empty();
    } catch (IOException | RuntimeException e) {
      // The harness could not read or map a case it should: that is a failure, not a skip.
      report.ran(c, op, null, List.of("harness: " + e));
      return Stream.of(dynamicTest(c.toString(), () -> fail("cannot load " + c, e)));
    }
    return Stream.of(dynamicTest(c + " [" + op + "]", () -> run(c, op, sets, plans, report)));
  }

  private static void run(OnnxCase c, String op, List<OnnxCase.DataSet> sets, List<NodeMapping.Plan> plans,
                          ConformanceReport report) {
    List<String> failures = new ArrayList<>();
    for (int s = 0; s < sets.size(); s++) {
      OnnxCase.DataSet set = sets.get(s);
      for (Backend backend : BACKENDS) {
        String where = backend.name() + (sets.size() > 1 ? " " + set.name() : "");
        // Shared: the CPU kernels read inputs and write outputs from pool threads.
        try (Arena arena = Arena.ofShared()) {
          List<OnnxValue> inputs = set.nodeInputs();
          Tensor[] in = new Tensor[inputs.size()];
          for (int i = 0; i < in.length; i++) {
            OnnxValue v = inputs.get(i);
            in[i] = v != null && v.isFloat() ? v.toTensor(arena) : null;
          }
          Tensor y = plans.get(s).invocation().run(backend.create().apply(arena), arena, in);
          String mismatch = AllClose.mismatch(set.outputs().getFirst(), y);
          if (mismatch != null) {
            failures.add(where + ": " + mismatch);
          }
          for (int i = 0; i < in.length; i++) {
            if (in[i] != null && !Arrays.equals(in[i].toArray(), inputs.get(i).floats())) {
              failures.add(where + ": the op wrote into its input " + i);
            }
          }
        } catch (RuntimeException e) {
          failures.add(where + ": " + e);
        }
      }
    }
    report.ran(c, op, plans.getFirst().uncompared(), failures);
    if (!failures.isEmpty()) {
      fail(c + " [" + op + "]\n" + String.join("\n", failures));
    }
  }

  private static void summary(ConformanceReport report, Path data, long start) throws IOException {
    String header = String.format("ONNX backend node tests from %s on CpuOps and ReferenceOps, rtol=%s atol=%s (%.1f s)",
        data, AllClose.RTOL, AllClose.ATOL, (System.nanoTime() - start) / 1e9);
    String text = report.render(header);
    System.out.print(text);
    Path out = Path.of("target", "onnx-conformance.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    assertTrue(report.found() > 0, "no ONNX cases of our op types found under " + data);
    assertTrue(report.applicable() > 0, "no applicable ONNX case: the harness maps nothing");
  }
}
