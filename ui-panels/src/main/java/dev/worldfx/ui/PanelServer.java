package dev.worldfx.ui;

import com.sun.net.httpserver.HttpServer;
import dev.worldfx.nodes.jobs.JobBoard;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The local web panel: jobs with progress, previews, training loss and back-test charts, backend
 * and memory, live over Server-Sent Events. Security model: bound to 127.0.0.1 only, on a free
 * port the OS picks; a random token (32 bytes from SecureRandom) made per launch is required on
 * every route, static files included (none: 401, wrong: 403); requests must name this address as
 * their Host (no DNS rebinding); no CORS headers, so other sites' scripts cannot read anything;
 * the actions (cancel a solve, clear a shot's cache) are POST only, with the token in a header and
 * a same-origin Origin / Sec-Fetch-Site where the browser sends them. Anyone who can read the
 * URL (this user's processes, the terminal) can use the panel: the token is the key.
 */
public final class PanelServer implements AutoCloseable {
  static final int TOKEN_BYTES = 32;
  private static PanelServer shared;

  private final HttpServer server;
  private final ExecutorService executor;
  private final PanelRoutes routes;
  private final URI url;

  private PanelServer(JobBoard board) throws IOException {
    byte[] secret = new byte[TOKEN_BYTES];
    new SecureRandom().nextBytes(secret);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    server = HttpServer.create(new InetSocketAddress(loopback, 0), 0);
    int port = server.getAddress().getPort();
    routes = new PanelRoutes(board, token, "127.0.0.1:" + port);
    server.createContext("/", routes);
    executor = Executors.newVirtualThreadPerTaskExecutor(); // one per connection; event streams wait a long time
    server.setExecutor(executor);
    server.start();
    url = URI.create("http://127.0.0.1:" + port + "/?t=" + token);
  }

  /** A new panel over {@code board} (the CLI's `worldfx panel`, tests). */
  public static PanelServer start(JobBoard board) throws IOException {
    return new PanelServer(board);
  }

  /**
   * The process's panel over {@code board}, started on first use (the plugin's "Open web panel"
   * button); a later call with another board gets the running panel.
   */
  public static synchronized PanelServer startOrGet(JobBoard board) {
    if (shared == null) {
      try {
        shared = new PanelServer(board);
      } catch (IOException e) {
        throw new UncheckedIOException("the web panel cannot listen on 127.0.0.1: " + e.getMessage(), e);
      }
    }
    return shared;
  }

  /** The panel's address with the token: what the artist opens. */
  public URI url() {
    return url;
  }

  /** Where it listens (always 127.0.0.1). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    synchronized (PanelServer.class) {
      if (shared == this) {
        shared = null;
      }
    }
    routes.close();
    server.stop(0);
    executor.shutdownNow();
  }
}
