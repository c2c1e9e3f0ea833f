package dev.worldfx.nodes.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * Writes an entry's payload straight into the entry's temporary file, so big solve results never
 * need to sit in one array. The channel is empty, positioned at 0 and open for reading and
 * writing; sequential writes, positional writes and {@code channel.map(READ_WRITE, ...)} are all
 * fine. Whatever {@code channel.size()} is on return is the payload. Do not close the channel.
 */
@FunctionalInterface
public interface PayloadWriter {
  void write(FileChannel channel) throws IOException;
}
