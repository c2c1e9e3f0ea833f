package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * OfxParameterSuiteV1, typed: define at describe time, read values at render time, write the
 * status parameters in instance-changed (the only action the specification allows it in).
 */
final class ParamSuite {
  private final MemorySegment paramDefine, paramGetHandle, paramGetValueAtTime, paramSetValue;
  private final PropertySuite props;

  ParamSuite(MemorySegment suite, PropertySuite props) {
    this.props = props;
    paramDefine = Native.function(suite, 0);
    paramGetHandle = Native.function(suite, 1);
    paramGetValueAtTime = Native.function(suite, 5);
    paramSetValue = Native.function(suite, 8);
  }

  PropertySet define(MemorySegment paramSet, String type, String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPPP(paramDefine, paramSet, Native.name(type), Native.name(name), out),
        "paramDefine " + name);
    return new PropertySet(out.get(ValueLayout.ADDRESS, 0), props);
  }

  /**
   * For the layout types (Group, Page, PushButton): null where the host refuses the type, so a
   * host without them still gets the parameters, ungrouped.
   */
  PropertySet tryDefine(MemorySegment paramSet, String type, String name) {
    MemorySegment out = Scratch.get();
    int st = Native.iPPPP(paramDefine, paramSet, Native.name(type), Native.name(name), out);
    if (st != Ofx.STAT_OK) {
      BridgeLog.info("the host refused parameter " + name + " of type " + type + " ("
          + OfxStatusException.statusName(st) + "); the parameters are shown without it");
      return null;
    }
    return new PropertySet(out.get(ValueLayout.ADDRESS, 0), props);
  }

  MemorySegment handle(MemorySegment paramSet, String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPPP(paramGetHandle, paramSet, Native.name(name), out, MemorySegment.NULL),
        "paramGetHandle " + name);
    return out.get(ValueLayout.ADDRESS, 0);
  }

  /** Integer, Boolean and Choice parameters hand back an int. */
  int intAt(MemorySegment param, double time, String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPDvarP(paramGetValueAtTime, param, time, out), "value of " + name);
    return out.get(ValueLayout.JAVA_INT, 0);
  }

  double doubleAt(MemorySegment param, double time, String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPDvarP(paramGetValueAtTime, param, time, out), "value of " + name);
    return out.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  String stringAt(MemorySegment param, double time, String name) {
    MemorySegment out = Scratch.get();
    out.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
    OfxStatusException.check(Native.iPDvarP(paramGetValueAtTime, param, time, out), "value of " + name);
    String s = Native.string(out.get(ValueLayout.ADDRESS, 0));
    return s == null ? "" : s;
  }

  /** Sets a String parameter; the host copies the text. */
  void setString(MemorySegment param, String value, String name) {
    try (Arena arena = Arena.ofConfined()) {
      OfxStatusException.check(Native.iPvarP(paramSetValue, param, arena.allocateFrom(value)), "set " + name);
    }
  }
}
