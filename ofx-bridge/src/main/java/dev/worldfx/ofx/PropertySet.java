package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A host property set with typed, status-checked accessors. */
public final class PropertySet {
  private final MemorySegment handle;
  private final PropertySuite suite;

  PropertySet(MemorySegment handle, PropertySuite suite) {
    if (handle == null || handle.equals(MemorySegment.NULL)) {
      throw new OfxStatusException(Ofx.STAT_ERR_BAD_HANDLE, "NULL property set");
    }
    this.handle = handle;
    this.suite = suite;
  }

  MemorySegment handle() {
    return handle;
  }

  public int getInt(String name, int index) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPIP(suite.getInt, handle, Native.name(name), index, out), "get " + name);
    return out.get(ValueLayout.JAVA_INT, 0);
  }

  public double getDouble(String name, int index) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPIP(suite.getDouble, handle, Native.name(name), index, out), "get " + name);
    return out.get(ValueLayout.JAVA_DOUBLE, 0);
  }

  public String getString(String name, int index) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPIP(suite.getString, handle, Native.name(name), index, out), "get " + name);
    return Native.string(out.get(ValueLayout.ADDRESS, 0));
  }

  public MemorySegment getPointer(String name, int index) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPIP(suite.getPointer, handle, Native.name(name), index, out), "get " + name);
    return out.get(ValueLayout.ADDRESS, 0);
  }

  public int dimension(String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPP(suite.getDimension, handle, Native.name(name), out), "dimension of " + name);
    return out.get(ValueLayout.JAVA_INT, 0);
  }

  public int[] getInts(String name, int count) {
    int[] v = new int[count];
    for (int i = 0; i < count; i++) {
      v[i] = getInt(name, i);
    }
    return v;
  }

  public double[] getDoubles(String name, int count) {
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      v[i] = getDouble(name, i);
    }
    return v;
  }

  public List<String> getStrings(String name) {
    int n = dimension(name);
    List<String> v = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      v.add(getString(name, i));
    }
    return v;
  }

  /** Hosts differ in which properties they set; these read a default when one is missing. */
  public int getIntOr(String name, int index, int fallback) {
    MemorySegment out = Scratch.get();
    int st = Native.iPPIP(suite.getInt, handle, Native.name(name), index, out);
    return st == Ofx.STAT_OK ? out.get(ValueLayout.JAVA_INT, 0) : fallback;
  }

  public String getStringOr(String name, int index, String fallback) {
    MemorySegment out = Scratch.get();
    int st = Native.iPPIP(suite.getString, handle, Native.name(name), index, out);
    String s = st == Ofx.STAT_OK ? Native.string(out.get(ValueLayout.ADDRESS, 0)) : null;
    return s != null ? s : fallback;
  }

  public double[] getDoublesOr(String name, int count, double[] fallback) {
    MemorySegment out = Scratch.get();
    double[] v = new double[count];
    for (int i = 0; i < count; i++) {
      if (Native.iPPIP(suite.getDouble, handle, Native.name(name), i, out) != Ofx.STAT_OK) {
        return fallback;
      }
      v[i] = out.get(ValueLayout.JAVA_DOUBLE, 0);
    }
    return v;
  }

  public List<String> getStringsOr(String name, List<String> fallback) {
    MemorySegment out = Scratch.get();
    if (Native.iPPP(suite.getDimension, handle, Native.name(name), out) != Ofx.STAT_OK) {
      return fallback;
    }
    try {
      return getStrings(name);
    } catch (OfxStatusException e) {
      return fallback;
    }
  }

  public void setInt(String name, int index, int value) {
    OfxStatusException.check(Native.iPPII(suite.setInt, handle, Native.name(name), index, value), "set " + name);
  }

  public void setInts(String name, int... values) {
    for (int i = 0; i < values.length; i++) {
      setInt(name, i, values[i]);
    }
  }

  public void setDouble(String name, int index, double value) {
    OfxStatusException.check(Native.iPPID(suite.setDouble, handle, Native.name(name), index, value), "set " + name);
  }

  public void setDoubles(String name, double... values) {
    for (int i = 0; i < values.length; i++) {
      setDouble(name, i, values[i]);
    }
  }

  /** The host copies the string (OFX property rule), so a short-lived arena suffices. */
  public void setString(String name, int index, String value) {
    try (Arena arena = Arena.ofConfined()) {
      OfxStatusException.check(Native.iPPIP(suite.setString, handle, Native.name(name), index, arena.allocateFrom(value)),
          "set " + name);
    }
  }

  /** For optional properties a host may not know (added after OFX 1.0): false instead of an exception. */
  public boolean trySetInt(String name, int value) {
    return Native.iPPII(suite.setInt, handle, Native.name(name), 0, value) == Ofx.STAT_OK;
  }

  /** For optional properties a host may not know: false instead of an exception. */
  public boolean trySetStrings(String name, List<String> values) {
    try (Arena arena = Arena.ofConfined()) {
      for (int i = 0; i < values.size(); i++) {
        if (Native.iPPIP(suite.setString, handle, Native.name(name), i, arena.allocateFrom(values.get(i))) != Ofx.STAT_OK) {
          return false;
        }
      }
      return true;
    }
  }

  public void setStrings(String name, List<String> values) {
    for (int i = 0; i < values.size(); i++) {
      setString(name, i, values.get(i));
    }
  }
}
