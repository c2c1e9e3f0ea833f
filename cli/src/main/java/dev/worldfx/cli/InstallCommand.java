package dev.worldfx.cli;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Installs the built bundle into an OFX plugin folder, replacing an older WorldFX atomically. */
@Command(name = "install", mixinStandardHelpOptions = true,
    description = "Install WorldFX.ofx.bundle into an OFX plugin folder (replaces an older WorldFX atomically).",
    footer = {"", "Examples:", "  worldfx install --user", "  sudo worldfx install --system", "  worldfx install --path /studio/ofx"})
final class InstallCommand implements Callable<Integer> {
  @Mixin
  PluginFolder folder;

  @Mixin
  ReportOption reportFile;

  @Spec
  CommandSpec spec;

  private final Console console;
  private final Report report;
  private final OutputFiles outputs;

  @Inject
  InstallCommand(Console console, Report report, OutputFiles outputs) {
    this.console = console;
    this.report = report;
    this.outputs = outputs;
  }

  @Override
  public Integer call() throws Exception {
    Path source = Path.of(System.getProperty("worldfx.bundle", "installers/target/WorldFX.ofx.bundle"));
    Path dir = folder.resolve();
    outputs.requireWritableFolder(dir, "OFX plugin");
    Path installed = BundleInstaller.install(source, dir);
    var out = console.text();
    report.put("installed", installed.toString()).put("version", BundleInstaller.marker(installed).getProperty("version"))
        .put("folderScannedByHosts", folder.scannedByDefault(dir));
    out.println("Installed " + installed + " (" + BundleInstaller.marker(installed).getProperty("version") + ")");
    if (!folder.scannedByDefault(dir)) {
      out.println("Hosts find it once this folder is on OFX_PLUGIN_PATH; add to your shell profile:");
      out.println("  export OFX_PLUGIN_PATH=\"" + dir + "${OFX_PLUGIN_PATH:+:$OFX_PLUGIN_PATH}\"");
    }
    return Main.EXIT_OK;
  }
}
