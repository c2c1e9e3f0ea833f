package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.RenderAbortedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's exit-code table, failure by failure, including causes wrapped by the code in between. */
class ExitCodesTest {
  @Test
  void eachFailureHasItsDocumentedCode() {
    assertEquals(Main.EXIT_INPUT, Main.exitCode(new NoSuchFileException("IN")));
    assertEquals(Main.EXIT_INPUT, Main.exitCode(new NodeException("cannot read IN/0001.png")));
    assertEquals(Main.EXIT_INPUT, Main.exitCode(new IllegalArgumentException("no input frames")));
    assertEquals(Main.EXIT_OUT_OF_MEMORY, Main.exitCode(new OutOfMemoryError("Java heap space")));
    assertEquals(Main.EXIT_OUT_OF_MEMORY, Main.exitCode(new NodeException("solve failed", new OutOfMemoryError())));
    assertEquals(Main.EXIT_OUTPUT, Main.exitCode(new OutputException("cannot write OUT/0001.png", null)));
    assertEquals(Main.EXIT_OUTPUT, Main.exitCode(new UncheckedIOException(new OutputException("cannot write", null))));
    assertEquals(Main.EXIT_OUTPUT, Main.exitCode(new NodeException("cache put failed",
        new IOException("No space left on device"))));
    assertEquals(Main.EXIT_CANCELLED, Main.exitCode(new RenderAbortedException()));
    assertEquals(Main.EXIT_GPU, Main.exitCode(new NodeException("render failed",
        new dev.worldfx.inference.cuda.FakeCudaFailure())));
    assertEquals(Main.EXIT_FAILED, Main.exitCode(new NullPointerException()));
  }

  @Test
  void anInternalErrorIsOneLineThatPointsAtDebug(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws IOException {
    TestShot.write(tmp, 1, 2, 16, 16);
    OutputFiles buggy = new OutputFiles() {
      @Override
      void writeBody(java.nio.file.Path file, Body body) {
        throw new IllegalStateException("a bug");
      }
    };
    CliRun r = CliRun.with(b -> b.bind(OutputFiles.class).toInstance(buggy), "inpaint", "--input",
        tmp.resolve("IN/%04d.png").toString(), "--matte", tmp.resolve("MATTE/%04d.png").toString(), "--output",
        tmp.resolve("OUT/%04d.png").toString(), "--progress", "none");
    assertEquals(Main.EXIT_FAILED, r.exit(), r.err());
    assertEquals(List.of("worldfx: error: internal error: java.lang.IllegalStateException: a bug (run with --debug or "
        + "WORLDFX_DEBUG=1 for the stack trace)"), r.err().lines().toList());
    assertEquals(List.of(), TestShot.listing(tmp.resolve("OUT")), "no temp file left");
  }
}
