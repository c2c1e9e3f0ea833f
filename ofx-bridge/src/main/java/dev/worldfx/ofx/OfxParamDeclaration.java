package dev.worldfx.ofx;

import dev.worldfx.nodes.NodeContext;
import dev.worldfx.nodes.NodeDescriptor;
import dev.worldfx.nodes.ParamGroup;
import dev.worldfx.nodes.ParamSpec;
import dev.worldfx.nodes.StatusField;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Declares a node's parameters to the host from its {@link NodeDescriptor}: the same names,
 * labels, hints and ranges the CLI uses, each inside its group, groups on pages (tabs in Nuke
 * and Resolve; hosts without pages show the groups), then the read-only status and the buttons.
 */
final class OfxParamDeclaration {
  static final String OPEN_WEB_PANEL = "openWebPanel";
  static final String REFRESH_STATUS = "refreshStatus";

  private OfxParamDeclaration() {}

  static void defineAll(ParamSuite params, MemorySegment paramSet, NodeDescriptor d, NodeContext context) {
    // Children in their group, in order; groups in enum order. Only groups with children are declared.
    Map<ParamGroup, List<String>> children = new LinkedHashMap<>();
    for (ParamGroup g : ParamGroup.values()) {
      List<String> names = new ArrayList<>();
      d.paramsIn(g).forEach(p -> names.add(p.name()));
      if (g == ParamGroup.STATUS) {
        d.status().forEach(f -> names.add(f.scriptName()));
        if (!d.status().isEmpty()) {
          names.add(REFRESH_STATUS);
        }
        names.add(OPEN_WEB_PANEL);
      }
      if (!names.isEmpty()) {
        children.put(g, names);
      }
    }
    // Groups first: hosts look a child's parent up when the child is defined.
    Set<ParamGroup> defined = EnumSet.noneOf(ParamGroup.class);
    for (ParamGroup g : children.keySet()) {
      PropertySet q = params.tryDefine(paramSet, Ofx.PARAM_TYPE_GROUP, g.scriptName());
      if (q != null) {
        describe(q, g.scriptName(), g.label(), g.hint());
        q.trySetInt(Ofx.PARAM_PROP_GROUP_OPEN, g.open() ? 1 : 0);
        defined.add(g);
      }
    }
    for (ParamSpec spec : d.params()) {
      PropertySet p = define(params, paramSet, spec, context);
      if (defined.contains(spec.group())) {
        p.setString(Ofx.PARAM_PROP_PARENT, 0, spec.group().scriptName());
      }
    }
    boolean statusGroup = defined.contains(ParamGroup.STATUS);
    for (StatusField f : d.status()) {
      defineStatus(params, paramSet, f, statusGroup);
    }
    Set<String> refused = new java.util.HashSet<>();
    if (!d.status().isEmpty()) {
      button(params, paramSet, refused, REFRESH_STATUS, "Refresh status",
          "Shows what the node did in its last render (hosts do not let a plugin change its parameters while it "
              + "renders).", statusGroup);
    }
    button(params, paramSet, refused, OPEN_WEB_PANEL, "Open web panel",
        "Opens WorldFX's local web panel in your browser: running and finished solves, previews, training and "
            + "back-test plots. It listens on this computer only.", statusGroup);
    for (ParamGroup.Page page : ParamGroup.Page.values()) {
      List<String> onPage = new ArrayList<>();
      children.forEach((g, names) -> {
        if (g.page() == page) {
          if (defined.contains(g)) {
            onPage.add(g.scriptName());
          }
          names.stream().filter(n -> !refused.contains(n)).forEach(onPage::add);
        }
      });
      PropertySet q = onPage.isEmpty() ? null : params.tryDefine(paramSet, Ofx.PARAM_TYPE_PAGE, page.scriptName());
      if (q != null) {
        q.setString(Ofx.PROP_LABEL, 0, page.label());
        q.setStrings(Ofx.PARAM_PROP_PAGE_CHILD, onPage);
      }
    }
  }

  private static PropertySet define(ParamSuite params, MemorySegment paramSet, ParamSpec spec, NodeContext context) {
    PropertySet p = switch (spec) {
      case ParamSpec.IntParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_INTEGER, s.name());
        q.setInt(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue());
        q.setInt(Ofx.PARAM_PROP_MIN, 0, s.min());
        q.setInt(Ofx.PARAM_PROP_MAX, 0, s.max());
        q.setInt(Ofx.PARAM_PROP_DISPLAY_MIN, 0, s.displayMin());
        q.setInt(Ofx.PARAM_PROP_DISPLAY_MAX, 0, s.displayMax());
        yield q;
      }
      case ParamSpec.DoubleParam s -> {
        PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_DOUBLE, s.name());
        q.setDouble(Ofx.PARAM_PROP_DEFAULT, 0, s.defaultValue());
        q.setDouble(Ofx.PARAM_PROP_MIN, 0, s.min());
        q.setDouble(Ofx.PARAM_PROP_MAX, 0, s.max());
        q.setDouble(Ofx.PARAM_PROP_DISPLAY_MIN, 0, s.displayMin());
        q.setDouble(Ofx.PARAM_PROP_DISPLAY_MAX, 0, s.displayMax());
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
        if (s.kind() == ParamSpec.StringKind.TEXT) {
          q.setString(Ofx.PARAM_PROP_STRING_MODE, 0, Ofx.PARAM_STRING_IS_SINGLE_LINE);
        } else {
          // a file browser: an Open dialog for a file the node reads, a Save dialog for one it writes
          q.setString(Ofx.PARAM_PROP_STRING_MODE, 0, Ofx.PARAM_STRING_IS_FILE_PATH);
          q.trySetInt(Ofx.PARAM_PROP_STRING_FILE_PATH_EXISTS, s.kind() == ParamSpec.StringKind.FILE_TO_READ ? 1 : 0);
        }
        q.setInt(Ofx.PARAM_PROP_ANIMATES, 0, 0);
        yield q;
      }
    };
    describe(p, spec.name(), spec.label(), spec.hint());
    return p;
  }

  /**
   * A status line: text the artist cannot edit (label mode, and disabled for hosts that show
   * label strings as fields), not saved with the project, and never a reason to re-render.
   */
  private static void defineStatus(ParamSuite params, MemorySegment paramSet, StatusField f, boolean inGroup) {
    PropertySet q = params.define(paramSet, Ofx.PARAM_TYPE_STRING, f.scriptName());
    describe(q, f.scriptName(), f.label(), f.hint());
    q.setString(Ofx.PARAM_PROP_DEFAULT, 0, f.initial());
    q.setString(Ofx.PARAM_PROP_STRING_MODE, 0, Ofx.PARAM_STRING_IS_LABEL);
    q.setInt(Ofx.PARAM_PROP_ANIMATES, 0, 0);
    q.setInt(Ofx.PARAM_PROP_ENABLED, 0, 0);
    q.setInt(Ofx.PARAM_PROP_EVALUATE_ON_CHANGE, 0, 0);
    q.setInt(Ofx.PARAM_PROP_PERSISTANT, 0, 0);
    q.trySetInt(Ofx.PARAM_PROP_CAN_UNDO, 0);
    if (inGroup) {
      q.setString(Ofx.PARAM_PROP_PARENT, 0, ParamGroup.STATUS.scriptName());
    }
  }

  /** A push button: pressing it sends instance-changed and never re-renders. Left out where the host has none. */
  private static void button(ParamSuite params, MemorySegment paramSet, Set<String> refused, String name, String label,
                             String hint, boolean inGroup) {
    PropertySet q = params.tryDefine(paramSet, Ofx.PARAM_TYPE_PUSH_BUTTON, name);
    if (q == null) {
      refused.add(name);
      return;
    }
    describe(q, name, label, hint);
    q.setInt(Ofx.PARAM_PROP_EVALUATE_ON_CHANGE, 0, 0);
    if (inGroup) {
      q.setString(Ofx.PARAM_PROP_PARENT, 0, ParamGroup.STATUS.scriptName());
    }
  }

  private static void describe(PropertySet p, String name, String label, String hint) {
    p.setString(Ofx.PROP_LABEL, 0, label);
    p.setString(Ofx.PARAM_PROP_HINT, 0, hint);
    p.setString(Ofx.PARAM_PROP_SCRIPT_NAME, 0, name);
  }
}
