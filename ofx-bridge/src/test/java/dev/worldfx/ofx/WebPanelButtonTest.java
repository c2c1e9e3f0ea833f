package dev.worldfx.ofx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.util.Modules;
import dev.worldfx.nodes.PanelLink;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.ui.Browser;
import dev.worldfx.ui.DesktopBrowser;
import dev.worldfx.ui.PanelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The plugins' "Open web panel" button: the bundle's wiring starts a real panel and hands its address to the browser. */
class WebPanelButtonTest {
  @AfterEach
  void closeThePanel() {
    PanelServer.startOrGet(JobBoard.shared()).close();
  }

  @Test
  void theBundlesPanelLinkServesThePanelAtA127AddressWithAToken() throws Exception {
    List<URI> shown = new CopyOnWriteArrayList<>();
    // the bundle's modules as Bootstrap installs them, only the desktop's browser replaced by a recorder
    Injector injector = Guice.createInjector(Modules.override(Bootstrap.modules())
        .with(b -> b.bind(Browser.class).toInstance(shown::add)));
    PanelLink link = injector.getInstance(PanelLink.class);
    URI url = link.open();
    assertEquals("http", url.getScheme());
    assertEquals("127.0.0.1", url.getHost());
    assertTrue(url.getPort() > 0, url.toString());
    assertTrue(url.getRawQuery().matches("t=[A-Za-z0-9_-]{43}"), "a 32-byte token: " + url);
    assertEquals(List.of(url), shown, "the browser is asked to show the panel");
    try (HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, page.statusCode(), page.body());
      assertTrue(page.body().contains("WorldFX"), page.body());
      HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(url.resolve("/")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(401, noToken.statusCode(), "the token is the key");
    }
    assertEquals(url, link.open(), "a second press gets the running panel");
  }

  @Test
  void theBundleUsesTheDesktopsBrowser() {
    assertInstanceOf(DesktopBrowser.class, Guice.createInjector(Bootstrap.modules()).getInstance(Browser.class));
  }
}
