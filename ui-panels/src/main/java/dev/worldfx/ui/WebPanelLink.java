package dev.worldfx.ui;

import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.jobs.JobBoard;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

/**
 * The plugin's "Open web panel": this process's panel over this machine's job board (started on
 * the first press, then reused), shown in the browser where one can be started; the address is
 * returned either way, for the host's message.
 */
public final class WebPanelLink implements PanelLink {
  private final Browser browser;

  @Inject
  WebPanelLink(Browser browser) {
    this.browser = browser;
  }

  @Override
  public URI open() throws IOException {
    URI url;
    try {
      url = PanelServer.startOrGet(JobBoard.shared()).url();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    browser.show(url);
    return url;
  }
}
