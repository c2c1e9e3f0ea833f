package dev.worldfx.nodes;

import java.io.IOException;
import java.net.URI;

/**
 * Opens the local web panel (jobs, previews, plots) and gives its address. The OFX bridge calls
 * it when the artist presses "Open web panel". Bound by Guice: {@link NodesModule} binds a
 * default that says the panel is not in this build; a module that has a panel overrides it
 * through {@code OptionalBinder.setBinding()}.
 */
public interface PanelLink {
  /** Starts the panel if needed and returns its address (token included); throws with a message for the artist. */
  URI open() throws IOException;

  /** The binding where no web panel is built in. */
  final class NotAvailable implements PanelLink {
    public static final String MESSAGE = "web panel not available in this build";

    @Override
    public URI open() throws IOException {
      throw new IOException(MESSAGE);
    }
  }
}
