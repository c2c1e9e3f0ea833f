package dev.worldfx.cli;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Puts WorldFX.ofx.bundle into an OFX plugin folder so that a host scanning the folder at
 * any moment sees either the old bundle or the new one, never half of one: the copy is made
 * under a name hosts ignore, then swapped in with one atomic rename (renameat2
 * RENAME_EXCHANGE on Linux; two renames where the file system refuses the exchange).
 * A bundle without our marker file is never replaced or removed.
 */
final class BundleInstaller {
  static final String BUNDLE = "WorldFX.ofx.bundle";
  static final String MARKER = "Contents/Resources/worldfx-bundle.properties";
  /** Temp names hosts ignore: no ".ofx.bundle" suffix, hidden. */
  private static final String TEMP_PREFIX = ".WorldFX-";
  /** Test-only: stop after copying this many files, so a test can kill an install mid-copy. */
  static final String PAUSE_ENV = "WORLDFX_INSTALL_TEST_PAUSE_AFTER_FILES";

  private BundleInstaller() {}

  /** Installs {@code source} into {@code folder}; returns the installed bundle's path. */
  static Path install(Path source, Path folder) throws IOException {
    Properties ours = marker(source);
    if (ours == null) {
      throw new IOException(source + " is not a WorldFX bundle (no " + MARKER + "); build it with ./worldfx build");
    }
    Files.createDirectories(folder);
    removeStaleTemps(folder);
    Path target = folder.resolve(BUNDLE);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && marker(target) == null) {
      throw new IOException(target + " exists and is not a WorldFX bundle; refusing to replace it");
    }
    Path staging = folder.resolve(TEMP_PREFIX + "installing-" + ProcessHandle.current().pid());
    copyTree(source, staging);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      if (!exchange(staging, target)) {
        Path old = folder.resolve(TEMP_PREFIX + "old-" + ProcessHandle.current().pid());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        staging = old;
      }
      deleteTree(staging); // now holds the previous version
    } else {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }
    return target;
  }

  /** Removes our bundle (and leftovers of interrupted installs); false if none was there. */
  static boolean uninstall(Path folder) throws IOException {
    if (!Files.isDirectory(folder)) {
      return false;
    }
    removeStaleTemps(folder);
    Path target = folder.resolve(BUNDLE);
    if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (marker(target) == null) {
      throw new IOException(target + " is not a WorldFX bundle; refusing to remove it");
    }
    Path removing = folder.resolve(TEMP_PREFIX + "removing-" + ProcessHandle.current().pid());
    Files.move(target, removing, StandardCopyOption.ATOMIC_MOVE); // hosts stop seeing it at once
    deleteTree(removing);
    return true;
  }

  static Properties marker(Path bundle) throws IOException {
    Path file = bundle.resolve(MARKER);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    }
    return "dev.worldfx".equals(p.getProperty("vendor")) ? p : null;
  }

  /** Leftovers of installs or uninstalls whose process is gone (killed, power cut). */
  private static void removeStaleTemps(Path folder) throws IOException {
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path p : entries.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith(TEMP_PREFIX)) {
          continue;
        }
        long pid = parsePid(name.substring(name.lastIndexOf('-') + 1));
        if (pid != ProcessHandle.current().pid() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue; // another install is running right now
        }
        deleteTree(p);
      }
    }
  }

  private static long parsePid(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Copies keeping modification times (the class-data archive checks jar times) and permissions. */
  private static void copyTree(Path from, Path to) throws IOException {
    int pauseAfter = Integer.parseInt(System.getenv().getOrDefault(PAUSE_ENV, "-1"));
    int[] copied = {0};
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        if (++copied[0] == pauseAfter) {
          System.out.println("install paused after " + pauseAfter + " files");
          System.out.flush();
          try {
            Thread.sleep(Long.MAX_VALUE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        Files.setLastModifiedTime(to.resolve(from.relativize(dir).toString()), Files.getLastModifiedTime(dir));
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE): swaps two paths atomically. */
  private static boolean exchange(Path a, Path b) {
    MethodHandle renameat2 = Renameat2.HANDLE;
    if (renameat2 == null) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      int rc = (int) renameat2.invokeExact(AT_FDCWD, arena.allocateFrom(a.toAbsolutePath().toString()), AT_FDCWD,
          arena.allocateFrom(b.toAbsolutePath().toString()), RENAME_EXCHANGE);
      return rc == 0;
    } catch (Throwable t) {
      return false;
    }
  }

  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 2;

  private static final class Renameat2 {
    static final MethodHandle HANDLE = Linker.nativeLinker().defaultLookup().find("renameat2")
        .map(f -> Linker.nativeLinker().downcallHandle(f, FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT)))
        .orElse(null);
  }
}
