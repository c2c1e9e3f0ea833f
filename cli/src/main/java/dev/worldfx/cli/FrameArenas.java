package dev.worldfx.cli;

import dev.worldfx.nodes.FrameView;
import java.lang.foreign.Arena;
import java.util.IdentityHashMap;
import java.util.Map;

/** Frames a shot handed out, each in its own arena, freed when the node releases it or after the render. */
final class FrameArenas {
  private final Map<FrameView, Arena> open = new IdentityHashMap<>();

  /**
   * Decodes an image file (PNG or EXR) into its own tracked arena; a Mask clip's frame as its matte
   * ({@link InpaintCommand#matteOf}). An unreadable file is a NodeException naming it.
   */
  FrameView read(java.nio.file.Path file, boolean mask) {
    Arena arena = Arena.ofShared();
    try {
      FrameView f = ImageFiles.read(arena, file);
      return track(mask ? InpaintCommand.matteOf(arena, f) : f, arena);
    } catch (dev.worldfx.cli.exr.ExrException e) {
      arena.close();
      throw new dev.worldfx.nodes.NodeException(e.getMessage(), e); // it names the file already
    } catch (java.io.IOException e) {
      arena.close();
      throw new dev.worldfx.nodes.NodeException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException | Error e) {
      arena.close();
      throw e;
    }
  }

  synchronized FrameView track(FrameView frame, Arena arena) {
    open.put(frame, arena);
    return frame;
  }

  synchronized void release(FrameView frame) {
    Arena a = open.remove(frame);
    if (a != null) {
      a.close();
    }
  }

  synchronized void releaseAll() {
    open.values().forEach(Arena::close);
    open.clear();
  }
}
