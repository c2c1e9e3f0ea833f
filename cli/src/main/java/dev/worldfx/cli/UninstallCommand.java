package dev.worldfx.cli;

import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Removes WorldFX from an OFX plugin folder; never touches a bundle that is not ours. */
@Command(name = "uninstall", mixinStandardHelpOptions = true,
    description = "Remove WorldFX.ofx.bundle from an OFX plugin folder.",
    footer = {"", "Examples:", "  worldfx uninstall --user", "  sudo worldfx uninstall --system"})
final class UninstallCommand implements Callable<Integer> {
  @Mixin
  PluginFolder folder;

  @Mixin
  ReportOption reportFile;

  @Spec
  CommandSpec spec;

  private final Console console;
  private final Report report;

  @Inject
  UninstallCommand(Console console, Report report) {
    this.console = console;
    this.report = report;
  }

  @Override
  public Integer call() throws Exception {
    Path dir = folder.resolve();
    boolean removed = BundleInstaller.uninstall(dir);
    report.put("folder", dir.toString()).put("removed", removed);
    console.text().println(removed ? "Removed WorldFX from " + dir : "WorldFX is not installed in " + dir);
    return Main.EXIT_OK;
  }
}
