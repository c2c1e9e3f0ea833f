package dev.worldfx.ofx;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.google.inject.Guice;
import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.NodesModule;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.UnsupportedPixelsException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The OFX boundary: status mapping and the plugin table, without a host. */
class MainEntryTest {
  private static final List<String> IDS = List.of("dev.worldfx.Inpaint", "dev.worldfx.ExtendShot", "dev.worldfx.Generate");
  private static final long PLUGIN_BYTES = 48;

  private static long table;

  @BeforeAll
  static void install() throws ReflectiveOperationException {
    List<Node> nodes = Guice.createInjector(new NodesModule()).getInstance(NodeRegistry.class).all();
    table = MainEntry.install(nodes, new PanelLink.NotAvailable());
  }

  @Test
  void statusOfMapsEachFailureOnce() {
    assertEquals(7, MainEntry.statusOf(new OfxStatusException(7, "bad format")));
    assertEquals(9, MainEntry.statusOf(new OfxStatusException(9, "bad handle")));
    assertEquals(1000, MainEntry.statusOf(new UnsupportedPixelsException("half")));
    assertEquals(1, MainEntry.statusOf(new MissingInputException("no mask")));
    assertEquals(1, MainEntry.statusOf(new RenderAbortedException()));
    assertEquals(8, MainEntry.statusOf(new OutOfMemoryError("java heap")));
    assertEquals(1, MainEntry.statusOf(new RuntimeException("boom")));
    assertEquals(1, MainEntry.statusOf(new IllegalStateException("boom")));
    assertEquals(1, MainEntry.statusOf(new StackOverflowError()));
  }

  @Test
  void tableHoldsTheThreePluginsInOrder() {
    assertNotEquals(0L, table);
    MemorySegment t = MemorySegment.ofAddress(table).reinterpret(8 + PLUGIN_BYTES * 3);
    assertEquals(3L, t.get(JAVA_LONG, 0));
    assertEquals(PLUGIN_BYTES, MainEntry.OFX_PLUGIN.byteSize(), "struct OfxPlugin on a 64-bit host");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MemorySegment p = t.asSlice(8 + PLUGIN_BYTES * i, PLUGIN_BYTES);
      assertEquals("OfxImageEffectPluginAPI", string(p.get(ADDRESS, 0)), "pluginApi of " + i);
      assertEquals(1, p.get(JAVA_INT, 8), "apiVersion of " + i);
      ids.add(string(p.get(ADDRESS, 16)));
      assertEquals(1, p.get(JAVA_INT, 24), "major of " + i);
      assertEquals(0, p.get(JAVA_INT, 28), "minor of " + i);
      assertNotEquals(MemorySegment.NULL, p.get(ADDRESS, 32), "setHost of " + i);
      assertNotEquals(MemorySegment.NULL, p.get(ADDRESS, 40), "mainEntry of " + i);
    }
    assertEquals(IDS, ids);
  }

  @Test
  void entryWithoutAnActionIsABadHandle() {
    for (int i = 0; i < 3; i++) {
      assertEquals(9, MainEntry.entry(i, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL));
    }
  }

  @Test
  void entryWithoutAHostRefusesLoadAndAllowsUnload() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment load = arena.allocateFrom("OfxActionLoad");
      MemorySegment unload = arena.allocateFrom("OfxActionUnload");
      MemorySegment describe = arena.allocateFrom("OfxActionDescribe");
      for (int i = 0; i < 3; i++) {
        assertEquals(4, MainEntry.entry(i, load, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL), "Load " + i);
        assertEquals(0, MainEntry.entry(i, unload, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL), "Unload " + i);
        assertEquals(4, MainEntry.entry(i, describe, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL),
            "Describe " + i);
      }
    }
  }

  /** The same calls through the C function pointers in the table, as a host makes them. */
  @Test
  void mainEntryPointersAnswerLikeEntry() throws Throwable {
    MemorySegment t = MemorySegment.ofAddress(table).reinterpret(8 + PLUGIN_BYTES * 3);
    Linker linker = Linker.nativeLinker();
    FunctionDescriptor desc = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment load = arena.allocateFrom("OfxActionLoad");
      MemorySegment unload = arena.allocateFrom("OfxActionUnload");
      for (int i = 0; i < 3; i++) {
        MethodHandle mainEntry = linker.downcallHandle(t.get(ADDRESS, 8 + PLUGIN_BYTES * i + 40), desc);
        MemorySegment n = MemorySegment.NULL;
        assertEquals(9, (int) mainEntry.invokeExact(n, n, n, n), "NULL action, plugin " + i);
        assertEquals(4, (int) mainEntry.invokeExact(load, n, n, n), "Load without host, plugin " + i);
        assertEquals(0, (int) mainEntry.invokeExact(unload, n, n, n), "Unload without host, plugin " + i);
      }
    }
  }

  private static String string(MemorySegment p) {
    assertNotEquals(MemorySegment.NULL, p);
    return p.reinterpret(256).getString(0);
  }
}
