package dev.worldfx.cli.exr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding OpenEXR's core library: the usual sonames, WORLDFX_OPENEXR_LIB, and what a user is told when it fails. */
class OpenExrCoreTest {
  @TempDir
  Path tmp;

  @Test
  void theSystemLibraryIsFoundByItsSoname() {
    OpenExrCore.Probe p = OpenExrCore.probe(Map.of());
    assertTrue(p.available(), "tests need OpenEXR's core library (apt-get install libopenexr-dev): " + p.problem());
    assertTrue(OpenExrCore.SONAMES.contains(p.library()), p.library());
    assertTrue(p.version().startsWith("3."), p.version());
    assertTrue(p.summary().contains("(OpenEXR 3."), p.summary());
  }

  @Test
  void aFileThatIsNoLibraryIsReportedWithWhatToInstall() throws Exception {
    Path fake = tmp.resolve("libOpenEXRCore-3_1.so.30");
    Files.writeString(fake, "not a shared library");
    OpenExrCore.Probe p = OpenExrCore.probe(Map.of(OpenExrCore.LIB_ENV, fake.toString()));
    assertFalse(p.available());
    assertNull(p.library());
    assertTrue(p.problem().startsWith(OpenExrCore.LIB_ENV + "=" + fake + " is not a usable OpenEXR core library ("),
        p.problem());
    assertTrue(p.problem().contains("apt install libopenexr-dev"), p.problem());
    assertEquals(java.util.List.of(fake.toString()), p.tried(), "an explicit library means: only that one");
  }

  @Test
  void aLibraryThatIsNotOpenExrIsRefusedByTheFunctionItLacks() {
    OpenExrCore.Probe p = OpenExrCore.probe(Map.of(OpenExrCore.LIB_ENV, "libz.so.1"));
    assertFalse(p.available());
    assertTrue(p.problem().contains("it has no function exr_"), p.problem());
  }

  @Test
  void noLibraryUnderAnyNameSaysWhatToInstall() {
    OpenExrCore.Probe p = OpenExrCore.probe(Map.of(), java.util.List.of("libOpenEXRCore-9_9.so.99", "libNope.so"));
    assertFalse(p.available());
    assertEquals("OpenEXR's core library (libOpenEXRCore 3.1 to 3.4) was not found: install OpenEXR (Debian/Ubuntu: "
        + "apt install libopenexr-dev) or set WORLDFX_OPENEXR_LIB to the path of libOpenEXRCore", p.problem());
    OpenExrCore.Probe foreign = OpenExrCore.probe(Map.of(), java.util.List.of("libNope.so", "libz.so.1"));
    assertTrue(foreign.problem().contains("was not found (libz.so.1: it has no function exr_"), foreign.problem());
  }

  @Test
  void theLibraryCanBeNamedExplicitly() {
    String path = OpenExrCore.probe(Map.of()).library();
    OpenExrCore.Probe p = OpenExrCore.probe(Map.of(OpenExrCore.LIB_ENV, path));
    assertTrue(p.available(), p.problem());
    assertEquals(path, p.library());
  }
}
