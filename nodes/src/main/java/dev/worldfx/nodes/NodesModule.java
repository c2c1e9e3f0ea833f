package dev.worldfx.nodes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.generate.GenerateNode;
import dev.worldfx.nodes.inpaint.InpaintNode;

/** Guice wiring of the nodes; the OFX bridge and the CLI both install it. */
public final class NodesModule extends AbstractModule {
  @Override
  protected void configure() {
    Multibinder<Node> nodes = Multibinder.newSetBinder(binder(), Node.class);
    nodes.addBinding().to(InpaintNode.class);
    nodes.addBinding().to(ExtendShotNode.class);
    nodes.addBinding().to(GenerateNode.class);
    // A module with the web panel replaces this with OptionalBinder.newOptionalBinder(...).setBinding().
    OptionalBinder.newOptionalBinder(binder(), PanelLink.class).setDefault().to(PanelLink.NotAvailable.class);
  }
}
