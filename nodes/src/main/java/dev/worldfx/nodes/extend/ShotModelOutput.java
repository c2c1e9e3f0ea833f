package dev.worldfx.nodes.extend;

import dev.worldfx.inference.io.SafeTensors;
import dev.worldfx.nodes.Components;
import dev.worldfx.nodes.FrameView;
import dev.worldfx.nodes.PixelDepth;
import dev.worldfx.nodes.RectI;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The shot model file that ExtendShot's Save shot model to names: which file each side of the shot
 * goes to, whether a file already holds the model of a solve (read from its metadata, not its
 * tensors), and the metadata that makes the file render like the shot it came from.
 */
final class ShotModelOutput {
  /**
   * Metadata of a model file the node writes: the hex SHA-256 of the solve's cache key, so the node
   * rewrites the file only when the solve changes. Covered by the file's digest like every entry.
   */
  static final String SOLVE_KEY = "solveKey";

  private ShotModelOutput() {}

  /**
   * The absolute file of one side, or null when {@code text} is blank. With Direction Both each side has
   * its own file: ".after" or ".before" goes before the name's extension (m.safetensors: m.after.safetensors),
   * or at its end where it has none.
   */
  static Path target(String text, int direction, boolean forward) {
    String t = text.strip();
    if (t.isEmpty()) {
      return null;
    }
    Path path;
    try {
      path = Path.of(t).toAbsolutePath();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("'" + t + "' is not a file path here: " + e.getReason());
    }
    if (path.getFileName() == null) {
      throw new IllegalArgumentException("'" + t + "' names a folder, not a file");
    }
    if (direction != ExtendShotParams.BOTH) {
      return path;
    }
    String name = path.getFileName().toString();
    String side = forward ? ".after" : ".before";
    int dot = name.lastIndexOf('.');
    return path.resolveSibling(dot > 0 ? name.substring(0, dot) + side + name.substring(dot) : name + side);
  }

  /** True when {@code file} is an ExtendShot model written for the solve {@code solveKeyHex}; a missing or unreadable file is not. */
  static boolean holds(Path file, String solveKeyHex) {
    if (!Files.isRegularFile(file)) {
      return false;
    }
    try (Arena arena = Arena.ofConfined()) {
      Map<String, String> meta = SafeTensors.open(file, arena).metadata();
      return ExtendModelFile.FORMAT.equals(meta.get("format")) && solveKeyHex.equals(meta.get(SOLVE_KEY));
    } catch (IOException | RuntimeException e) {
      return false; // damaged or not a model: written anew
    }
  }

  /**
   * The metadata `worldfx extend --save-model` writes for a shot of this depth and bounds (how
   * `worldfx generate --model` writes the frames: bits per channel, EXR pixel type for float shots, the
   * data window's origin), and the solve's key.
   */
  static Map<String, String> metadata(PixelDepth depth, RectI bounds, String solveKeyHex) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bitsPerChannel", switch (depth) {
      case BYTE -> "8";
      case SHORT -> "16";
      case HALF -> "16";
      case FLOAT -> "32";
    });
    if (depth == PixelDepth.HALF || depth == PixelDepth.FLOAT) {
      m.put("pixelType", depth == PixelDepth.HALF ? "half" : "float");
    }
    m.put("boundsX", Integer.toString(bounds.x1()));
    m.put("boundsY", Integer.toString(bounds.y1()));
    m.put(SOLVE_KEY, solveKeyHex);
    return m;
  }

  /** The frame's alpha as a model file keeps it, or null for an RGB frame (opaque). */
  static float[] alpha(FrameView frame, RectI bounds) {
    return frame.components() == Components.RGBA ? ExtendModelFile.alphaOf(frame, bounds) : null;
  }

  /** Writes {@code model} to {@code file} (folders created; atomic: a temporary file renamed) and returns its size. */
  static long write(Path file, ExtendModelFile model) throws IOException {
    Files.createDirectories(file.getParent());
    model.save(file);
    return Files.size(file);
  }

  /** "23.4 MB". */
  static String size(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
  }
}
