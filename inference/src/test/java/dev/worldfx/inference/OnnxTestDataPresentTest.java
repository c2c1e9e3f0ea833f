package dev.worldfx.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The ONNX conformance tests are golden tests against data no one on this project wrote;
 * they must never skip silently. Without the Debian packages this fails and says why.
 */
class OnnxTestDataPresentTest {
  @Test
  void debianOnnxTestDataAndProtoAreInstalled() {
    Path data = Path.of(System.getProperty("onnx.testdata", "/usr/share/libonnx-testdata/data"));
    assertTrue(Files.isDirectory(data.resolve("node")),
        "ONNX test data missing at " + data + ": apt-get install libonnx-testdata libonnx-dev");
    assertTrue(Files.isRegularFile(Path.of("/usr/include/onnx/onnx.proto")),
        "onnx.proto missing: apt-get install libonnx-dev");
  }
}
