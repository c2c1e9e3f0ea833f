package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** OfxProgressSuite V2 (label + id) or V1 (label). update() answers false when the user cancels. */
final class ProgressSuite {
  private final MemorySegment start, update, end;
  private final boolean v2;

  ProgressSuite(MemorySegment suiteV2, MemorySegment suiteV1) {
    v2 = !suiteV2.equals(MemorySegment.NULL);
    MemorySegment suite = v2 ? suiteV2 : suiteV1;
    start = Native.function(suite, 0);
    update = Native.function(suite, 1);
    end = Native.function(suite, 2);
  }

  void start(MemorySegment effect, String label) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment text = arena.allocateFrom(label);
      int st = v2 ? Native.iPPP(start, effect, text, Native.name("dev.worldfx.progress")) : Native.iPP(start, effect, text);
      OfxStatusException.check(st, "progressStart");
    }
  }

  /** False once the host reports that the user cancelled. */
  boolean update(MemorySegment effect, double fraction) {
    return Native.iPD(update, effect, fraction) != Ofx.STAT_REPLY_NO;
  }

  void end(MemorySegment effect) {
    Native.iP(end, effect);
  }
}
