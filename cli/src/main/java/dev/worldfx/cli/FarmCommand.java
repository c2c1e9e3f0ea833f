package dev.worldfx.cli;

import picocli.CommandLine.Command;

/** worldfx farm: renders on a render farm manager (OpenCue) instead of on this machine. */
@Command(name = "farm", mixinStandardHelpOptions = true, subcommands = FarmSubmitCommand.class,
    description = "Render a graph on an OpenCue farm: one solve job, then frame-range chunks that share it.",
    footer = {"", "Examples:",
        "  worldfx farm submit shot.textproto --chunk 10 --cache /farm/cache --dry-run",
        "  worldfx farm submit shot.textproto --chunk 10 --cache /farm/cache --shot sh010"})
final class FarmCommand {
}
