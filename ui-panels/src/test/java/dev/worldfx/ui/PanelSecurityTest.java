package dev.worldfx.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.worldfx.nodes.RenderAbortedException;
import dev.worldfx.nodes.jobs.Job;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.jobs.Thumbnail;
import dev.worldfx.nodes.synthesis.ImagePlanes;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The panel's security model, request by request, over raw HTTP (so every header is the test's choice). */
class PanelSecurityTest {
  @TempDir
  Path cacheRoot;
  private PanelServer server;
  private Job job;
  private String token;
  private String host;

  @BeforeEach
  void start() throws IOException {
    JobBoard board = JobBoard.open(cacheRoot);
    job = board.start("dev.worldfx.Inpaint", "frames 1-4, 8x8");
    job.preview("source", 1, "source", Thumbnail.rgb(new ImagePlanes(3, 8, 8, new float[3 * 64])));
    server = PanelServer.start(board);
    token = server.url().getQuery().substring("t=".length());
    host = "127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private List<String> getRoutes() {
    String id = job.id();
    return List.of("/", "/job/" + id, "/static/panel.js", "/static/panel.css", "/static/favicon.svg", "/static/vendor/uPlot.iife.min.js",
        "/static/vendor/uPlot.min.css", "/api/jobs", "/api/jobs/" + id, "/api/events", "/api/events?job=" + id,
        "/preview/" + id + "/source.png", "/no-such-page", "/static/../PanelServer.class");
  }

  @Test
  void listensOnLoopbackOnlyWithAFreshTokenPerLaunch() throws IOException {
    assertEquals(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), server.address().getAddress());
    assertTrue(server.address().getPort() > 0);
    assertEquals("127.0.0.1", server.url().getHost());
    assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "32 random bytes, base64url: " + token);
    try (PanelServer other = PanelServer.start(JobBoard.open(cacheRoot))) {
      assertNotEquals(server.url().getQuery(), other.url().getQuery());
      assertNotEquals(server.address().getPort(), other.address().getPort());
    }
    // nothing answers on the machine's other addresses at that port
    for (InetAddress a : InetAddress.getAllByName(InetAddress.getLocalHost().getHostName())) {
      if (!a.isLoopbackAddress()) {
        assertThrows(IOException.class, () -> new Socket(a, server.address().getPort()).close(), a.toString());
      }
    }
  }

  @Test
  void theProcessHasOnePanelUntilItIsClosed() {
    PanelServer first = PanelServer.startOrGet(JobBoard.open(cacheRoot));
    try {
      assertSame(first, PanelServer.startOrGet(JobBoard.open(cacheRoot)));
    } finally {
      first.close();
    }
    try (PanelServer next = PanelServer.startOrGet(JobBoard.open(cacheRoot))) {
      assertNotSame(first, next);
      assertNotEquals(first.url(), next.url());
    }
  }

  @Test
  void everyRouteRefusesAMissingToken() throws IOException {
    for (String route : getRoutes()) {
      assertEquals(401, request("GET", route, Map.of()).status, route);
    }
    for (String action : List.of("cancel", "clear-cache")) {
      assertEquals(401, request("POST", "/api/jobs/" + job.id() + "/" + action, Map.of()).status, action);
    }
  }

  @Test
  void everyRouteRefusesAWrongToken() throws IOException {
    char last = token.charAt(token.length() - 1);
    String nearlyRight = token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A');
    for (String wrong : List.of(nearlyRight, "x", token + "x", token.toLowerCase(Locale.ROOT).equals(token) ? "y" : token
        .toLowerCase(Locale.ROOT))) {
      for (String route : getRoutes()) {
        assertEquals(403, request("GET", withToken(route, wrong), Map.of()).status, route + " with " + wrong);
        assertEquals(403, request("GET", route, Map.of("X-WorldFX-Token", wrong)).status, route + " (header)");
      }
      assertEquals(403, request("POST", "/api/jobs/" + job.id() + "/cancel", Map.of("X-WorldFX-Token", wrong)).status);
    }
  }

  @Test
  void withTheTokenEveryRouteAnswersWithoutCorsHeaders() throws IOException {
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (String route : getRoutes()) {
      expected.put(route, route.equals("/no-such-page") || route.contains("..") ? 404 : 200);
    }
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      Response r = request("GET", withToken(e.getKey(), token), Map.of("Origin", "http://evil.example"));
      assertEquals(e.getValue(), r.status, e.getKey());
      assertFalse(r.head.toLowerCase(Locale.ROOT).contains("access-control-"), e.getKey() + ": " + r.head);
      assertTrue(r.head.toLowerCase(Locale.ROOT).contains("x-content-type-options: nosniff"), r.head);
    }
    Response page = request("GET", withToken("/", token), Map.of());
    assertTrue(page.head.toLowerCase(Locale.ROOT).contains("content-security-policy: default-src 'none'"), page.head);
    assertTrue(page.body.contains("/static/panel.js?t=" + token), "assets are asked for with the token");
  }

  @Test
  void aMalformedQueryIsABadRequest() throws IOException {
    assertEquals(400, request("GET", "/api/jobs?t=%zz", Map.of()).status);
  }

  @Test
  void theWrongHostIsRefusedEvenWithTheToken() throws IOException {
    // a page on another site whose name was rebound to 127.0.0.1 still sends its own name as Host
    assertEquals(403, request("GET", withToken("/api/jobs", token), Map.of("Host", "evil.example:" + server.address()
        .getPort())).status);
  }

  @Test
  void actionsArePostOnlyWithTheTokenInAHeaderAndSameOrigin() throws IOException {
    String cancel = "/api/jobs/" + job.id() + "/cancel";
    assertEquals(405, request("GET", withToken(cancel, token), Map.of()).status, "GET does not act");
    assertEquals(401, request("POST", withToken(cancel, token), Map.of()).status, "a token in the URL does not act");
    assertEquals(403, request("POST", cancel, Map.of("X-WorldFX-Token", token, "Origin", "http://evil.example")).status);
    assertEquals(403, request("POST", cancel, Map.of("X-WorldFX-Token", token, "Origin", "null")).status);
    assertEquals(403, request("POST", cancel, Map.of("X-WorldFX-Token", token, "Sec-Fetch-Site", "cross-site")).status);
    assertEquals(403, request("POST", cancel, Map.of("X-WorldFX-Token", token, "Sec-Fetch-Site", "same-site")).status);
    job.checkCancel(); // nothing above asked the job to stop
    assertEquals(409, request("POST", "/api/jobs/" + job.id() + "/clear-cache", Map.of("X-WorldFX-Token", token,
        "Origin", "http://" + host, "Sec-Fetch-Site", "same-origin")).status, "a running job's cache stays");
    assertEquals(202, request("POST", cancel, Map.of("X-WorldFX-Token", token, "Origin", "http://" + host,
        "Sec-Fetch-Site", "same-origin")).status);
    assertThrows(RenderAbortedException.class, job::checkCancel);
    assertEquals(404, request("POST", "/api/jobs/nosuchjob/cancel", Map.of("X-WorldFX-Token", token)).status);
  }

  private static String withToken(String route, String t) {
    return route + (route.contains("?") ? "&" : "?") + "t=" + t;
  }

  private record Response(int status, String head, String body) {}

  /** One HTTP/1.1 request; an event stream is cut after its headers. */
  private Response request(String method, String target, Map<String, String> headers) throws IOException {
    try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
      s.setSoTimeout(10_000);
      Map<String, String> h = new LinkedHashMap<>();
      h.put("Host", host);
      h.putAll(headers);
      StringBuilder req = new StringBuilder(method + " " + target + " HTTP/1.1\r\n");
      h.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("Content-Length: 0\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      List<String> lines = new ArrayList<>();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) >= 0) {
        if (c == '\n') {
          String l = line.toString().strip();
          if (l.isEmpty()) {
            break;
          }
          lines.add(l);
          line.setLength(0);
        } else {
          line.append((char) c);
        }
      }
      String head = String.join("\n", lines);
      int status = Integer.parseInt(lines.getFirst().split(" ")[1]);
      String body = head.toLowerCase(Locale.ROOT).contains("text/event-stream") ? ""
          : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Response(status, head, body);
    }
  }
}
