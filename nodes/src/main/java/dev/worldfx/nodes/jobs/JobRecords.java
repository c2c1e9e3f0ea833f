package dev.worldfx.nodes.jobs;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.worldfx.nodes.proto.JobRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The folder of job records: {@code <id>.job} (a {@link JobRecord}) and, while someone asked
 * another process to stop a job, {@code <id>.cancel}. A record is written to a temporary file,
 * forced to disk and renamed over the old one, so readers see a whole record or the previous one;
 * a record that does not parse is skipped (and left for {@link #prune} to remove).
 */
final class JobRecords {
  static final int FORMAT_VERSION = 1;
  static final Pattern ID = Pattern.compile("[0-9a-z][0-9a-z-]{0,63}");
  private static final String SUFFIX = ".job";
  private static final String CANCEL_SUFFIX = ".cancel";
  private static final Logger LOG = Logger.getLogger(JobRecords.class.getName());

  private final Path folder;

  JobRecords(Path folder) {
    this.folder = folder;
  }

  Path folder() {
    return folder;
  }

  void write(JobRecord r) throws IOException {
    Files.createDirectories(folder);
    Path target = file(r.getId());
    Path tmp = Files.createTempFile(folder, "." + r.getId() + ".", ".tmp");
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer b = ByteBuffer.wrap(r.toByteArray());
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /** A stored record and when its file last changed. */
  record Stored(JobRecord record, FileTime modified) {}

  /** The record of {@code id}, or empty when there is none or it does not parse. */
  Optional<Stored> read(String id) throws IOException {
    Path f = file(id);
    try {
      FileTime modified = Files.getLastModifiedTime(f);
      JobRecord r = JobRecord.parseFrom(Files.readAllBytes(f));
      if (r.getFormatVersion() != FORMAT_VERSION || !r.getId().equals(id)) {
        return Optional.empty();
      }
      return Optional.of(new Stored(r, modified));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("job board: skipping unreadable job record " + f + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  /** The ids of the records in the folder with their files' modification times. */
  List<IdTime> ids() throws IOException {
    List<IdTime> out = new ArrayList<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(folder, "*" + SUFFIX)) {
      for (Path f : s) {
        String name = f.getFileName().toString();
        String id = name.substring(0, name.length() - SUFFIX.length());
        if (ID.matcher(id).matches()) {
          try {
            out.add(new IdTime(id, Files.getLastModifiedTime(f)));
          } catch (NoSuchFileException e) {
            continue; // pruned by another process since the listing
          }
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return out;
  }

  record IdTime(String id, FileTime modified) {}

  void delete(String id) throws IOException {
    Files.deleteIfExists(file(id));
    Files.deleteIfExists(cancelFile(id));
  }

  void requestCancel(String id) throws IOException {
    Files.createDirectories(folder);
    Files.write(cancelFile(id), new byte[0]);
  }

  boolean cancelRequested(String id) {
    return Files.exists(cancelFile(id));
  }

  void clearCancel(String id) throws IOException {
    Files.deleteIfExists(cancelFile(id));
  }

  private Path file(String id) {
    return folder.resolve(id + SUFFIX);
  }

  private Path cancelFile(String id) {
    return folder.resolve(id + CANCEL_SUFFIX);
  }
}
