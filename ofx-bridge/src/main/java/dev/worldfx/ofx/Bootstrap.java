package dev.worldfx.ofx;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import dev.worldfx.nodes.NodeRegistry;
import dev.worldfx.nodes.NodesModule;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.ui.WebPanelModule;

/**
 * The one method the native shim calls through JNI, once per bundle load. Returns the
 * address of the plugin table ({int64 count; OfxPlugin[count]}) or 0 after logging why.
 */
public final class Bootstrap {
  private Bootstrap() {}

  public static long boot(String bundleDir) {
    try {
      Injector injector = Guice.createInjector(modules());
      NodeRegistry registry = injector.getInstance(NodeRegistry.class);
      long table = MainEntry.install(registry.all(), injector.getInstance(PanelLink.class));
      BridgeLog.info("WorldFX booted from " + bundleDir + " on Java " + Runtime.version() + " at "
          + System.getProperty("java.home") + " (" + registry.all().size() + " plugins)");
      return table;
    } catch (Throwable t) {
      BridgeLog.error("bootstrap of the bundle at " + bundleDir + " failed", t);
      return 0;
    }
  }

  /** The bundle's wiring: the nodes, and the web panel behind their "Open web panel" button. */
  static Module modules() {
    return Modules.combine(new NodesModule(), new WebPanelModule());
  }
}
