package dev.worldfx.inference.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomically written files must not stay owner-only like the temp file they start as. */
class AtomicFilesPermissionsTest {
  @Test
  void newFilesAreReadableByOthersAndReplacedFilesKeepTheirPermissions(@TempDir Path dir) throws Exception {
    Path fresh = dir.resolve("fresh.bin");
    AtomicFiles.write(fresh, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[] {1, 2, 3})));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));

    Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rw-rw----"));
    AtomicFiles.write(fresh, ch -> AtomicFiles.writeFully(ch, ByteBuffer.wrap(new byte[] {4})));
    assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    assertEquals(1, Files.size(fresh));
  }
}
