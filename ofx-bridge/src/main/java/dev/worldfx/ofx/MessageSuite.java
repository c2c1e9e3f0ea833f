package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * OfxMessageSuiteV2 where the host has it (persistent messages stay on the node until
 * cleared), else V1 (a one-off message). Text always goes through a "%s" format so a
 * '%' in a file name cannot become a format directive.
 */
final class MessageSuite {
  private static final String ID = "dev.worldfx";
  private final MemorySegment message;
  private final MemorySegment setPersistent;
  private final MemorySegment clearPersistent;

  MessageSuite(MemorySegment v2, MemorySegment v1) {
    MemorySegment suite = v2.equals(MemorySegment.NULL) ? v1 : v2;
    message = Native.function(suite, 0);
    setPersistent = v2.equals(MemorySegment.NULL) ? MemorySegment.NULL : Native.function(v2, 1);
    clearPersistent = v2.equals(MemorySegment.NULL) ? MemorySegment.NULL : Native.function(v2, 2);
  }

  /** Shows an error on the node; returns the host's status. */
  int error(MemorySegment effect, String text) {
    return show(effect, Ofx.MESSAGE_ERROR, text);
  }

  /** Shows a note (not an error) on the node; returns the host's status. */
  int notice(MemorySegment effect, String text) {
    return show(effect, Ofx.MESSAGE_MESSAGE, text);
  }

  /**
   * A one-off message (a dialog in most hosts), not left on the node: the answer to a button
   * press. Returns the host's status.
   */
  int popup(MemorySegment effect, String kind, String text) {
    try (Arena arena = Arena.ofConfined()) {
      return Native.iPPPPvarP(message, effect, Native.name(kind), Native.name(ID), Native.name("%s"),
          arena.allocateFrom(text));
    }
  }

  private int show(MemorySegment effect, String kind, String text) {
    MemorySegment fn = setPersistent.equals(MemorySegment.NULL) ? message : setPersistent;
    try (Arena arena = Arena.ofConfined()) {
      return Native.iPPPPvarP(fn, effect, Native.name(kind), Native.name(ID), Native.name("%s"),
          arena.allocateFrom(text));
    }
  }

  void clear(MemorySegment effect) {
    if (!clearPersistent.equals(MemorySegment.NULL)) {
      Native.iP(clearPersistent, effect);
    }
  }
}
