package dev.worldfx.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import dev.worldfx.nodes.ParamSpec.ChoiceParam;
import dev.worldfx.nodes.ParamSpec.DoubleParam;
import dev.worldfx.nodes.ParamSpec.IntParam;
import dev.worldfx.nodes.ParamSpec.StringParam;
import dev.worldfx.nodes.local.SpecParamValues;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryTest {
  private static final NodeRegistry REGISTRY = Guice.createInjector(new NodesModule()).getInstance(NodeRegistry.class);

  @Test
  void listsTheThreeNodesInPluginOrder() {
    assertEquals(List.of("dev.worldfx.Inpaint", "dev.worldfx.ExtendShot", "dev.worldfx.Generate"),
        REGISTRY.all().stream().map(n -> n.descriptor().id()).toList());
    assertEquals("dev.worldfx.Generate", REGISTRY.byId("dev.worldfx.Generate").descriptor().id());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> REGISTRY.byId("dev.worldfx.Nope"));
    assertTrue(e.getMessage().contains("dev.worldfx.Nope"), e.getMessage());
  }

  @Test
  void descriptorsMatchTheContractTable() {
    NodeDescriptor inpaint = REGISTRY.byId("dev.worldfx.Inpaint").descriptor();
    NodeDescriptor extend = REGISTRY.byId("dev.worldfx.ExtendShot").descriptor();
    NodeDescriptor generate = REGISTRY.byId("dev.worldfx.Generate").descriptor();
    for (NodeDescriptor d : List.of(inpaint, extend, generate)) {
      assertEquals(1, d.versionMajor(), d.id());
      assertEquals(0, d.versionMinor(), d.id());
    }
    assertEquals(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL), inpaint.contexts());
    assertEquals(EnumSet.of(NodeContext.FILTER, NodeContext.GENERAL), extend.contexts());
    assertEquals(EnumSet.of(NodeContext.GENERATOR, NodeContext.FILTER), generate.contexts());
    assertTrue(inpaint.temporalClipAccess());
    assertTrue(extend.temporalClipAccess());
    assertTrue(generate.temporalClipAccess());

    assertEquals(List.of("Source", "Output"), clipNames(inpaint, NodeContext.FILTER));
    assertEquals(Set.of("Source", "Mask", "Output"), Set.copyOf(clipNames(inpaint, NodeContext.GENERAL)));
    ClipSpec mask = inpaint.clipsIn(NodeContext.GENERAL).stream().filter(c -> c.name().equals("Mask")).findFirst().orElseThrow();
    assertTrue(mask.optional() && mask.mask());
    assertEquals(EnumSet.of(Components.ALPHA, Components.RGBA), mask.components());
    assertEquals(List.of("Output"), clipNames(generate, NodeContext.GENERATOR));
    assertEquals(Set.of("Source", "Output"), Set.copyOf(clipNames(generate, NodeContext.FILTER)));
  }

  @Test
  void parametersMatchTheContract() {
    NodeDescriptor inpaint = REGISTRY.byId("dev.worldfx.Inpaint").descriptor();
    assertEquals(List.of("matteSource", "dilate", "feather", "temporalRadius", "quality", "seed", "output"), names(inpaint));
    ChoiceParam matte = (ChoiceParam) inpaint.param("matteSource");
    assertEquals(List.of("Mask clip", "Source alpha", "Source luminance"), matte.options());
    assertEquals(0, matte.defaultIndex(NodeContext.GENERAL));
    assertEquals(1, matte.defaultIndex(NodeContext.FILTER));
    assertEquals(new IntParam("dilate", label(inpaint, "dilate"), hint(inpaint, "dilate"), ParamGroup.MATTE, 0, 0, 256, 0, 64),
        inpaint.param("dilate"));
    DoubleParam feather = (DoubleParam) inpaint.param("feather");
    assertEquals(List.of(0.0, 0.0, 256.0), List.of(feather.defaultValue(), feather.min(), feather.max()));
    assertIntRange(inpaint, "temporalRadius", 8, 0, 100);
    assertIntRange(inpaint, "seed", 0, 0, Integer.MAX_VALUE);
    assertEquals(List.of("Draft", "Final"), ((ChoiceParam) inpaint.param("quality")).options());
    assertEquals(List.of("Result", "Confidence", "Propagated only"), ((ChoiceParam) inpaint.param("output")).options());

    NodeDescriptor extend = REGISTRY.byId("dev.worldfx.ExtendShot").descriptor();
    assertEquals(List.of("direction", "framesToAdd", "quality", "seed", "backtestFrames", "seamBlend", "saveModel",
        "output"), names(extend));
    assertEquals(List.of("Result", "Back-test drift matte"), ((ChoiceParam) extend.param("output")).options());
    assertEquals(List.of("Forward", "Backward", "Both"), ((ChoiceParam) extend.param("direction")).options());
    assertIntRange(extend, "framesToAdd", 24, 0, 10000);
    assertIntRange(extend, "backtestFrames", 8, 0, 256);
    assertIntRange(extend, "seamBlend", 4, 0, 64);
    assertIntRange(extend, "seed", 0, 0, Integer.MAX_VALUE);
    StringParam saveModel = (StringParam) extend.param("saveModel");
    assertEquals(List.of("", ParamGroup.OUTPUT, ParamSpec.StringKind.FILE_TO_WRITE),
        List.of(saveModel.defaultValue(), saveModel.group(), saveModel.kind()));

    NodeDescriptor generate = REGISTRY.byId("dev.worldfx.Generate").descriptor();
    assertEquals(List.of("seed", "variation", "modelFile", "frames"), names(generate));
    assertIntRange(generate, "frames", 0, 0, 10000);
    DoubleParam variation = (DoubleParam) generate.param("variation");
    assertEquals(List.of(0.25, 0.0, 1.0), List.of(variation.defaultValue(), variation.min(), variation.max()));
    assertEquals("", ((StringParam) generate.param("modelFile")).defaultValue());
    assertEquals(ParamSpec.StringKind.FILE_TO_READ, ((StringParam) generate.param("modelFile")).kind());
  }

  @Test
  void everyParameterHasALabelAHintAndAUniqueName() {
    for (Node node : REGISTRY.all()) {
      NodeDescriptor d = node.descriptor();
      Set<String> seen = new HashSet<>();
      for (ParamSpec p : d.params()) {
        assertFalse(p.name().isBlank(), d.id());
        assertFalse(p.label().isBlank(), d.id() + "." + p.name() + " label");
        assertFalse(p.hint().isBlank(), d.id() + "." + p.name() + " hint");
        assertTrue(seen.add(p.name()), d.id() + " declares " + p.name() + " twice");
      }
      assertFalse(d.label().isBlank());
      assertFalse(d.description().isBlank());
    }
  }

  @Test
  void everyDefaultParsesInEveryContext() {
    for (Node node : REGISTRY.all()) {
      for (NodeContext context : node.descriptor().contexts()) {
        for (ParamSpec p : node.descriptor().params()) {
          Object v = p.parse(p.defaultText(context));
          Object expected = switch (p) {
            case IntParam i -> i.defaultValue();
            case DoubleParam dp -> dp.defaultValue();
            case ChoiceParam c -> c.defaultIndex(context);
            case StringParam s -> s.defaultValue();
            case ParamSpec.BoolParam b -> b.defaultValue();
          };
          assertEquals(expected, v, node.descriptor().id() + "." + p.name() + " in " + context);
        }
      }
    }
  }

  @Test
  void parseRejectsOutOfRangeAndGarbageNamingTheParameter() {
    List<String> checked = new ArrayList<>();
    for (Node node : REGISTRY.all()) {
      for (ParamSpec p : node.descriptor().params()) {
        List<String> bad = switch (p) {
          case IntParam i -> List.of(Long.toString(i.min() - 1L), Long.toString(i.max() + 1L), "abc", "1.5", "");
          case DoubleParam dp -> List.of(Double.toString(dp.min() - 0.001), Double.toString(dp.max() + 1), "x1", "NaN");
          case ChoiceParam c -> List.of("nosuch", Integer.toString(c.options().size()), "-1");
          case ParamSpec.BoolParam b -> List.of("maybe");
          case StringParam s -> List.of();
        };
        for (String text : bad) {
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.parse(text),
              node.descriptor().id() + "." + p.name() + " accepted '" + text + "'");
          assertTrue(e.getMessage().contains(p.name()), "message names the parameter: " + e.getMessage());
          checked.add(p.name());
        }
      }
    }
    assertTrue(checked.size() > 40, "checked " + checked.size());
  }

  @Test
  void parseAcceptsLabelsIndicesAndRangeEnds() {
    ChoiceParam matte = (ChoiceParam) REGISTRY.byId("dev.worldfx.Inpaint").descriptor().param("matteSource");
    assertEquals(2, matte.parse("source LUMINANCE"));
    assertEquals(1, matte.parse(" 1 "));
    IntParam frames = (IntParam) REGISTRY.byId("dev.worldfx.ExtendShot").descriptor().param("framesToAdd");
    assertEquals(0, frames.parse("0"));
    assertEquals(10000, frames.parse("10000"));
    assertEquals(1.0, REGISTRY.byId("dev.worldfx.Generate").descriptor().param("variation").parse("1"));
  }

  @Test
  void specParamValuesAreDefaultsWithOverrides() {
    NodeDescriptor inpaint = REGISTRY.byId("dev.worldfx.Inpaint").descriptor();
    SpecParamValues general = new SpecParamValues(inpaint, NodeContext.GENERAL, Map.of());
    SpecParamValues filter = new SpecParamValues(inpaint, NodeContext.FILTER, Map.of());
    assertEquals(0, general.getChoice("matteSource"));
    assertEquals(1, filter.getChoice("matteSource"));
    assertEquals(8, general.getInt("temporalRadius"));
    assertEquals(0.0, general.getDouble("feather"));

    SpecParamValues overridden = new SpecParamValues(inpaint, NodeContext.GENERAL,
        Map.of("dilate", "12", "feather", "2.5", "matteSource", "Source luminance", "output", "Confidence"));
    assertEquals(12, overridden.getInt("dilate"));
    assertEquals(2.5, overridden.getDouble("feather"));
    assertEquals(2, overridden.getChoice("matteSource"));
    assertEquals(1, overridden.getChoice("output"));
    assertEquals(8, overridden.getInt("temporalRadius"), "not overridden: default");

    NodeDescriptor generate = REGISTRY.byId("dev.worldfx.Generate").descriptor();
    assertEquals("/tmp/a.safetensors",
        new SpecParamValues(generate, NodeContext.GENERATOR, Map.of("modelFile", "/tmp/a.safetensors")).getString("modelFile"));

    assertThrows(IllegalArgumentException.class, () -> new SpecParamValues(inpaint, NodeContext.GENERAL, Map.of("nosuch", "1")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SpecParamValues(inpaint, NodeContext.GENERAL, Map.of("dilate", "257")));
    assertTrue(e.getMessage().contains("dilate"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> general.getInt("nosuch"));
  }

  private static List<String> clipNames(NodeDescriptor d, NodeContext context) {
    return d.clipsIn(context).stream().map(ClipSpec::name).toList();
  }

  private static List<String> names(NodeDescriptor d) {
    return d.params().stream().map(ParamSpec::name).toList();
  }

  private static String label(NodeDescriptor d, String name) {
    return d.param(name).label();
  }

  private static String hint(NodeDescriptor d, String name) {
    return d.param(name).hint();
  }

  private static void assertIntRange(NodeDescriptor d, String name, int def, int min, int max) {
    IntParam p = (IntParam) d.param(name);
    assertEquals(List.of(def, min, max), List.of(p.defaultValue(), p.min(), p.max()), d.id() + "." + name);
  }
}
