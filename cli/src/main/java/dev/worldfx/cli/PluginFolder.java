package dev.worldfx.cli;

import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** Where a bundle is (un)installed: --user (default), --system or --path DIR. */
final class PluginFolder {
  /** The folder every OFX host scans without being told (OFX specification, per platform). */
  static final Path SYSTEM = systemFolder(System.getProperty("os.name", ""));

  static Path systemFolder(String osName) {
    String os = osName.toLowerCase(java.util.Locale.ROOT);
    if (os.startsWith("windows")) {
      return Path.of("C:\\Program Files\\Common Files\\OFX\\Plugins");
    }
    if (os.startsWith("mac")) {
      return Path.of("/Library/OFX/Plugins");
    }
    return Path.of("/usr/OFX/Plugins");
  }

  @ArgGroup(exclusive = true)
  Choice choice;

  static final class Choice {
    @Option(names = "--user", description = "~/OFX/Plugins (add it to OFX_PLUGIN_PATH; the line to add is printed).")
    boolean user;

    @Option(names = "--system",
        description = "The folder every OFX host scans: /usr/OFX/Plugins, /Library/OFX/Plugins (macOS), "
            + "C:\\Program Files\\Common Files\\OFX\\Plugins (Windows). Needs admin rights.")
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
