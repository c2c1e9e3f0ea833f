package dev.worldfx.cli;

import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where a bundle is (un)installed: --user (default), --system or --path DIR. */
final class PluginFolder {
  /** Folders every OFX host scans without being told (OFX spec, Linux). */
  static final Path SYSTEM = Path.of("/usr/OFX/Plugins");

  @ArgGroup(exclusive = true)
  Choice choice;

  static final class Choice {
    @Option(names = "--user", description = "~/OFX/Plugins (add it to OFX_PLUGIN_PATH; the line to add is printed).")
    boolean user;

    @Option(names = "--system", description = "/usr/OFX/Plugins, scanned by every OFX host (needs root).")
    boolean system;

    @Option(names = "--path", paramLabel = "DIR", description = "Any folder (add it to OFX_PLUGIN_PATH).")
    Path path;
  }

  Path resolve() {
    if (choice != null && choice.system) {
      return SYSTEM;
    }
    if (choice != null && choice.path != null) {
      return choice.path.toAbsolutePath().normalize();
    }
    return Path.of(System.getProperty("user.home"), "OFX", "Plugins");
  }

  boolean scannedByDefault(Path folder) {
    return folder.equals(SYSTEM) || folder.equals(Path.of("/usr/local/OFX/Plugins"));
  }
}
