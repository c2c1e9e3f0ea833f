package dev.worldfx.ui;

/**
 * Builds JSON text for the panel's API: objects and arrays with commas placed for the caller.
 * Non-finite numbers become null (JSON has no NaN).
 */
final class JsonText {
  private final StringBuilder out = new StringBuilder();
  private boolean needComma;

  JsonText beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  JsonText endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  JsonText beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  JsonText endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  JsonText key(String name) {
    comma();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  JsonText value(String s) {
    comma();
    if (s == null) {
      out.append("null");
    } else {
      quote(s);
    }
    needComma = true;
    return this;
  }

  JsonText value(double d) {
    comma();
    out.append(Double.isFinite(d) ? (d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d))
        : "null");
    needComma = true;
    return this;
  }

  JsonText value(boolean b) {
    comma();
    out.append(b);
    needComma = true;
    return this;
  }

  JsonText field(String name, String s) {
    return key(name).value(s);
  }

  JsonText field(String name, double d) {
    return key(name).value(d);
  }

  JsonText field(String name, boolean b) {
    return key(name).value(b);
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        // < and > escaped so that JSON never forms markup wherever it ends up
        case '<' -> out.append("\\u003c");
        case '>' -> out.append("\\u003e");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
