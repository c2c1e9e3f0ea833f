package dev.worldfx.nodes;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.worldfx.nodes.cache.DefaultCache;
import dev.worldfx.nodes.cache.SequenceCache;
import dev.worldfx.nodes.extend.ExtendShotNode;
import dev.worldfx.nodes.generate.GenerateNode;
import dev.worldfx.nodes.inpaint.InpaintNode;
import java.util.function.Supplier;

/** Guice wiring of the nodes; the OFX bridge and the CLI both install it. */
public final class NodesModule extends AbstractModule {
  private final Supplier<SequenceCache> cache;

  /** The nodes with the process's default sequence cache (WORLDFX_CACHE or ~/.worldfx/cache). */
  public NodesModule() {
    this(DefaultCache::get);
  }

  /** The nodes with their whole-shot solves in {@code cache} (the CLI's --cache: a farm's shared folder). */
  public NodesModule(Supplier<SequenceCache> cache) {
    this.cache = cache;
  }

  @Override
  protected void configure() {
    Multibinder<Node> nodes = Multibinder.newSetBinder(binder(), Node.class);
    nodes.addBinding().toInstance(new InpaintNode(cache));
    nodes.addBinding().toInstance(new ExtendShotNode(cache)); // nodes are stateless: one each is enough
    nodes.addBinding().toInstance(new GenerateNode(cache));
    // A module with the web panel replaces this with OptionalBinder.newOptionalBinder(...).setBinding().
    OptionalBinder.newOptionalBinder(binder(), PanelLink.class).setDefault().to(PanelLink.NotAvailable.class);
  }
}
