package dev.worldfx.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The system-wide OFX folder per platform, as the OFX specification names them. */
class PluginFolderTest {
  @Test
  void systemFolderPerPlatform() {
    assertEquals(Path.of("/usr/OFX/Plugins"), PluginFolder.systemFolder("Linux"));
    assertEquals(Path.of("/Library/OFX/Plugins"), PluginFolder.systemFolder("Mac OS X"));
    assertEquals(Path.of("C:\\Program Files\\Common Files\\OFX\\Plugins"), PluginFolder.systemFolder("Windows 11"));
  }
}
