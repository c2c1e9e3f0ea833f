package dev.worldfx.ofx.raw;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The raw FFM layer: one downcall handle per C signature, the suite function pointer as
 * first argument, created lazily (each costs milliseconds at boot). Method names spell
 * the C signature: return type, then arguments; P pointer, I int, D double, J size_t.
 * Nothing here interprets a status; the typed layer does.
 */
public final class Native {
  private Native() {}

  static final Linker LINKER = Linker.nativeLinker();

  private static MethodHandle down(FunctionDescriptor fd, Linker.Option... options) {
    return LINKER.downcallHandle(fd, options);
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  private static final class Ip { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS)); }
  private static final class Ipp { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)); }
  private static final class Ippp { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS)); }
  private static final class Ipppp { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS)); }
  private static final class Ippip { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)); }
  private static final class Ippid { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_DOUBLE)); }
  private static final class Ippii { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)); }
  private static final class Ipdpp { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE, ADDRESS, ADDRESS)); }
  private static final class Ipjp { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS)); }
  private static final class Ipd { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE)); }
  private static final class Ipip { static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)); }
  private static final class Ppi { static final MethodHandle MH = down(FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, JAVA_INT)); }
  /** paramGetValueAtTime(handle, time, T* out): the out pointer is the first variadic argument. */
  private static final class IpdVarP {
    static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_DOUBLE, ADDRESS), Linker.Option.firstVariadicArg(2));
  }
  /** paramSetValue(handle, ...) with one char* (a String parameter's value). */
  private static final class IpVarP {
    static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), Linker.Option.firstVariadicArg(1));
  }
  /** message(handle, type, id, format, ...) with one char* after the format. */
  private static final class IppppVarP {
    static final MethodHandle MH = down(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS),
        Linker.Option.firstVariadicArg(4));
  }

  public static int iP(MemorySegment fn, MemorySegment a) {
    try {
      return (int) Ip.MH.invokeExact(fn, a);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPP(MemorySegment fn, MemorySegment a, MemorySegment b) {
    try {
      return (int) Ipp.MH.invokeExact(fn, a, b);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPP(MemorySegment fn, MemorySegment a, MemorySegment b, MemorySegment c) {
    try {
      return (int) Ippp.MH.invokeExact(fn, a, b, c);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPPP(MemorySegment fn, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d) {
    try {
      return (int) Ipppp.MH.invokeExact(fn, a, b, c, d);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPIP(MemorySegment fn, MemorySegment a, MemorySegment b, int c, MemorySegment d) {
    try {
      return (int) Ippip.MH.invokeExact(fn, a, b, c, d);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPID(MemorySegment fn, MemorySegment a, MemorySegment b, int c, double d) {
    try {
      return (int) Ippid.MH.invokeExact(fn, a, b, c, d);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPII(MemorySegment fn, MemorySegment a, MemorySegment b, int c, int d) {
    try {
      return (int) Ippii.MH.invokeExact(fn, a, b, c, d);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPDPP(MemorySegment fn, MemorySegment a, double b, MemorySegment c, MemorySegment d) {
    try {
      return (int) Ipdpp.MH.invokeExact(fn, a, b, c, d);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPJP(MemorySegment fn, MemorySegment a, long b, MemorySegment c) {
    try {
      return (int) Ipjp.MH.invokeExact(fn, a, b, c);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPD(MemorySegment fn, MemorySegment a, double b) {
    try {
      return (int) Ipd.MH.invokeExact(fn, a, b);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPIP(MemorySegment fn, MemorySegment a, int b, MemorySegment c) {
    try {
      return (int) Ipip.MH.invokeExact(fn, a, b, c);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static MemorySegment pPPI(MemorySegment fn, MemorySegment a, MemorySegment b, int c) {
    try {
      return (MemorySegment) Ppi.MH.invokeExact(fn, a, b, c);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPDvarP(MemorySegment fn, MemorySegment a, double b, MemorySegment out) {
    try {
      return (int) IpdVarP.MH.invokeExact(fn, a, b, out);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPvarP(MemorySegment fn, MemorySegment a, MemorySegment b) {
    try {
      return (int) IpVarP.MH.invokeExact(fn, a, b);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int iPPPPvarP(MemorySegment fn, MemorySegment a, MemorySegment b, MemorySegment c, MemorySegment d,
                              MemorySegment e) {
    try {
      return (int) IppppVarP.MH.invokeExact(fn, a, b, c, d, e);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // --- strings -------------------------------------------------------------------------

  private static final ConcurrentHashMap<String, MemorySegment> NAMES = new ConcurrentHashMap<>();
  private static final Arena NAME_ARENA = Arena.ofAuto();

  /**
   * A C string for a name from a bounded set (property, action, clip and parameter names,
   * labels and hints): allocated once and kept, so hot paths do not allocate.
   */
  public static MemorySegment name(String s) {
    return NAMES.computeIfAbsent(s, k -> {
      synchronized (NAME_ARENA) {
        return NAME_ARENA.allocateFrom(k);
      }
    });
  }

  /** Reads a NUL-terminated UTF-8 string at a C pointer; null for NULL. */
  public static String string(MemorySegment p) {
    if (p == null || p.equals(MemorySegment.NULL)) {
      return null;
    }
    return p.reinterpret(Integer.MAX_VALUE).getString(0);
  }

  /** The i-th function pointer of a suite struct. */
  public static MemorySegment function(MemorySegment suite, int index) {
    return suite.reinterpret((index + 1L) * ADDRESS.byteSize()).getAtIndex(ADDRESS, index);
  }
}
