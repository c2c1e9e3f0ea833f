package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import java.lang.foreign.MemorySegment;

/** OfxPropertySuiteV1: the function pointers, in the specification's member order. */
final class PropertySuite {
  final MemorySegment setPointer, setString, setDouble, setInt;
  final MemorySegment getPointer, getString, getDouble, getInt;
  final MemorySegment getDimension;

  PropertySuite(MemorySegment suite) {
    setPointer = Native.function(suite, 0);
    setString = Native.function(suite, 1);
    setDouble = Native.function(suite, 2);
    setInt = Native.function(suite, 3);
    getPointer = Native.function(suite, 8);
    getString = Native.function(suite, 9);
    getDouble = Native.function(suite, 10);
    getInt = Native.function(suite, 11);
    getDimension = Native.function(suite, 17);
  }
}
