package dev.worldfx.inference.cuda;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter types of every {@code extern "C" __global__} kernel in the NVRTC source, read from the source itself,
 * so a launch whose Java arguments do not match (an int where the kernel takes a long long) fails with a message
 * instead of reading garbage on the device.
 */
final class KernelSignatures {
  /** What one kernel parameter needs from Java. */
  enum Kind { POINTER, LONG, INT, FLOAT, DOUBLE }

  private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

  private KernelSignatures() {}

  static Map<String, List<Kind>> parse(String source) {
    Map<String, List<Kind>> out = new LinkedHashMap<>();
    Matcher m = KERNEL.matcher(source);
    while (m.find()) {
      List<Kind> kinds = new ArrayList<>();
      for (String param : m.group(2).replaceAll("\\s+", " ").split(",")) {
        kinds.add(kindOf(m.group(1), param.trim()));
      }
      out.put(m.group(1), List.copyOf(kinds));
    }
    return out;
  }

  private static Kind kindOf(String kernel, String param) {
    if (param.contains("*")) {
      return Kind.POINTER;
    }
    if (param.startsWith("long long ")) {
      return Kind.LONG;
    }
    if (param.startsWith("int ")) {
      return Kind.INT;
    }
    if (param.startsWith("float ")) {
      return Kind.FLOAT;
    }
    if (param.startsWith("double ")) {
      return Kind.DOUBLE;
    }
    throw new IllegalStateException("kernel " + kernel + ": parameter '" + param + "' has a type the launcher cannot pass");
  }

  /** Throws unless {@code args} fit {@code kinds}: device pointers and long longs as Long, int, float, double. */
  static void check(String kernel, List<Kind> kinds, Object[] args) {
    if (kinds == null) {
      throw new IllegalStateException("no kernel " + kernel + " in the NVRTC source");
    }
    if (kinds.size() != args.length) {
      throw new IllegalStateException("kernel " + kernel + " takes " + kinds.size() + " arguments, given " + args.length);
    }
    for (int i = 0; i < args.length; i++) {
      boolean ok = switch (kinds.get(i)) {
        case POINTER, LONG -> args[i] instanceof Long;
        case INT -> args[i] instanceof Integer;
        case FLOAT -> args[i] instanceof Float;
        case DOUBLE -> args[i] instanceof Double;
      };
      if (!ok) {
        throw new IllegalStateException("kernel " + kernel + " argument " + i + " must be " + kinds.get(i) + ", given "
            + (args[i] == null ? "null" : args[i].getClass().getSimpleName()));
      }
    }
  }
}
