package dev.worldfx.nodes;

import java.util.List;
import java.util.Map;

/**
 * One parameter, declared once and used everywhere: OFX describe, CLI flags, graph files
 * and the panel. {@code name} is the stable script name; label and hint are for artists;
 * {@code group} places it on the host's pages. A declaration that breaks its own rules
 * (blank label or hint, default outside the range) fails when the class loads, so every
 * test sees it.
 */
public sealed interface ParamSpec {
  String name();

  String label();

  String hint();

  ParamGroup group();

  /** The default as text, the form CLI flags and graph files use. */
  String defaultText(NodeContext context);

  /** Parses and range-checks a value given as text; throws with a message naming the parameter. */
  Object parse(String text);

  /**
   * An integer; a slider over [displayMin, displayMax] (a useful part of the range), typing
   * reaches [min, max].
   */
  record IntParam(String name, String label, String hint, ParamGroup group, int defaultValue, int min, int max,
                  int displayMin, int displayMax) implements ParamSpec {
    public IntParam {
      checkText(name, label, hint, group);
      checkRange(name, defaultValue, min, max, displayMin, displayMax);
    }

    /** The slider spans the whole range. */
    public IntParam(String name, String label, String hint, ParamGroup group, int defaultValue, int min, int max) {
      this(name, label, hint, group, defaultValue, min, max, min, max);
    }

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

  /** A real number; the slider spans [displayMin, displayMax], typing reaches [min, max]. */
  record DoubleParam(String name, String label, String hint, ParamGroup group, double defaultValue, double min,
                     double max, double displayMin, double displayMax) implements ParamSpec {
    public DoubleParam {
      checkText(name, label, hint, group);
      checkRange(name, defaultValue, min, max, displayMin, displayMax);
    }

    /** The slider spans the whole range. */
    public DoubleParam(String name, String label, String hint, ParamGroup group, double defaultValue, double min,
                       double max) {
      this(name, label, hint, group, defaultValue, min, max, min, max);
    }

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

  record BoolParam(String name, String label, String hint, ParamGroup group, boolean defaultValue) implements ParamSpec {
    public BoolParam {
      checkText(name, label, hint, group);
    }

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
  record ChoiceParam(String name, String label, String hint, ParamGroup group, List<String> options, int defaultIndex,
                     Map<NodeContext, Integer> defaultByContext) implements ParamSpec {
    public ChoiceParam {
      checkText(name, label, hint, group);
      options = List.copyOf(options);
      defaultByContext = Map.copyOf(defaultByContext);
      java.util.Set<Integer> defaults = new java.util.HashSet<>(defaultByContext.values());
      defaults.add(defaultIndex);
      for (int i : defaults) {
        if (i < 0 || i >= options.size()) {
          throw new IllegalArgumentException(name + ": default option " + i + " is not one of " + options);
        }
      }
    }

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

  /** Text; {@code kind} says whether it names a file, so hosts can offer a file browser (open or save). */
  record StringParam(String name, String label, String hint, ParamGroup group, String defaultValue,
                     StringKind kind) implements ParamSpec {
    public StringParam {
      checkText(name, label, hint, group);
      java.util.Objects.requireNonNull(kind, "kind");
    }

    /** Plain text. */
    public StringParam(String name, String label, String hint, ParamGroup group, String defaultValue) {
      this(name, label, hint, group, defaultValue, StringKind.TEXT);
    }

    public String defaultText(NodeContext context) {
      return defaultValue;
    }

    public Object parse(String text) {
      return text;
    }
  }

  /** What a string parameter holds: text, a file the node reads (it must exist), or a file the node writes. */
  enum StringKind {
    TEXT,
    FILE_TO_READ,
    FILE_TO_WRITE
  }

  /** min <= default <= max and min <= displayMin < displayMax <= max (ints are exact as doubles); NaN fails. */
  private static void checkRange(String name, double defaultValue, double min, double max, double displayMin,
                                 double displayMax) {
    if (!(min <= defaultValue && defaultValue <= max && min <= displayMin && displayMin < displayMax
        && displayMax <= max)) {
      throw new IllegalArgumentException(name + ": default " + defaultValue + " or display range [" + displayMin
          + ", " + displayMax + "] is outside [" + min + ", " + max + "]");
    }
  }

  /** Artists see label and hint; STATUS holds only read-only status, never a setting. */
  private static void checkText(String name, String label, String hint, ParamGroup group) {
    if (name == null || name.isBlank() || label == null || label.isBlank() || hint == null || hint.isBlank()) {
      throw new IllegalArgumentException("parameter '" + name + "' needs a name, a label and a hint");
    }
    if (group == null || group == ParamGroup.STATUS) {
      throw new IllegalArgumentException(name + ": a parameter belongs to a group among Matte, Quality, Temporal, "
          + "Output, Advanced (got " + group + ")");
    }
  }
}
