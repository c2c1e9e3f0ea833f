package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** OfxImageEffectSuiteV1, typed. */
final class ImageEffectSuite {
  private final MemorySegment getPropertySet, getParamSet, clipDefine, clipGetHandle, clipGetPropertySet;
  private final MemorySegment clipGetImage, clipReleaseImage, abort;
  private final PropertySuite props;

  ImageEffectSuite(MemorySegment suite, PropertySuite props) {
    this.props = props;
    getPropertySet = Native.function(suite, 0);
    getParamSet = Native.function(suite, 1);
    clipDefine = Native.function(suite, 2);
    clipGetHandle = Native.function(suite, 3);
    clipGetPropertySet = Native.function(suite, 4);
    clipGetImage = Native.function(suite, 5);
    clipReleaseImage = Native.function(suite, 6);
    abort = Native.function(suite, 8);
  }

  PropertySet effectProperties(MemorySegment effect) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPP(getPropertySet, effect, out), "getPropertySet");
    return new PropertySet(out.get(ValueLayout.ADDRESS, 0), props);
  }

  MemorySegment paramSet(MemorySegment effect) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPP(getParamSet, effect, out), "getParamSet");
    return out.get(ValueLayout.ADDRESS, 0);
  }

  PropertySet defineClip(MemorySegment effect, String name) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPPP(clipDefine, effect, Native.name(name), out), "clipDefine " + name);
    return new PropertySet(out.get(ValueLayout.ADDRESS, 0), props);
  }

  /** The clip's handle, or NULL when the host has no such clip (MLT answers OK with NULL). */
  MemorySegment clip(MemorySegment effect, String name) {
    MemorySegment out = Scratch.get();
    out.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
    int st = Native.iPPPP(clipGetHandle, effect, Native.name(name), out, MemorySegment.NULL);
    return st == Ofx.STAT_OK ? out.get(ValueLayout.ADDRESS, 0) : MemorySegment.NULL;
  }

  PropertySet clipProperties(MemorySegment clip) {
    MemorySegment out = Scratch.get();
    OfxStatusException.check(Native.iPP(clipGetPropertySet, clip, out), "clipGetPropertySet");
    return new PropertySet(out.get(ValueLayout.ADDRESS, 0), props);
  }

  /** The image's property set, or NULL when the host has no image at that time. */
  MemorySegment image(MemorySegment clip, double time) {
    MemorySegment out = Scratch.get();
    out.set(ValueLayout.ADDRESS, 0, MemorySegment.NULL);
    int st = Native.iPDPP(clipGetImage, clip, time, MemorySegment.NULL, out);
    return st == Ofx.STAT_OK ? out.get(ValueLayout.ADDRESS, 0) : MemorySegment.NULL;
  }

  PropertySet wrap(MemorySegment propertySet) {
    return new PropertySet(propertySet, props);
  }

  void release(MemorySegment image) {
    Native.iP(clipReleaseImage, image);
  }

  boolean aborted(MemorySegment effect) {
    return Native.iP(abort, effect) != 0;
  }
}
