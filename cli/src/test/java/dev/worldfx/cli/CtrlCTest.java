package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: worldfx runs in its own JVM (this JDK, the test class path), gets SIGINT
 * while it solves the shot, and must stop with exit code 130, its report written, and no frame
 * or temp file in the output folder.
 */
class CtrlCTest {
  @TempDir
  Path tmp;

  @Test
  void sigintDuringTheSolveExits130AndLeavesNoPartialOutput() throws Exception {
    TestShot.write(tmp, 1, 24, 160, 96);
    String seed = Long.toString(System.nanoTime() % 100_000_000L); // a solve the sequence cache does not hold
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/perl"))) {
      // A JVM started with SIGINT ignored (a background job of a non-interactive shell, as CI may start Maven)
      // keeps ignoring it; the terminal a person presses Ctrl-C in never does that, so the test restores it.
      command.addAll(List.of("/usr/bin/perl", "-e", "$SIG{INT} = 'DEFAULT'; exec @ARGV or die $!"));
    }
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector", "-XX:+UseSerialGC",
        "-Dworldfx.stderr.tty=false", "-cp", classPath.replace(":", File.pathSeparator), "dev.worldfx.cli.Main",
        "inpaint", "--input", tmp.resolve("IN/%04d.png").toString(), "--matte", tmp.resolve("MATTE/%04d.png").toString(),
        "--output", tmp.resolve("OUT/%04d.png").toString(), "--quality", "final", "--seed", seed,
        "--report", tmp.resolve("r.json").toString()));
    Process p = new ProcessBuilder(command).redirectOutput(tmp.resolve("stdout.txt").toFile()).start();
    StringBuilder err = new StringBuilder();
    CompletableFuture<Void> solving = new CompletableFuture<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          synchronized (err) {
            err.append(line).append('\n');
          }
          if (line.contains("solving frames 1-24")) {
            solving.complete(null);
          }
        }
      } catch (IOException e) {
        solving.completeExceptionally(e);
      }
    });
    try {
      solving.get(60, TimeUnit.SECONDS);
      Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
      assertEquals(0, kill.waitFor());
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "stopped after Ctrl-C");
      reader.join(5000);
    } finally {
      p.destroyForcibly();
    }
    String stderr;
    synchronized (err) {
      stderr = err.toString();
    }
    assertEquals(Main.EXIT_CANCELLED, p.exitValue(), stderr);
    assertTrue(stderr.contains("worldfx: cancelled"), stderr);
    assertTrue(!stderr.contains("\tat "), "no stack trace: " + stderr);
    assertEquals(List.of(), TestShot.wholePngs(tmp.resolve("OUT")), "cancelled during the solve: no frame yet");
    String report = Files.readString(tmp.resolve("r.json"));
    assertTrue(report.contains("\"exitCode\": 130") && report.contains("\"error\": \"cancelled\""), report);
    assertEquals(List.of("IN", "MATTE", "OUT", "r.json", "stdout.txt"), TestShot.listing(tmp), "no temp file left");
  }
}
