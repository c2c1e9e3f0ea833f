package dev.worldfx.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs the CLI in this JVM as a script would, capturing what it prints on stderr. */
record CliRun(int exit, String err) {
  static CliRun of(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream old = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      return new CliRun(Main.run(args), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(old);
    }
  }
}
