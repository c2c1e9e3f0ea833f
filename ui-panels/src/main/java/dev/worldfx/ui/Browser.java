package dev.worldfx.ui;

import java.net.URI;

/** Shows a page to the artist: the desktop's browser ({@link DesktopBrowser}), or nothing where there is none. */
public interface Browser {
  /** Asks for {@code page} to be shown; returns at once, and never throws: the address is shown in a message anyway. */
  void show(URI page);
}
