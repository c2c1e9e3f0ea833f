package dev.worldfx.ofx;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.worldfx.nodes.MissingInputException;
import dev.worldfx.nodes.Node;
import dev.worldfx.nodes.NodeException;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.UnsupportedPixelsException;
import dev.worldfx.ofx.raw.Native;
import dev.worldfx.ofx.raw.Ofx;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;

/**
 * The boundary: every OFX call from the host enters here through an FFM upcall stub, and
 * this is the ONE place that turns what Java throws into a kOfxStat* code plus a message
 * on the node. An exception escaping an upcall would make the JVM exit the host process.
 */
public final class MainEntry {
  private MainEntry() {}

  /** struct OfxPlugin, in the specification's member order. */
  static final StructLayout OFX_PLUGIN = MemoryLayout.structLayout(
      ADDRESS.withName("pluginApi"), JAVA_INT.withName("apiVersion"), MemoryLayout.paddingLayout(4),
      ADDRESS.withName("pluginIdentifier"), JAVA_INT.withName("pluginVersionMajor"), JAVA_INT.withName("pluginVersionMinor"),
      ADDRESS.withName("setHost"), ADDRESS.withName("mainEntry"));

  private static volatile OfxNodeAdapter[] adapters = new OfxNodeAdapter[0];

  /** Builds the plugin table the shim hands to the host; lives as long as the process. */
  static long install(List<Node> nodes, PanelLink panel) throws ReflectiveOperationException {
    OfxNodeAdapter[] built = new OfxNodeAdapter[nodes.size()];
    for (int i = 0; i < built.length; i++) {
      built[i] = new OfxNodeAdapter(nodes.get(i), panel);
    }
    adapters = built;
    Linker linker = Linker.nativeLinker();
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    MethodHandle setHost = lookup.findStatic(MainEntry.class, "setHost",
        MethodType.methodType(void.class, int.class, MemorySegment.class));
    MethodHandle entry = lookup.findStatic(MainEntry.class, "entry", MethodType.methodType(int.class, int.class,
        MemorySegment.class, MemorySegment.class, MemorySegment.class, MemorySegment.class));
    FunctionDescriptor setHostDesc = FunctionDescriptor.ofVoid(ADDRESS);
    FunctionDescriptor entryDesc = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
    // The table and the stubs must outlive every host call: the global arena is right here.
    Arena forever = Arena.global();
    MemorySegment table = forever.allocate(JAVA_LONG.byteSize() + OFX_PLUGIN.byteSize() * built.length, 8);
    table.set(JAVA_LONG, 0, built.length);
    for (int i = 0; i < built.length; i++) {
      Node node = nodes.get(i);
      MemorySegment p = table.asSlice(JAVA_LONG.byteSize() + OFX_PLUGIN.byteSize() * i, OFX_PLUGIN.byteSize());
      p.set(ADDRESS, 0, forever.allocateFrom(Ofx.IMAGE_EFFECT_PLUGIN_API));
      p.set(JAVA_INT, 8, 1);
      p.set(ADDRESS, 16, forever.allocateFrom(node.descriptor().id()));
      p.set(JAVA_INT, 24, node.descriptor().versionMajor());
      p.set(JAVA_INT, 28, node.descriptor().versionMinor());
      p.set(ADDRESS, 32, linker.upcallStub(MethodHandles.insertArguments(setHost, 0, i), setHostDesc, forever));
      p.set(ADDRESS, 40, linker.upcallStub(MethodHandles.insertArguments(entry, 0, i), entryDesc, forever));
    }
    return table.address();
  }

  /** setHost(OfxHost*): remember the host's suites. Must not throw. */
  static void setHost(int plugin, MemorySegment host) {
    try {
      adapters[plugin].setHost(HostApi.fetch(host));
    } catch (Throwable t) {
      adapters[plugin].setHost(null);
      BridgeLog.error("setHost failed; the plugin will refuse to load", t);
    }
  }

  /** mainEntry(action, handle, inArgs, outArgs). Must not throw. */
  static int entry(int plugin, MemorySegment action, MemorySegment handle, MemorySegment inArgs, MemorySegment outArgs) {
    OfxNodeAdapter adapter = adapters[plugin];
    String name = null;
    try {
      name = Native.string(action);
      if (name == null) {
        return Ofx.STAT_ERR_BAD_HANDLE;
      }
      return adapter.dispatch(name, handle, inArgs, outArgs);
    } catch (Throwable t) {
      return failure(adapter, name, handle, t);
    }
  }

  /** Maps a throwable to a status, tells the user on the node and in the log. Never throws. */
  static int failure(OfxNodeAdapter adapter, String action, MemorySegment handle, Throwable t) {
    try {
      int status = statusOf(t);
      if (t instanceof RenderAbortedException) {
        return status;
      }
      String text = adapter.nodeLabel() + ": " + userMessage(t);
      boolean expected = t instanceof NodeException || t instanceof OfxStatusException;
      BridgeLog.error(action + " -> " + OfxStatusException.statusName(status) + ": " + text, expected ? null : t);
      adapter.showError(handle, text);
      return status;
    } catch (Throwable nested) {
      return t instanceof OutOfMemoryError ? Ofx.STAT_ERR_MEMORY : Ofx.STAT_FAILED;
    }
  }

  static int statusOf(Throwable t) {
    return switch (t) {
      case OfxStatusException e -> e.status();
      case UnsupportedPixelsException e -> Ofx.STAT_ERR_IMAGE_FORMAT;
      case MissingInputException e -> Ofx.STAT_FAILED;
      case OutOfMemoryError e -> Ofx.STAT_ERR_MEMORY;
      default -> Ofx.STAT_FAILED;
    };
  }

  private static String userMessage(Throwable t) {
    if (t instanceof NodeException || t instanceof OfxStatusException) {
      return t.getMessage();
    }
    if (t instanceof OutOfMemoryError) {
      return "out of memory (" + t.getMessage() + "); render at a lower resolution or free memory";
    }
    return "internal error " + t + " (details in " + BridgeLog.directory().resolve("worldfx.log") + ")";
  }
}
