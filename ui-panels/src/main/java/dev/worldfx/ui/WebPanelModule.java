package dev.worldfx.ui;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.OptionalBinder;
import dev.worldfx.nodes.PanelLink;

/** Installed beside NodesModule where the web panel ships (the OFX bundle): "Open web panel" opens it. */
public final class WebPanelModule extends AbstractModule {
  @Override
  protected void configure() {
    OptionalBinder.newOptionalBinder(binder(), PanelLink.class).setBinding().to(WebPanelLink.class);
    bind(Browser.class).to(DesktopBrowser.class);
  }
}
