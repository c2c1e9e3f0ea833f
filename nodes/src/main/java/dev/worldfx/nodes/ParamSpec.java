package dev.worldfx.nodes;

import java.util.List;
import java.util.Map;

/**
 * One parameter, declared once and used everywhere: OFX describe, CLI flags, graph files
 * and the panel. {@code name} is the stable script name; label and hint are for artists.
 */
public sealed interface ParamSpec {
  String name();

  String label();

  String hint();

  /** The default as text, the form CLI flags and graph files use. */
  String defaultText(NodeContext context);

  /** Parses and range-checks a value given as text; throws with a message naming the parameter. */
  Object parse(String text);

  record IntParam(String name, String label, String hint, int defaultValue, int min, int max) implements ParamSpec {
    public String defaultText(NodeContext context) {
      return Integer.toString(defaultValue);
    }

    public Object parse(String text) {
      int v;
      try {
        v = Integer.parseInt(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": '" + text + "' is not a whole number");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException(name + ": " + v + " is outside [" + min + ", " + max + "]");
      }
      return v;
    }
  }

  record DoubleParam(String name, String label, String hint, double defaultValue, double min, double max) implements ParamSpec {
    public String defaultText(NodeContext context) {
      return Double.toString(defaultValue);
    }

    public Object parse(String text) {
      double v;
      try {
        v = Double.parseDouble(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + ": '" + text + "' is not a number");
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(name + ": " + v + " is outside [" + min + ", " + max + "]");
      }
      return v;
    }
  }

  record BoolParam(String name, String label, String hint, boolean defaultValue) implements ParamSpec {
    public String defaultText(NodeContext context) {
      return Boolean.toString(defaultValue);
    }

    public Object parse(String text) {
      return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "1", "on", "yes" -> true;
        case "false", "0", "off", "no" -> false;
        default -> throw new IllegalArgumentException(name + ": '" + text + "' is not true or false");
      };
    }
  }

  /** A choice among labelled options; the default may differ per context (Inpaint's matte source). */
  record ChoiceParam(String name, String label, String hint, List<String> options, int defaultIndex,
                     Map<NodeContext, Integer> defaultByContext) implements ParamSpec {
    public int defaultIndex(NodeContext context) {
      return defaultByContext.getOrDefault(context, defaultIndex);
    }

    public String defaultText(NodeContext context) {
      return options.get(defaultIndex(context));
    }

    /** Accepts an option label (case-insensitive) or its index. */
    public Object parse(String text) {
      String t = text.trim();
      for (int i = 0; i < options.size(); i++) {
        if (options.get(i).equalsIgnoreCase(t)) {
          return i;
        }
      }
      try {
        int i = Integer.parseInt(t);
        if (i >= 0 && i < options.size()) {
          return i;
        }
      } catch (NumberFormatException ignored) {
        // fall through to the message listing the options
      }
      throw new IllegalArgumentException(name + ": '" + text + "' is not one of " + options);
    }
  }

  record StringParam(String name, String label, String hint, String defaultValue) implements ParamSpec {
    public String defaultText(NodeContext context) {
      return defaultValue;
    }

    public Object parse(String text) {
      return text;
    }
  }
}
