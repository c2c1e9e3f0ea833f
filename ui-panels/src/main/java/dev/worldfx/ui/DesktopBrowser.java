package dev.worldfx.ui;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The desktop's default browser: {@code xdg-open} on Linux when a display is there, {@code open}
 * on macOS. Without a display xdg-open falls back to a text browser on the host's terminal, so it
 * is not run then; {@code WORLDFX_PANEL_BROWSER=none} turns the browser off (test hosts, render
 * nodes). The command is started and not waited for.
 */
public final class DesktopBrowser implements Browser {
  /** Set to "none" to never start a browser; the address is still given. */
  public static final String ENV = "WORLDFX_PANEL_BROWSER";
  private static final Logger LOG = Logger.getLogger(DesktopBrowser.class.getName());

  @Override
  public void show(URI page) {
    Optional<List<String>> command = command(System.getProperty("os.name", ""), System.getenv(), page);
    if (command.isEmpty()) {
      return;
    }
    try {
      new ProcessBuilder(command.get()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.INFO, "web panel: cannot start " + command.get().getFirst() + ": " + e.getMessage());
    }
  }

  /** The command that shows {@code page} on {@code osName} with {@code env}, or empty where none should run. */
  static Optional<List<String>> command(String osName, Map<String, String> env, URI page) {
    if ("none".equals(env.get(ENV))) {
      return Optional.empty();
    }
    if (osName.startsWith("Mac")) {
      return Optional.of(List.of("/usr/bin/open", page.toString()));
    }
    boolean display = !env.getOrDefault("DISPLAY", "").isEmpty() || !env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty();
    if (!osName.startsWith("Linux") || !display) {
      return Optional.empty();
    }
    return onPath("xdg-open", env.getOrDefault("PATH", "")).map(x -> List.of(x.toString(), page.toString()));
  }

  private static Optional<Path> onPath(String program, String path) {
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path p = Path.of(dir, program);
        if (Files.isExecutable(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }
}
