package dev.worldfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When "Open web panel" starts a browser, and with which command. */
class DesktopBrowserTest {
  private static final URI PAGE = URI.create("http://127.0.0.1:41234/?t=abc");

  @Test
  void linuxWithADisplayUsesXdgOpenFromThePath(@TempDir Path bin) throws IOException {
    Path xdg = Files.createFile(bin.resolve("xdg-open"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    Map<String, String> env = Map.of("DISPLAY", ":0", "PATH", "/nonexistent:" + bin);
    assertEquals(Optional.of(List.of(xdg.toString(), PAGE.toString())), DesktopBrowser.command("Linux", env, PAGE));
    assertEquals(Optional.of(List.of(xdg.toString(), PAGE.toString())),
        DesktopBrowser.command("Linux", Map.of("WAYLAND_DISPLAY", "wayland-0", "PATH", bin.toString()), PAGE));
  }

  @Test
  void noBrowserWithoutADisplayWithoutXdgOpenOrWhenTurnedOff(@TempDir Path bin) throws IOException {
    Files.createFile(bin.resolve("xdg-open"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));
    // without a display xdg-open would start a text browser on the host's terminal
    assertTrue(DesktopBrowser.command("Linux", Map.of("PATH", bin.toString()), PAGE).isEmpty());
    assertTrue(DesktopBrowser.command("Linux", Map.of("DISPLAY", "", "PATH", bin.toString()), PAGE).isEmpty());
    assertTrue(DesktopBrowser.command("Linux", Map.of("DISPLAY", ":0", "PATH", "/nonexistent"), PAGE).isEmpty());
    assertTrue(DesktopBrowser.command("Linux", Map.of("DISPLAY", ":0", "PATH", bin.toString(),
        DesktopBrowser.ENV, "none"), PAGE).isEmpty());
    assertTrue(DesktopBrowser.command("Windows 11", Map.of("PATH", bin.toString()), PAGE).isEmpty());
  }

  @Test
  void macOsUsesOpen() {
    assertEquals(Optional.of(List.of("/usr/bin/open", PAGE.toString())), DesktopBrowser.command("Mac OS X", Map.of(), PAGE));
    assertTrue(DesktopBrowser.command("Mac OS X", Map.of(DesktopBrowser.ENV, "none"), PAGE).isEmpty());
  }
}
