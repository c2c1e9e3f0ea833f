package dev.worldfx.ofx;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;

/** Declares a {@link ParamSpec} to the host: the same names, labels, hints and ranges the CLI uses. */
final class OfxParamDeclaration {
  /** Sliders stay usable for wide ranges (seeds); typing still reaches the full range. */
  private static final int DISPLAY_MAX_INT = 1000;

  private OfxParamDeclaration() {}

  static void define(ParamSuite params, MemorySegment paramSet, ParamSpec spec, NodeContext context) {
    PropertySet p = switch (spec) {
      case ParamSpec.IntParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_INTEGER, s.name());
        q.setInt(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue());
        q.setInt(Ofx.PARAM_PROP_MIN, 0, s.min());
        q.setInt(Ofx.PARAM_PROP_MAX, 0, s.max());
        q.setInt(Ofx.PARAM_PROP_DISPLAY_MIN, 0, s.min());
        q.setInt(Ofx.PARAM_PROP_DISPLAY_MAX, 0, Math.min(s.max(), DISPLAY_MAX_INT));
        yield q;
      }
      case ParamSpec.DoubleParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_DOUBLE, s.name());
        q.setDouble(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue());
        q.setDouble(Ofx.PARAM_PROP_MIN, 0, s.min());
        q.setDouble(Ofx.PARAM_PROP_MAX, 0, s.max());
        q.setDouble(Ofx.PARAM_PROP_DISPLAY_MIN, 0, s.min());
        q.setDouble(Ofx.PARAM_PROP_DISPLAY_MAX, 0, s.max());
        yield q;
      }
      case ParamSpec.BoolParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_BOOLEAN, s.name());
        q.setInt(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue() ? 1 : 0);
        yield q;
      }
      case ParamSpec.ChoiceParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_CHOICE, s.name());
        q.setStrings(Ofx.PARAM_PROP_CHOICE_OPTION, s.options());
        q.setInt(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultIndex(context));
        q.setInt(Ofx.PARAM_PROP_ANIMATES, 0, 0);
        yield q;
      }
      case ParamSpec.StringParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_STRING, s.name());
        q.setString(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue());
        q.setString(Ofx.PARAM_PROP_STRING_MODE, 0, Ofx.PARAM_STRING_IS_SINGLE_LINE);
        q.setInt(Ofx.PARAM_PROP_ANIMATES, 0, 0);
        yield q;
      }
    };
    p.setString(Ofx.PROP_LABEL, 0, spec.label());
    p.setString(Ofx.PARAM_PROP_HINT, 0, spec.hint());
    p.setString(Ofx.PARAM_PROP_SCRIPT_NAME, 0, spec.name());
  }
}
