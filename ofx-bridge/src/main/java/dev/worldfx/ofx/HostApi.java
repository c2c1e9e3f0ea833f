package dev.worldfx.ofx;

import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The suites one host gave us (OfxHost: {host property set; fetchSuite}). Property,
 * image-effect and parameter suites are required; the others are used when present.
 */
final class HostApi {
  final PropertySuite properties;
  final ImageEffectSuite effects;
  final ParamSuite params;
  final MessageSuite messages; // may be null
  final ProgressSuite progress; // may be null
  final MemorySuite memory; // may be null
  final ThreadSuite threads; // may be null
  final HostProfile profile;

  private HostApi(MemorySegment ofxHost) {
    MemorySegment host = ofxHost.reinterpret(2 * ValueLayout.ADDRESS.byteSize());
    MemorySegment hostProps = host.get(ValueLayout.ADDRESS, 0);
    MemorySegment fetch = host.get(ValueLayout.ADDRESS, ValueLayout.ADDRESS.byteSize());
    if (fetch.equals(MemorySegment.NULL)) {
      throw new OfxStatusException(Ofx.STAT_ERR_MISSING_HOST_FEATURE, "host gave no fetchSuite function");
    }
    properties = new PropertySuite(required(fetch, hostProps, Ofx.PROPERTY_SUITE, 1));
    effects = new ImageEffectSuite(required(fetch, hostProps, Ofx.IMAGE_EFFECT_SUITE, 1), properties);
    params = new ParamSuite(required(fetch, hostProps, Ofx.PARAMETER_SUITE, 1), properties);
    MemorySegment m2 = optional(fetch, hostProps, Ofx.MESSAGE_SUITE, 2);
    MemorySegment m1 = optional(fetch, hostProps, Ofx.MESSAGE_SUITE, 1);
    messages = m2.equals(MemorySegment.NULL) && m1.equals(MemorySegment.NULL) ? null : new MessageSuite(m2, m1);
    MemorySegment p2 = optional(fetch, hostProps, Ofx.PROGRESS_SUITE, 2);
    MemorySegment p1 = optional(fetch, hostProps, Ofx.PROGRESS_SUITE, 1);
    progress = p2.equals(MemorySegment.NULL) && p1.equals(MemorySegment.NULL) ? null : new ProgressSuite(p2, p1);
    MemorySegment mem = optional(fetch, hostProps, Ofx.MEMORY_SUITE, 1);
    memory = mem.equals(MemorySegment.NULL) ? null : new MemorySuite(mem);
    MemorySegment mt = optional(fetch, hostProps, Ofx.MULTI_THREAD_SUITE, 1);
    threads = mt.equals(MemorySegment.NULL) ? null : new ThreadSuite(mt);
    profile = hostProps.equals(MemorySegment.NULL)
        ? HostProfile.UNKNOWN
        : HostProfile.read(new PropertySet(hostProps, properties));
  }

  static HostApi fetch(MemorySegment ofxHost) {
    if (ofxHost == null || ofxHost.equals(MemorySegment.NULL)) {
      throw new OfxStatusException(Ofx.STAT_ERR_BAD_HANDLE, "setHost was given NULL");
    }
    return new HostApi(ofxHost);
  }

  private static MemorySegment optional(MemorySegment fetch, MemorySegment hostProps, String suite, int version) {
    return Native.pPPI(fetch, hostProps, Native.name(suite), version);
  }

  private static MemorySegment required(MemorySegment fetch, MemorySegment hostProps, String suite, int version) {
    MemorySegment s = optional(fetch, hostProps, suite, version);
    if (s.equals(MemorySegment.NULL)) {
      throw new OfxStatusException(Ofx.STAT_ERR_MISSING_HOST_FEATURE, "host lacks " + suite + " V" + version);
    }
    return s;
  }
}
