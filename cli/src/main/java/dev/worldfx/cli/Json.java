package dev.worldfx.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The JSON the CLI writes (reports, {@code --json} events): maps, lists, strings, numbers,
 * booleans and null, written as {@code {"key": value, ...}}. A report is written with one
 * top-level key per line ({@link #pretty}), an event on one line ({@link #line}).
 */
final class Json {
  private Json() {}

  /** A number written with a fixed count of decimals, e.g. seconds to the microsecond. */
  record Fixed(double value, int decimals) {
  }

  /** An object with its keys in the order given: {@code object("first", 1, "last", 4)}. */
  static Map<String, Object> object(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static Fixed fixed(double value, int decimals) {
    return new Fixed(value, decimals);
  }

  /** The whole value on one line, for a JSON-lines stream. */
  static String line(Object value) {
    StringBuilder s = new StringBuilder();
    write(s, value);
    return s.toString();
  }

  /** A map with one key per line (values inline), for a report file. */
  static String pretty(Map<String, ?> object) {
    StringBuilder s = new StringBuilder("{\n");
    Iterator<? extends Map.Entry<String, ?>> it = object.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, ?> e = it.next();
      s.append("  ").append(quote(e.getKey())).append(": ");
      write(s, e.getValue());
      s.append(it.hasNext() ? ",\n" : "\n");
    }
    return s.append("}\n").toString();
  }

  private static void write(StringBuilder s, Object value) {
    switch (value) {
      case null -> s.append("null");
      case String text -> s.append(quote(text));
      case Boolean b -> s.append(b);
      case Integer i -> s.append(i);
      case Long l -> s.append(l);
      case Fixed f -> s.append(Double.isFinite(f.value())
          ? String.format(Locale.ROOT, "%." + f.decimals() + "f", f.value()) : "null");
      case Number n -> s.append(Double.isFinite(n.doubleValue()) ? Double.toString(n.doubleValue()) : "null");
      case Map<?, ?> m -> {
        s.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
          s.append(first ? "" : ", ").append(quote(String.valueOf(e.getKey()))).append(": ");
          write(s, e.getValue());
          first = false;
        }
        s.append('}');
      }
      case List<?> list -> {
        s.append('[');
        for (int i = 0; i < list.size(); i++) {
          s.append(i == 0 ? "" : ", ");
          write(s, list.get(i));
        }
        s.append(']');
      }
      default -> s.append(quote(value.toString()));
    }
  }

  static String quote(String text) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        default -> s.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return s.append('"').toString();
  }
}
