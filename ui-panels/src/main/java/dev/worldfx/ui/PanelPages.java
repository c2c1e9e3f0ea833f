package dev.worldfx.ui;

import dev.worldfx.nodes.proto.JobRecord;

/**
 * The panel's two HTML pages. They carry only the shell; panel.js fills them from the event
 * stream. Every value from a record is HTML-escaped; the token reaches the script through a meta
 * tag (no inline script: the Content-Security-Policy forbids it).
 */
final class PanelPages {
  private PanelPages() {}

  static String jobsPage(String token) {
    return head(token, "WorldFX jobs", "list", "")
        + "<h1>WorldFX jobs</h1>\n"
        + "<section id=\"system\" class=\"system\"></section>\n"
        + "<table id=\"jobs\"><thead><tr><th>node</th><th>shot</th><th>state</th><th>progress</th><th>phase</th>"
        + "<th>started</th><th>time</th></tr></thead><tbody></tbody></table>\n"
        + "<p id=\"empty\" class=\"note\">No jobs yet: a solve shows here when Inpaint or ExtendShot renders a shot.</p>\n"
        + tail(token);
  }

  static String jobPage(String token, JobRecord r) {
    return head(token, "WorldFX job " + r.getId(), "job", r.getId())
        + "<p><a id=\"back\" href=\"/?t=" + token + "\">&larr; all jobs</a></p>\n"
        + "<h1>" + esc(shortKind(r.getNodeKind())) + " &middot; " + esc(r.getShot()) + "</h1>\n"
        + "<section class=\"status\"><span id=\"state\" class=\"state\"></span> <progress id=\"progress\" max=\"1\" "
        + "value=\"0\"></progress> <span id=\"percent\"></span> <span id=\"phase\" class=\"phase\"></span>\n"
        + "<button id=\"cancel\" type=\"button\" hidden>Cancel solve</button>"
        + "<button id=\"clear\" type=\"button\" hidden>Clear this shot's cache</button> <span id=\"action\"></span>"
        + "</section>\n"
        + "<section><h2>Previews</h2><div id=\"previews\" class=\"previews\"></div>\n"
        + "<div id=\"compare\" class=\"compare\" hidden><div class=\"frames\"><img id=\"before\" alt=\"before\">"
        + "<img id=\"after\" alt=\"after\"></div><label>before <input id=\"slider\" type=\"range\" min=\"0\" max=\"100\" "
        + "value=\"50\"> after</label></div></section>\n"
        + "<section id=\"loss-section\"><h2>Training loss</h2><div id=\"loss-chart\" class=\"chart\" data-points=\"0\">"
        + "</div><p id=\"loss-note\" class=\"note\">No model trained in this job (yet).</p></section>\n"
        + "<section id=\"backtest-section\"><h2>Back-test</h2><div id=\"backtest-chart\" class=\"chart\" "
        + "data-points=\"0\"></div><p id=\"backtest-note\" class=\"note\">No back-test in this job (yet).</p></section>\n"
        + "<section><h2>Messages</h2><ul id=\"messages\"></ul></section>\n"
        + "<section><h2>Backend and memory</h2><div id=\"job-resources\"></div><div id=\"system\" class=\"system\">"
        + "</div></section>\n"
        + tail(token);
  }

  static String notFoundPage(String token, String what) {
    return head(token, "WorldFX: not found", "none", "") + "<h1>Not found</h1><p>" + esc(what) + "</p><p><a href=\"/?t="
        + token + "\">all jobs</a></p>\n" + tail(token);
  }

  private static String head(String token, String title, String page, String jobId) {
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        + "<meta name=\"referrer\" content=\"no-referrer\">\n"
        + "<meta name=\"worldfx-token\" content=\"" + token + "\">\n"
        + "<title>" + esc(title) + "</title>\n"
        + "<link rel=\"icon\" href=\"/static/favicon.svg?t=" + token + "\">\n"
        + "<link rel=\"stylesheet\" href=\"/static/vendor/uPlot.min.css?t=" + token + "\">\n"
        + "<link rel=\"stylesheet\" href=\"/static/panel.css?t=" + token + "\">\n"
        + "</head><body data-page=\"" + page + "\" data-job=\"" + esc(jobId) + "\">\n";
  }

  private static String tail(String token) {
    return "<script src=\"/static/vendor/uPlot.iife.min.js?t=" + token + "\"></script>\n"
        + "<script src=\"/static/panel.js?t=" + token + "\"></script>\n</body></html>\n";
  }

  static String shortKind(String kind) {
    return kind.startsWith("dev.worldfx.") ? kind.substring("dev.worldfx.".length()) : kind;
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
