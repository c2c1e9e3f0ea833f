package dev.worldfx.ui;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.worldfx.nodes.jobs.JobBoard;
import dev.worldfx.nodes.proto.JobRecord;
import dev.worldfx.nodes.proto.Preview;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request of the panel: the checks first (Host, token, and for actions method, Origin and
 * Sec-Fetch-Site), then the route. Unknown paths are answered only after the token check, so
 * without the token nothing, not even which paths exist, can be learnt.
 */
final class PanelRoutes implements HttpHandler {
  static final String TOKEN_PARAM = "t";
  static final String TOKEN_HEADER = "X-WorldFX-Token";
  private static final Logger LOG = Logger.getLogger(PanelRoutes.class.getName());
  private static final Pattern JOB_PAGE = Pattern.compile("/job/([0-9a-z-]{1,64})");
  private static final Pattern JOB_API = Pattern.compile("/api/jobs/([0-9a-z-]{1,64})");
  private static final Pattern JOB_ACTION = Pattern.compile("/api/jobs/([0-9a-z-]{1,64})/(cancel|clear-cache)");
  private static final Pattern PREVIEW = Pattern.compile("/preview/([0-9a-z-]{1,64})/([a-z]{1,16})\\.png");
  /** Static files: the only names served from the jar. */
  private static final Map<String, String> STATIC = Map.of(
      "/static/panel.js", "text/javascript; charset=utf-8",
      "/static/panel.css", "text/css; charset=utf-8",
      "/static/favicon.svg", "image/svg+xml",
      "/static/vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8",
      "/static/vendor/uPlot.min.css", "text/css; charset=utf-8");
  private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  /** Event streams send at most this often; a solve reports far more often. */
  private static final long EVENT_INTERVAL_MILLIS = 250;
  private static final long KEEPALIVE_MILLIS = 15_000;

  private final JobBoard board;
  private final String token;
  private final byte[] tokenBytes;
  private final String host;
  private volatile boolean closed;

  PanelRoutes(JobBoard board, String token, String host) {
    this.board = board;
    this.token = token;
    this.tokenBytes = token.getBytes(StandardCharsets.US_ASCII);
    this.host = host;
  }

  void close() {
    closed = true;
  }

  @Override
  public void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Headers h = ex.getResponseHeaders();
      h.set("Cache-Control", "no-store");
      h.set("X-Content-Type-Options", "nosniff");
      h.set("Referrer-Policy", "no-referrer");
      h.set("X-Frame-Options", "DENY");
      h.set("Content-Security-Policy", CSP);
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      Map<String, String> query;
      try {
        query = query(ex.getRequestURI().getRawQuery());
      } catch (IllegalArgumentException e) {
        text(ex, 400, "malformed query string");
        return;
      }
      if (!host.equals(ex.getRequestHeaders().getFirst("Host"))) {
        text(ex, 403, "this panel answers only requests addressed to " + host);
        return;
      }
      boolean post = method.equals("POST");
      // Actions take the token from a header only: a header cannot be set by another site's form or link.
      String given = post ? ex.getRequestHeaders().getFirst(TOKEN_HEADER)
          : Optional.ofNullable(query.get(TOKEN_PARAM)).orElse(ex.getRequestHeaders().getFirst(TOKEN_HEADER));
      if (given == null || given.isEmpty()) {
        text(ex, 401, "the panel's token is missing: open the URL WorldFX printed (it ends in ?t=...)");
        return;
      }
      if (!MessageDigest.isEqual(tokenBytes, given.getBytes(StandardCharsets.UTF_8))) {
        text(ex, 403, "wrong token: open the URL WorldFX printed for this session");
        return;
      }
      if (post) {
        action(ex, path);
      } else if (method.equals("GET")) {
        get(ex, path, query);
      } else {
        h.set("Allow", "GET, POST");
        text(ex, 405, method + " is not used by this panel");
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "web panel: request ended early", e); // the browser went away
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "web panel: request failed", e);
      throw e;
    }
  }

  private void get(HttpExchange ex, String path, Map<String, String> query) throws IOException {
    Matcher m;
    if (path.equals("/")) {
      html(ex, 200, PanelPages.jobsPage(token));
    } else if ((m = JOB_PAGE.matcher(path)).matches()) {
      Optional<JobRecord> r = board.job(m.group(1));
      if (r.isPresent()) {
        html(ex, 200, PanelPages.jobPage(token, r.get()));
      } else {
        html(ex, 404, PanelPages.notFoundPage(token, "There is no job " + m.group(1) + " (records are kept for the "
            + "last 100 jobs)."));
      }
    } else if (STATIC.containsKey(path)) {
      staticFile(ex, path);
    } else if (path.equals("/api/jobs")) {
      json(ex, 200, listJson());
    } else if ((m = JOB_API.matcher(path)).matches()) {
      Optional<String> j = jobJson(m.group(1));
      if (j.isPresent()) {
        json(ex, 200, j.get());
      } else {
        text(ex, 404, "no job " + m.group(1));
      }
    } else if (path.equals("/api/events")) {
      events(ex, query.get("job"));
    } else if ((m = PREVIEW.matcher(path)).matches()) {
      preview(ex, m.group(1), m.group(2));
    } else if (JOB_ACTION.matcher(path).matches()) {
      ex.getResponseHeaders().set("Allow", "POST");
      text(ex, 405, "actions are POST only");
    } else {
      text(ex, 404, "no such page");
    }
  }

  private void action(HttpExchange ex, String path) throws IOException {
    Matcher m = JOB_ACTION.matcher(path);
    if (!m.matches()) {
      ex.getResponseHeaders().set("Allow", "GET");
      text(ex, path.startsWith("/api/jobs/") ? 404 : 405, "no action here");
      return;
    }
    // Browsers send these on every POST; when present they must say this very origin.
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    if (origin != null && !origin.equals("http://" + host)) {
      text(ex, 403, "cross-site request refused (Origin " + origin + ")");
      return;
    }
    if (site != null && !site.equals("same-origin")) {
      text(ex, 403, "cross-site request refused (Sec-Fetch-Site " + site + ")");
      return;
    }
    try (InputStream in = ex.getRequestBody()) {
      in.readNBytes(4096); // actions take no body; read what little came so the connection can be reused
    }
    String id = m.group(1);
    if (m.group(2).equals("cancel")) {
      JobBoard.CancelResult result = board.cancel(id);
      switch (result) {
        case REQUESTED -> json(ex, 202, new JsonText().beginObject().field("result", "cancel requested").endObject()
            .toString());
        case NOT_RUNNING -> text(ex, 409, "job " + id + " is not running");
        case UNKNOWN -> text(ex, 404, "no job " + id);
      }
      return;
    }
    try {
      int removed = board.clearCache(id);
      json(ex, 200, new JsonText().beginObject().field("result", "cache cleared").field("removed", removed).endObject()
          .toString());
    } catch (NoSuchElementException e) {
      text(ex, 404, "no job " + id);
    } catch (IllegalStateException e) {
      text(ex, 409, e.getMessage());
    }
  }

  private String listJson() {
    JsonText j = new JsonText().beginObject().field("version", board.version());
    j.key("jobs").beginArray();
    for (JobRecord r : board.jobs()) {
      JobJson.summary(j, r);
    }
    j.endArray();
    j.key("system");
    SystemStatus.write(j);
    return j.endObject().toString();
  }

  private Optional<String> jobJson(String id) {
    long version = board.version();
    return board.job(id).map(r -> {
      JsonText j = new JsonText().beginObject().field("version", version);
      j.key("job");
      JobJson.full(j, r, token);
      j.key("system");
      SystemStatus.write(j);
      return j.endObject().toString();
    });
  }

  /**
   * Server-Sent Events: the list (or one job, {@code ?job=ID}) as JSON now and after every change,
   * at most every {@link #EVENT_INTERVAL_MILLIS}; a comment line keeps idle connections open.
   */
  private void events(HttpExchange ex, String jobId) throws IOException {
    if (jobId != null && board.job(jobId).isEmpty()) {
      text(ex, 404, "no job " + jobId);
      return;
    }
    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    long seen = Long.MIN_VALUE;
    try {
      while (!closed) {
        long v = board.version();
        if (v != seen) {
          seen = v;
          String data = jobId == null ? listJson() : jobJson(jobId).orElse("{}");
          out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          Thread.sleep(EVENT_INTERVAL_MILLIS);
        } else if (board.awaitChange(seen, KEEPALIVE_MILLIS) == seen) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the panel is closing
    }
  }

  private void preview(HttpExchange ex, String id, String kind) throws IOException {
    Optional<Preview> p = board.job(id).flatMap(r -> r.getPreviewsList().stream()
        .filter(x -> x.getKind().equals(kind)).findFirst());
    if (p.isEmpty()) {
      text(ex, 404, "no " + kind + " preview for job " + id);
      return;
    }
    send(ex, 200, "image/png", p.get().getPng().toByteArray());
  }

  private void staticFile(HttpExchange ex, String path) throws IOException {
    try (InputStream in = PanelRoutes.class.getResourceAsStream("static/" + path.substring("/static/".length()))) {
      if (in == null) {
        text(ex, 404, "missing from this build: " + path);
        return;
      }
      send(ex, 200, STATIC.get(path), in.readAllBytes());
    }
  }

  private static Map<String, String> query(String raw) {
    if (raw == null || raw.isEmpty()) {
      return Map.of();
    }
    java.util.HashMap<String, String> out = new java.util.HashMap<>();
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private static void html(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/html; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void json(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "application/json; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
  }

  private static void text(HttpExchange ex, int status, String body) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", (body + "\n").getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }
}
