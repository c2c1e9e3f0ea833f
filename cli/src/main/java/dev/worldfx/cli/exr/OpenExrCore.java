package dev.worldfx.cli.exr;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds OpenEXR's C library, OpenEXRCore (the maintained reference implementation, 3.1 to 3.4;
 * Debian 12 ships 3.1.5). It is not on Maven Central and not shipped with WorldFX: the user's
 * system provides it. Search order: {@code WORLDFX_OPENEXR_LIB} (a path or a library name; when
 * set, only that), then the usual sonames through the system loader. Found means loaded with
 * every function we bind and a version whose struct layouts we know. Loaded once per process
 * and never unloaded.
 */
public final class OpenExrCore {
  public static final String LIB_ENV = "WORLDFX_OPENEXR_LIB";

  /** Runtime sonames first (Debian's runtime package has no unversioned link), newest API last. */
  static final List<String> SONAMES = List.of("libOpenEXRCore-3_1.so.30", "libOpenEXRCore-3_1.so",
      "libOpenEXRCore-3_2.so.31", "libOpenEXRCore-3_2.so", "libOpenEXRCore-3_3.so.32", "libOpenEXRCore-3_3.so",
      "libOpenEXRCore-3_4.so.33", "libOpenEXRCore-3_4.so", "libOpenEXRCore.so");

  /** What to do about it, in the words of the platform this build runs on. */
  static final String INSTALL_HINT = "install OpenEXR (Debian/Ubuntu: apt install libopenexr-dev) or set "
      + LIB_ENV + " to the path of libOpenEXRCore";

  /** Where the library was found (null: nowhere usable), its version, why it cannot be used, what was tried. */
  public record Probe(String library, String version, String problem, List<String> tried) {
    public boolean available() {
      return problem == null;
    }

    /** One line for the doctor and for error messages. */
    public String summary() {
      return available() ? library + " (OpenEXR " + version + ")" : problem;
    }
  }

  private record Loaded(Probe probe, ExrNative library) {
  }

  private static volatile Loaded process;

  private OpenExrCore() {}

  /** The process's library, loading it on first use. */
  public static Probe probe() {
    return loaded().probe();
  }

  /** The bound library, or an ExrException saying what to install. */
  static ExrNative library() throws ExrException {
    Loaded l = loaded();
    if (l.library() == null) {
      throw new ExrException(l.probe().problem());
    }
    return l.library();
  }

  private static Loaded loaded() {
    Loaded l = process;
    if (l == null) {
      synchronized (OpenExrCore.class) {
        l = process;
        if (l == null) {
          l = load(System.getenv(), SONAMES);
          process = l;
        }
      }
    }
    return l;
  }

  /** A fresh search with {@code env} as the environment (the process's own search is {@link #probe()}). */
  static Probe probe(Map<String, String> env) {
    return probe(env, SONAMES);
  }

  /** The same, trying {@code sonames} where no library is named. */
  static Probe probe(Map<String, String> env, List<String> sonames) {
    return load(env, sonames).probe();
  }

  private static Loaded load(Map<String, String> env, List<String> sonames) {
    String own = env.get(LIB_ENV);
    List<String> tried = new ArrayList<>();
    if (own != null && !own.isBlank()) {
      tried.add(own);
      try {
        return bind(own, tried);
      } catch (IllegalArgumentException | IllegalCallerException e) {
        return new Loaded(new Probe(null, null, LIB_ENV + "=" + own + " is not a usable OpenEXR core library ("
            + reason(e) + "); " + INSTALL_HINT, tried), null);
      }
    }
    String firstProblem = null;
    for (String name : sonames) {
      tried.add(name);
      SymbolLookup lookup;
      try {
        lookup = SymbolLookup.libraryLookup(name, Arena.global());
      } catch (IllegalArgumentException | IllegalCallerException e) {
        continue; // not installed under this name: the normal case
      }
      try {
        return bind(name, lookup, tried);
      } catch (IllegalArgumentException e) {
        if (firstProblem == null) {
          firstProblem = name + ": " + reason(e); // there, but not a version or build we can use
        }
      }
    }
    return new Loaded(new Probe(null, null, "OpenEXR's core library (libOpenEXRCore 3.1 to 3.4) was not found"
        + (firstProblem == null ? "" : " (" + firstProblem + ")") + ": " + INSTALL_HINT, tried), null);
  }

  /** The JVM warns about stack guards on stderr for any non-ELF file it is asked to load, so such files stop here. */
  private static void requireElf(Path file) {
    byte[] head = new byte[4];
    try (var in = java.nio.file.Files.newInputStream(file)) {
      if (in.readNBytes(head, 0, 4) < 4 || head[0] != 0x7F || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') {
        throw new IllegalArgumentException(file + " is not a shared library (no ELF header)");
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException(file + " does not exist", e);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
    }
  }

  private static String reason(RuntimeException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Opens and binds one library; IllegalArgumentException when it does not load or is not a usable OpenEXRCore. */
  private static Loaded bind(String nameOrPath, List<String> tried) {
    if (nameOrPath.contains("/")) {
      requireElf(Path.of(nameOrPath));
      return bind(nameOrPath, SymbolLookup.libraryLookup(Path.of(nameOrPath), Arena.global()), tried);
    }
    return bind(nameOrPath, SymbolLookup.libraryLookup(nameOrPath, Arena.global()), tried);
  }

  private static Loaded bind(String name, SymbolLookup lookup, List<String> tried) {
    // The library stays loaded for the life of the process: the bound handles and the error callback point into it.
    ExrNative lib = new ExrNative(lookup, Arena.global());
    return new Loaded(new Probe(name, lib.version(), null, List.copyOf(tried)), lib);
  }
}
