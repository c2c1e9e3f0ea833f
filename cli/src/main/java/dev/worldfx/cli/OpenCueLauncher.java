package dev.worldfx.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Submits a job spec through OpenCue's own client: the Python API (pycue's
 * {@code opencue.api.launchSpec}, which sends the XML to cuebot over gRPC; cuebot's address comes
 * from pycue's usual configuration, e.g. CUEBOT_HOSTS or OPENCUE_CONFIG_FILE).
 */
final class OpenCueLauncher {
  private OpenCueLauncher() {}

  /** The Python process's exit status when it has no opencue module. */
  private static final int NO_MODULE = 86;
  private static final String SCRIPT = String.join("\n",
      "import sys",
      "try:",
      "    import opencue",
      "except ImportError as e:",
      "    sys.stderr.write('%s\\n' % e)",
      "    sys.exit(" + NO_MODULE + ")",
      "for name in opencue.api.launchSpec(sys.stdin.read()):",
      "    print(name)",
      "");

  /** OpenCue's client is not installed here: no such Python, or a Python without the opencue module. */
  static final class NotInstalledException extends Exception {
    private static final long serialVersionUID = 1L;

    NotInstalledException(String message) {
      super(message);
    }
  }

  /** OpenCue was there but did not take the job (cuebot refused it, could not be reached, or did not answer). */
  static final class SubmitFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    SubmitFailedException(String message) {
      super(message);
    }
  }

  /** Sends {@code specXml} to cuebot with {@code python}; returns the names of the jobs cuebot created. */
  static List<String> launch(String python, String specXml, Duration timeout) throws NotInstalledException,
      SubmitFailedException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder(python, "-c", SCRIPT).start();
    } catch (IOException e) {
      throw new NotInstalledException("no Python at '" + python + "' to run OpenCue's client (" + e.getMessage() + ")");
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream in = p.getOutputStream()) {
      in.write(specXml.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // the process ended before reading the spec (no module, say); its exit status says why
    }
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new SubmitFailedException("OpenCue's client gave no answer within " + timeout.toSeconds() + " s (is cuebot reachable?)");
    }
    String stdout, stderr;
    try {
      stdout = out.get();
      stderr = err.get();
    } catch (ExecutionException e) {
      throw new SubmitFailedException("could not read OpenCue's client: " + e.getCause().getMessage());
    }
    if (p.exitValue() == NO_MODULE) {
      throw new NotInstalledException(python + " has no OpenCue Python API (" + lastLine(stderr) + ")");
    }
    if (p.exitValue() != 0) {
      // only the exception's own line: the Python traceback above it is not the user's business
      throw new SubmitFailedException("OpenCue did not take the job: " + lastLine(stderr));
    }
    return stdout.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  private static String readAll(InputStream s) {
    try (s) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String lastLine(String text) {
    List<String> lines = text.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    return lines.isEmpty() ? "no message" : lines.getLast();
  }
}
