package dev.worldfx.inference.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the user's installed CUDA 13 libraries (they are not on Maven Central, so they are never
 * shipped): the driver, the runtime, cuBLAS, cuDNN 9 and NVRTC. Folders searched, in order:
 * {@code WORLDFX_CUDA_LIBS}, {@code CUDA_PATH/lib64}, every {@code LD_LIBRARY_PATH} entry,
 * {@code /usr/local/cuda/lib64}, {@code /usr/lib/x86_64-linux-gnu}, {@code /usr/lib64}. A library
 * counts as found only when it also loads (dlopen), so a broken or foreign file is reported as
 * such. This is what {@code worldfx doctor} and the CLI's report show; {@link CudaRuntime} opens the
 * libraries for the CUDA backend.
 */
public final class CudaLibraries {
  public static final String LIBS_ENV = "WORLDFX_CUDA_LIBS";

  /** The libraries the backend needs, by role: file names tried in order. */
  public static final Map<String, List<String>> NEEDED = Map.of(
      "driver", List.of("libcuda.so.1", "libcuda.so"),
      "runtime", List.of("libcudart.so.13", "libcudart.so"),
      "cuBLAS", List.of("libcublas.so.13", "libcublas.so"),
      "cuDNN", List.of("libcudnn.so.9", "libcudnn.so"),
      "NVRTC", List.of("libnvrtc.so.13", "libnvrtc.so"));

  private static final List<String> ORDER = List.of("driver", "runtime", "cuBLAS", "cuDNN", "NVRTC");

  /** One library: where it was found (empty: nowhere), and why it cannot be used if it cannot. */
  public record Library(String role, Optional<Path> path, String problem) {
    public boolean usable() {
      return path.isPresent() && problem == null;
    }
  }

  /** What was found, role by role, in {@link #ORDER}; the backend is available only if all are usable. */
  public record Probe(List<Path> searched, List<Library> libraries) {
    public boolean available() {
      return libraries.stream().allMatch(Library::usable);
    }

    /** One line for a log or the doctor: what is missing or broken, or that all were found. */
    public String summary() {
      List<String> missing = new ArrayList<>();
      for (Library l : libraries) {
        if (l.path().isEmpty()) {
          missing.add(l.role() + " (" + String.join(" or ", NEEDED.get(l.role())) + ") not found");
        } else if (l.problem() != null) {
          missing.add(l.role() + " at " + l.path().get() + " does not load: " + l.problem());
        }
      }
      return missing.isEmpty() ? "all CUDA libraries found" : String.join("; ", missing);
    }
  }

  private CudaLibraries() {}

  public static Probe probe() {
    return probe(System.getenv());
  }

  public static Probe probe(Map<String, String> env) {
    List<Path> dirs = searchPath(env);
    List<Library> found = new ArrayList<>();
    for (String role : ORDER) {
      Library lib = new Library(role, Optional.empty(), null);
      search:
      for (Path dir : dirs) {
        for (String name : NEEDED.get(role)) {
          Path p = dir.resolve(name);
          if (Files.exists(p)) {
            lib = new Library(role, Optional.of(p), loadProblem(p));
            break search;
          }
        }
      }
      found.add(lib);
    }
    return new Probe(dirs, found);
  }

  static List<Path> searchPath(Map<String, String> env) {
    Map<Path, Boolean> dirs = new LinkedHashMap<>();
    String own = env.get(LIBS_ENV);
    if (own != null && !own.isBlank()) {
      dirs.put(Path.of(own), true);
    }
    String cudaPath = env.get("CUDA_PATH");
    if (cudaPath != null && !cudaPath.isBlank()) {
      dirs.put(Path.of(cudaPath, "lib64"), true);
    }
    String ld = env.get("LD_LIBRARY_PATH");
    if (ld != null) {
      for (String d : ld.split(":")) {
        if (!d.isBlank()) {
          dirs.put(Path.of(d), true);
        }
      }
    }
    if (own == null || own.isBlank()) { // an explicit folder means: only there (and CUDA_PATH/LD_LIBRARY_PATH)
      for (String d : List.of("/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu", "/usr/lib64")) {
        dirs.put(Path.of(d), true);
      }
    }
    return List.copyOf(dirs.keySet());
  }

  /** Null when the library loads; else why not (the loader's message). */
  private static String loadProblem(Path p) {
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup.libraryLookup(p, arena);
      return null;
    } catch (IllegalArgumentException | IllegalCallerException e) {
      return e.getMessage() == null ? e.toString() : e.getMessage();
    }
  }
}
