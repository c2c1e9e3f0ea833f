package dev.worldfx.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Output files whose disk fills up after {@code filesThatFit} files: the next write leaves half
 * its temp file behind and fails as the file system does (ENOSPC's message).
 */
final class DiskFull extends OutputFiles {
  private int filesLeft;

  DiskFull(int filesThatFit) {
    this.filesLeft = filesThatFit;
  }

  @Override
  void writeBody(Path tmp, Body body) throws IOException {
    body.writeTo(tmp);
    if (filesLeft-- > 0) {
      return;
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(tmp) / 2);
    }
    throw new IOException("No space left on device");
  }
}
