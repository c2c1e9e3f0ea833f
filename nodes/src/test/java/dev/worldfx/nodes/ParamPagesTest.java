package dev.worldfx.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.multibindings.OptionalBinder;
import dev.worldfx.nodes.ParamSpec.BoolParam;
import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.DoubleParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import dev.worldfx.nodes.ParamSpec.StringParam;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parameter pages every host shows: groups, hints, ranges, status fields and the panel link. */
class ParamPagesTest {
  private static final NodeRegistry REGISTRY = Guice.createInjector(new NodesModule()).getInstance(NodeRegistry.class);
  private static final Set<ParamGroup> SETTING_GROUPS =
      EnumSet.of(ParamGroup.MATTE, ParamGroup.QUALITY, ParamGroup.TEMPORAL, ParamGroup.OUTPUT, ParamGroup.ADVANCED);

  @Test
  void everyParameterIsInASettingGroupWithAHintAndADefaultInsideItsRanges() {
    int checked = 0;
    for (Node node : REGISTRY.all()) {
      NodeDescriptor d = node.descriptor();
      for (ParamSpec p : d.params()) {
        String at = d.id() + "." + p.name();
        assertTrue(SETTING_GROUPS.contains(p.group()), at + " is in " + p.group());
        assertFalse(p.hint().isBlank(), at + " hint");
        assertNotEquals(p.name(), p.label(), at + ": the label is for artists, not the script name");
        switch (p) {
          case IntParam i -> {
            assertTrue(i.min() <= i.defaultValue() && i.defaultValue() <= i.max(), at + " default");
            assertTrue(i.min() <= i.displayMin() && i.displayMin() < i.displayMax() && i.displayMax() <= i.max(), at);
            assertTrue(i.defaultValue() <= i.displayMax(), at + ": the default is off the slider");
            assertTrue((long) i.displayMax() - i.displayMin() <= 100_000, at + ": a slider that wide is unusable");
          }
          case DoubleParam x -> {
            assertTrue(x.min() <= x.defaultValue() && x.defaultValue() <= x.max(), at + " default");
            assertTrue(x.min() <= x.displayMin() && x.displayMin() < x.displayMax() && x.displayMax() <= x.max(), at);
            assertTrue(x.defaultValue() <= x.displayMax(), at + ": the default is off the slider");
          }
          case ChoiceParam c -> {
            for (NodeContext context : d.contexts()) {
              int i = c.defaultIndex(context);
              assertTrue(i >= 0 && i < c.options().size(), at + " default in " + context);
            }
          }
          case BoolParam b -> { }
          case StringParam s -> { }
        }
        checked++;
      }
    }
    assertTrue(checked >= 16, "every parameter of the three nodes was looked at: " + checked);
  }

  @Test
  void eachNodeUsesTheGroupsThatApplyToIt() {
    assertEquals(EnumSet.of(ParamGroup.MATTE, ParamGroup.QUALITY, ParamGroup.TEMPORAL, ParamGroup.OUTPUT, ParamGroup.ADVANCED),
        groups("dev.worldfx.Inpaint"));
    assertEquals(EnumSet.of(ParamGroup.QUALITY, ParamGroup.TEMPORAL, ParamGroup.OUTPUT, ParamGroup.ADVANCED),
        groups("dev.worldfx.ExtendShot"));
    assertEquals(EnumSet.of(ParamGroup.TEMPORAL, ParamGroup.OUTPUT), groups("dev.worldfx.Generate"));
    NodeDescriptor inpaint = REGISTRY.byId("dev.worldfx.Inpaint").descriptor();
    assertEquals(List.of("matteSource", "dilate", "feather"),
        inpaint.paramsIn(ParamGroup.MATTE).stream().map(ParamSpec::name).toList());
    assertEquals(ParamGroup.Page.ADVANCED, ParamGroup.ADVANCED.page());
    assertFalse(ParamGroup.ADVANCED.open(), "Advanced starts folded");
    for (ParamGroup g : ParamGroup.values()) {
      assertFalse(g.hint().isBlank(), g + " hint");
      if (g != ParamGroup.ADVANCED) {
        assertEquals(ParamGroup.Page.CONTROLS, g.page(), g + " page");
        assertTrue(g.open(), g + " starts open");
      }
    }
  }

  @Test
  void eachNodeReportsTheStatusThatAppliesToIt() {
    assertEquals(List.of(StatusField.SOLVE, StatusField.BACKEND, StatusField.CACHE_HIT),
        REGISTRY.byId("dev.worldfx.Inpaint").descriptor().status());
    assertEquals(List.of(StatusField.SOLVE, StatusField.SAFE_LENGTH, StatusField.BACKEND, StatusField.CACHE_HIT,
        StatusField.SHOT_MODEL), REGISTRY.byId("dev.worldfx.ExtendShot").descriptor().status());
    assertEquals(List.of(), REGISTRY.byId("dev.worldfx.Generate").descriptor().status(), "Generate reports no status lines");
    for (StatusField f : StatusField.values()) {
      assertFalse(f.hint().isBlank() || f.label().isBlank() || f.initial().isBlank(), f.toString());
    }
  }

  /** Groups, pages, status fields and parameters share the host's one namespace of parameter names. */
  @Test
  void groupPageAndStatusNamesNeverCollideWithAParameter() {
    for (Node node : REGISTRY.all()) {
      Set<String> names = new HashSet<>();
      node.descriptor().params().forEach(p -> assertTrue(names.add(p.name()), p.name()));
      for (ParamGroup g : ParamGroup.values()) {
        assertTrue(names.add(g.scriptName()), g.scriptName());
      }
      for (ParamGroup.Page page : ParamGroup.Page.values()) {
        assertTrue(names.add(page.scriptName()), page.scriptName());
      }
      for (StatusField f : StatusField.values()) {
        assertTrue(names.add(f.scriptName()), f.scriptName());
      }
    }
  }

  @Test
  void aDeclarationThatBreaksItsRulesFailsAtOnce() {
    ParamGroup q = ParamGroup.QUALITY;
    assertThrows(IllegalArgumentException.class, () -> new IntParam("n", "N", "hint", q, 11, 0, 10));
    assertThrows(IllegalArgumentException.class, () -> new IntParam("n", "N", "hint", q, 5, 0, 10, 0, 20));
    assertThrows(IllegalArgumentException.class, () -> new IntParam("n", "N", "hint", q, 5, 0, 10, 4, 4));
    assertThrows(IllegalArgumentException.class, () -> new DoubleParam("x", "X", "hint", q, -0.5, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new DoubleParam("x", "X", "hint", q, Double.NaN, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new BoolParam("b", "B", " ", q, true));
    assertThrows(IllegalArgumentException.class, () -> new StringParam("s", "", "hint", q, ""));
    assertThrows(IllegalArgumentException.class, () -> new StringParam("s", "S", "hint", null, ""));
    assertThrows(IllegalArgumentException.class, () -> new StringParam("s", "S", "hint", ParamGroup.STATUS, ""));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ChoiceParam("c", "C", "hint", q, List.of("a", "b"), 0, Map.of(NodeContext.GENERAL, 2)));
    assertTrue(e.getMessage().contains("c: default option 2"), e.getMessage());
    IntParam ok = new IntParam("n", "N", "hint", q, 5, 0, 10);
    assertEquals(List.of(0, 10), List.of(ok.displayMin(), ok.displayMax()), "without a display range the slider spans all");
  }

  @Test
  void theDefaultPanelLinkSaysThePanelIsNotInThisBuild() {
    PanelLink link = Guice.createInjector(new NodesModule()).getInstance(PanelLink.class);
    IOException e = assertThrows(IOException.class, link::open);
    assertEquals("web panel not available in this build", e.getMessage());
  }

  @Test
  void aModuleWithAPanelReplacesTheDefault() throws IOException {
    URI address = URI.create("http://127.0.0.1:5999/?token=t");
    PanelLink link = Guice.createInjector(new NodesModule(), new AbstractModule() {
      @Override
      protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), PanelLink.class).setBinding().toInstance(() -> address);
      }
    }).getInstance(PanelLink.class);
    assertEquals(address, link.open());
  }

  private static Set<ParamGroup> groups(String id) {
    Set<ParamGroup> used = EnumSet.noneOf(ParamGroup.class);
    REGISTRY.byId(id).descriptor().params().forEach(p -> used.add(p.group()));
    return used;
  }
}
