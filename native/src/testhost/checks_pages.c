/*
 * Parameter pages: what a host with pages (Nuke, Resolve) shows as tabs and a host without
 * as groups. Every parameter sits in the group the contract names, groups sit on pages,
 * hints and ranges are there, the status lines are read-only, not saved and never re-render,
 * the plugin never sets a parameter during a render, and the Open web panel button starts the
 * local web panel and answers with a message giving its address, which serves the panel.
 */
#include "testhost.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#define PANEL_AT "the web panel is at http://127.0.0.1:"

typedef struct { const char *param, *group; } Placement;

static const Placement inpaint_places[] = {
  {"matteSource", "groupMatte"}, {"dilate", "groupMatte"}, {"feather", "groupMatte"},
  {"temporalRadius", "groupTemporal"}, {"quality", "groupQuality"}, {"seed", "groupAdvanced"},
  {"output", "groupOutput"}, {"statusSolve", "groupStatus"}, {"statusBackend", "groupStatus"},
  {"statusCacheHit", "groupStatus"}, {"refreshStatus", "groupStatus"}, {"openWebPanel", "groupStatus"}, {NULL, NULL},
};
static const Placement extend_places[] = {
  {"direction", "groupTemporal"}, {"framesToAdd", "groupTemporal"}, {"quality", "groupQuality"},
  {"seed", "groupAdvanced"}, {"backtestFrames", "groupQuality"}, {"seamBlend", "groupAdvanced"},
  {"saveModel", "groupOutput"}, {"output", "groupOutput"}, {"statusSolve", "groupStatus"},
  {"statusSafeLength", "groupStatus"}, {"statusBackend", "groupStatus"}, {"statusCacheHit", "groupStatus"},
  {"statusShotModel", "groupStatus"},
  {"refreshStatus", "groupStatus"}, {"openWebPanel", "groupStatus"}, {NULL, NULL},
};
static const Placement generate_places[] = {
  {"seed", "groupOutput"}, {"variation", "groupOutput"}, {"modelFile", "groupOutput"}, {"frames", "groupTemporal"},
  {"openWebPanel", "groupStatus"}, {NULL, NULL},
};
static const Placement *const contract_places[PLUGIN_KINDS] = {inpaint_places, extend_places, generate_places};

/* Which page each group is on, and whether it starts open. */
static const struct { const char *group, *page; int open; } group_layout[] = {
  {"groupMatte", "pageControls", 1}, {"groupQuality", "pageControls", 1}, {"groupTemporal", "pageControls", 1},
  {"groupOutput", "pageControls", 1}, {"groupStatus", "pageControls", 1}, {"groupAdvanced", "pageAdvanced", 0},
};
#define NGROUPS (sizeof group_layout / sizeof *group_layout)

static const char *string_prop(OfxParamHandle p, const char *prop) {
  const char *v = NULL;
  return props_string(param_props(p), prop, 0, &v) == kOfxStatOK && v ? v : NULL;
}

static bool int_prop_is(OfxParamHandle p, const char *prop, int want, char *why, size_t n) {
  int v = -1;
  OfxStatus st = props_int(param_props(p), prop, 0, &v);
  if (st == kOfxStatOK && v == want) return true;
  snprintf(why, n, "param %s: %s = %d (%s), expected %d", param_name(p), prop, v, status_name(st), want);
  return false;
}

/* The page (by param) listing name among its children, or NULL; count gets how many list it. */
static OfxParamHandle page_of(OfxParamSetHandle set, const char *name, int *index, int *count) {
  OfxParamHandle found = NULL;
  *count = 0;
  for (int i = 0; i < paramset_count(set); i++) {
    OfxParamHandle pg = paramset_at(set, i);
    if (strcmp(param_type(pg), kOfxParamTypePage)) continue;
    int dim = props_dim(param_props(pg), kOfxParamPropPageChild);
    for (int k = 0; k < dim; k++) {
      const char *c = NULL;
      props_string(param_props(pg), kOfxParamPropPageChild, k, &c);
      if (c && !strcmp(c, name)) {
        (*count)++;
        found = pg;
        *index = k;
      }
    }
  }
  return found;
}

/* min <= default <= max and min <= display min < display max <= max, for Integer and Double. */
static bool ranges_sensible(OfxParamHandle p, char *why, size_t n) {
  OfxPropertySetHandle ps = param_props(p);
  double v[5];
  static const char *const props[5] = {kOfxParamPropMin, kOfxParamPropDefault, kOfxParamPropMax, kOfxParamPropDisplayMin,
                                       kOfxParamPropDisplayMax};
  bool is_double = !strcmp(param_type(p), kOfxParamTypeDouble);
  for (int i = 0; i < 5; i++) {
    int iv = 0;
    OfxStatus st = is_double ? props_double(ps, props[i], 0, &v[i]) : props_int(ps, props[i], 0, &iv);
    if (!is_double) v[i] = iv;
    if (st != kOfxStatOK) {
      snprintf(why, n, "param %s has no %s (%s)", param_name(p), props[i], status_name(st));
      return false;
    }
  }
  if (!(v[0] <= v[1] && v[1] <= v[2] && v[0] <= v[3] && v[3] < v[4] && v[4] <= v[2])) {
    snprintf(why, n, "param %s: min %g default %g max %g display [%g,%g] are not min <= default <= max, "
             "min <= display min < display max <= max", param_name(p), v[0], v[1], v[2], v[3], v[4]);
    return false;
  }
  /* A slider over two billion values is unusable: sliders of wide ranges get a display range. */
  if (v[4] - v[3] > 100000) {
    snprintf(why, n, "param %s: display range [%g,%g] is too wide for a slider", param_name(p), v[3], v[4]);
    return false;
  }
  return true;
}

static bool check_layout(PluginKind kind, OfxParamSetHandle set, char *why, size_t n) {
  /* The contract's placements. */
  for (const Placement *pl = contract_places[kind]; pl->param; pl++) {
    OfxParamHandle p = paramset_find(set, pl->param);
    const char *parent = p ? string_prop(p, kOfxParamPropParent) : NULL;
    if (!p || !parent || strcmp(parent, pl->group)) {
      snprintf(why, n, "param %s: parent \"%s\", expected \"%s\"", pl->param, p ? parent ? parent : "?" : "(not defined)",
               pl->group);
      return false;
    }
  }
  for (int i = 0; i < paramset_count(set); i++) {
    OfxParamHandle p = paramset_at(set, i);
    const char *type = param_type(p), *name = param_name(p);
    if (!strcmp(type, kOfxParamTypePage)) continue;
    const char *hint = string_prop(p, kOfxParamPropHint), *label = string_prop(p, kOfxPropLabel);
    if (!hint || !*hint || !label || !*label || !strcmp(label, name)) {
      snprintf(why, n, "param %s: label \"%s\" and hint \"%s\" must be written for artists", name, label ? label : "?",
               hint ? hint : "?");
      return false;
    }
    const char *parent = string_prop(p, kOfxParamPropParent);
    bool is_group = !strcmp(type, kOfxParamTypeGroup);
    if (is_group) {
      size_t g = 0;
      while (g < NGROUPS && strcmp(group_layout[g].group, name)) g++;
      if (g == NGROUPS) {
        snprintf(why, n, "group %s is not one of the contract's groups", name);
        return false;
      }
      if (parent && *parent) {
        snprintf(why, n, "group %s is nested in %s; groups sit directly on pages", name, parent);
        return false;
      }
      if (!int_prop_is(p, TH_ParamPropGroupOpen, group_layout[g].open, why, n)) return false;
      int at = 0, count = 0;
      OfxParamHandle pg = page_of(set, name, &at, &count);
      if (count != 1 || strcmp(param_name(pg), group_layout[g].page)) {
        snprintf(why, n, "group %s is listed on %d page(s)%s%s, expected once on %s", name, count, pg ? ", on " : "",
                 pg ? param_name(pg) : "", group_layout[g].page);
        return false;
      }
      continue;
    }
    /* A non-group: its parent is a group defined before it, and it is on that group's page, after the group. */
    OfxParamHandle g = parent && *parent ? paramset_find(set, parent) : NULL;
    if (!g || strcmp(param_type(g), kOfxParamTypeGroup)) {
      snprintf(why, n, "param %s: parent \"%s\" is not a Group param", name, parent ? parent : "");
      return false;
    }
    int gi = -1, pi = -1;
    for (int k = 0; k < paramset_count(set); k++) {
      if (paramset_at(set, k) == g) gi = k;
      if (paramset_at(set, k) == p) pi = k;
    }
    if (gi > pi) {
      snprintf(why, n, "param %s is defined before its group %s (hosts resolve the parent at definition)", name, parent);
      return false;
    }
    int at_p = 0, at_g = 0, count_p = 0, count_g = 0;
    OfxParamHandle page = page_of(set, name, &at_p, &count_p), gpage = page_of(set, parent, &at_g, &count_g);
    if (count_p != 1 || page != gpage || at_p < at_g) {
      snprintf(why, n, "param %s is on %d page(s), expected once on its group %s's page after the group", name, count_p,
               parent);
      return false;
    }
    if ((!strcmp(type, kOfxParamTypeInteger) || !strcmp(type, kOfxParamTypeDouble)) && !ranges_sensible(p, why, n))
      return false;
    if (!strcmp(type, kOfxParamTypePushButton) && !int_prop_is(p, kOfxParamPropEvaluateOnChange, 0, why, n)) return false;
    if (!strncmp(name, "status", 6)) {
      const char *mode = string_prop(p, kOfxParamPropStringMode);
      if (strcmp(type, kOfxParamTypeString) || !mode || strcmp(mode, TH_ParamStringIsLabel)) {
        snprintf(why, n, "status %s is %s with mode %s, expected a String in label mode", name, type, mode ? mode : "?");
        return false;
      }
      if (!int_prop_is(p, kOfxParamPropEnabled, 0, why, n) || !int_prop_is(p, kOfxParamPropEvaluateOnChange, 0, why, n) ||
          !int_prop_is(p, kOfxParamPropPersistant, 0, why, n) || !int_prop_is(p, kOfxParamPropAnimates, 0, why, n))
        return false;
    }
  }
  return true;
}

static void describe_pages_checks(Bundle *b) {
  for (int k = 0; k < PLUGIN_KINDS; k++)
    for (int c = 0; c < CTX_KINDS; c++) {
      if (!contract_supports((PluginKind)k, (ContextKind)c)) continue;
      char name[160], why[1024] = "";
      snprintf(name, sizeof name, "pages/describe/%s/%s", plugin_short[k], context_short[c]);
      if (!check_wanted(name)) continue;
      HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
      OfxImageEffectHandle d = hp ? hp->ctx_desc[c] : NULL;
      if (!d) {
        check_fail(name, "no %s descriptor", context_short[c]);
        continue;
      }
      check_report(name, check_layout((PluginKind)k, d->params, why, sizeof why), why);
    }
}

static ContextKind first_context(PluginKind k) { return k == PLUGIN_GENERATE ? CTX_GENERATOR : CTX_FILTER; }

/*
 * GET of a panel address "PORT/?t=TOKEN..." (what follows "http://127.0.0.1:" in the message) as
 * a browser on this machine would; returns the HTTP status, or -1 with the reason in why.
 */
static int panel_http_status(const char *after_host, char *why, size_t why_size) {
  char *end;
  long port = strtol(after_host, &end, 10);
  if (port <= 0 || port > 65535 || strncmp(end, "/?t=", 4)) {
    snprintf(why, why_size, "no port and token in the address: %.200s", after_host);
    return -1;
  }
  size_t path_len = strcspn(end, " \t\r\n");
  if (path_len > 200) {
    snprintf(why, why_size, "address too long: %.200s", end);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    snprintf(why, why_size, "socket() failed");
    return -1;
  }
  struct timeval tv = {10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char request[400], response[64] = "";
  int n = snprintf(request, sizeof request, "GET %.*s HTTP/1.1\r\nHost: 127.0.0.1:%ld\r\nConnection: close\r\n\r\n",
                   (int)path_len, end, port);
  ssize_t got = -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && write(fd, request, (size_t)n) == n) {
    got = read(fd, response, sizeof response - 1);
  }
  close(fd);
  int status = -1;
  if (got <= 0 || sscanf(response, "HTTP/1.%*d %d", &status) != 1) {
    snprintf(why, why_size, "no HTTP answer from 127.0.0.1:%ld", port);
    return -1;
  }
  return status;
}

/* The bundle's PanelLink: pressing the button starts the panel and says where; the address serves it. */
static void web_panel_button_checks(Bundle *b) {
  for (int k = 0; k < PLUGIN_KINDS; k++) {
    char name[160], why[1024] = "";
    snprintf(name, sizeof name, "pages/open-web-panel/%s", plugin_short[k]);
    if (!check_wanted(name)) continue;
    HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
    OfxImageEffectHandle inst = NULL;
    OfxStatus st = hp ? instance_create(hp, first_context((PluginKind)k), &inst) : kOfxStatErrBadHandle;
    bool ok = st == kOfxStatOK;
    if (!ok) snprintf(why, sizeof why, "CreateInstance returned %s", status_name(st));
    if (ok) {
      st = instance_param_changed(inst, "openWebPanel", 0);
      MessageRecord r;
      bool got = messages_for(inst, &r);
      if (!status_ok_or_default(st)) {
        ok = false;
        snprintf(why, sizeof why, "InstanceChanged(openWebPanel) returned %s", status_name(st));
      } else if (!got || r.posted < 1 || !strstr(r.last_text, PANEL_AT) || strcmp(r.last_type, "OfxMessageMessage")) {
        ok = false;
        snprintf(why, sizeof why, "expected an OfxMessageMessage saying \"%s...\", got %d message(s), last %.60s: %.400s",
                 PANEL_AT, got ? r.posted : 0, got ? r.last_type : "-", got ? r.last_text : "-");
      } else if (r.persistent) {
        ok = false;
        snprintf(why, sizeof why, "the button left a persistent message on the node: %.400s", r.persistent_text);
      } else {
        int status = panel_http_status(strstr(r.last_text, PANEL_AT) + strlen(PANEL_AT), why, sizeof why);
        if (status != 200) {
          ok = false;
          if (status > 0) snprintf(why, sizeof why, "the panel's address answered HTTP %d: %.300s", status, r.last_text);
        }
      }
    }
    if (inst) instance_destroy(inst);
    check_report(name, ok, why);
  }
}

static const char *status_value(OfxImageEffectHandle inst, const char *param) {
  OfxParamHandle p = paramset_find(inst->params, param);
  const char *v = NULL;
  if (!p || th_param_suite.paramGetValue(p, &v) != kOfxStatOK) return NULL;
  return v;
}

static bool expect_status(OfxImageEffectHandle inst, const char *param, const char *want_prefix, const char *when,
                          char *why, size_t n) {
  const char *v = status_value(inst, param);
  if (v && !strncmp(v, want_prefix, strlen(want_prefix))) return true;
  snprintf(why, n, "%s: %s is \"%s\", expected \"%s...\"", when, param, v ? v : "(none)", want_prefix);
  return false;
}

static bool render_once(Fixture *f, double t, char *why, size_t n) {
  Image *out = fixture_output(f, f->spec.depth, 4);
  OfxStatus st = instance_render_sequence(f->inst, t, f->spec.window, out);
  image_free(out);
  if (st == kOfxStatOK) return true;
  snprintf(why, n, "Render at %g returned %s", t, status_name(st));
  append_plugin_message(f->inst, why, n);
  return false;
}

/* ExtendShot's Save shot model to, set after the solve: the next render (a cache hit, so the shot is fitted
 * again) writes the model file, and the Shot model status says where. */
static bool save_model_check(Fixture *f, double t, char *why, size_t n) {
  char dir[] = "/tmp/worldfx-testhost-model.XXXXXX", file[64];
  if (!mkdtemp(dir)) {
    snprintf(why, n, "mkdtemp: %s", strerror(errno));
    return false;
  }
  snprintf(file, sizeof file, "%s/shot.safetensors", dir);
  OfxStatus st = instance_set_string(f->inst, "saveModel", file);
  bool ok = st == kOfxStatOK;
  if (!ok) snprintf(why, n, "setting saveModel returned %s", status_name(st));
  ok = ok && render_once(f, t, why, n);
  st = ok ? instance_param_changed(f->inst, "saveModel", t) : kOfxStatOK;
  ok = ok && status_ok_or_default(st) &&
       expect_status(f->inst, "statusCacheHit", "yes", "saveModel set after the solve", why, n) &&
       expect_status(f->inst, "statusShotModel", "written to ", "saveModel set after the solve", why, n);
  struct stat sb;
  if (ok && (stat(file, &sb) || sb.st_size < 1024)) {
    ok = false;
    snprintf(why, n, "the status says written, but %s is missing or too small for a model", file);
  }
  unlink(file);
  rmdir(dir);
  return ok;
}

/* A solve shows in the status after the next instance-changed, never during the render; a second
 * render reads the cache; the host's echo of the plugin's own write (plugin-edited) writes nothing. */
static void status_check(Bundle *b, PluginKind kind, double t1, double t2) {
  char name[160], why[1024] = "";
  snprintf(name, sizeof name, "pages/status-after-solve/%s", plugin_short[kind]);
  if (!check_wanted(name)) return;
  Fixture f;
  RenderSpec s = render_spec_default(kind, CTX_FILTER, DEPTH_FLOAT);
  s.seed = 4242; /* a solve no other check has put in the sequence cache */
  s.frames_to_add = 4;
  bool ok = fixture_setup(b, &s, &f, why, sizeof why);
  ok = ok && expect_status(f.inst, "statusSolve", "not solved", "before any render", why, sizeof why);
  int sets_before = param_plugin_sets();
  ok = ok && render_once(&f, t1, why, sizeof why);
  if (ok && param_plugin_sets() != sets_before) {
    ok = false;
    snprintf(why, sizeof why, "the plugin set %d parameter value(s) during the render", param_plugin_sets() - sets_before);
  }
  ok = ok && expect_status(f.inst, "statusSolve", "not solved", "after the render, before instance-changed", why,
                           sizeof why);
  OfxStatus st = ok ? instance_param_changed(f.inst, "refreshStatus", t1) : kOfxStatOK;
  if (!status_ok_or_default(st)) {
    ok = false;
    snprintf(why, sizeof why, "InstanceChanged(refreshStatus) returned %s", status_name(st));
  }
  ok = ok && expect_status(f.inst, "statusSolve", "solved", "after the solve", why, sizeof why) &&
       expect_status(f.inst, "statusCacheHit", "no", "after the solve", why, sizeof why) &&
       expect_status(f.inst, "statusBackend", "cpu", "after the solve", why, sizeof why);
  if (ok && kind == PLUGIN_EXTEND) {
    const char *v = status_value(f.inst, "statusSafeLength");
    if (!v || !strstr(v, "frame(s)")) {
      ok = false;
      snprintf(why, sizeof why, "after the back-test: statusSafeLength is \"%s\", expected \"N frame(s)...\"",
               v ? v : "(none)");
    }
  }
  ok = ok && render_once(&f, t2, why, sizeof why);
  st = ok ? instance_param_changed(f.inst, "seed", t2) : kOfxStatOK;
  ok = ok && status_ok_or_default(st) &&
       expect_status(f.inst, "statusCacheHit", "yes", "after a second render of the solved shot", why, sizeof why);
  if (ok && kind == PLUGIN_EXTEND) ok = save_model_check(&f, t2, why, sizeof why);
  if (ok) {
    int sets = param_plugin_sets();
    st = instance_param_changed_by(f.inst, "statusCacheHit", t2, "OfxChangePluginEdited");
    if (!status_ok_or_default(st) || param_plugin_sets() != sets) {
      ok = false;
      snprintf(why, sizeof why, "InstanceChanged for the plugin's own write returned %s and set %d value(s): a host "
               "that echoes it would loop", status_name(st), param_plugin_sets() - sets);
    }
  }
  fixture_teardown(&f);
  check_report(name, ok, why);
}

/* A host without Group, Page and PushButton types still gets every parameter, with no parent
 * naming a group that does not exist. Describes again afterwards with the types back. */
static void no_layout_types_check(Bundle *b) {
  const char *name = "pages/host-without-groups-pages-buttons";
  if (!check_wanted(name)) return;
  char why[1024] = "";
  bool ok = true;
  th_refuse_layout_params = true;
  for (int k = 0; k < PLUGIN_KINDS && ok; k++) {
    HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
    ContextKind c = first_context((PluginKind)k);
    OfxStatus st = hp ? plugin_describe_in_context(hp, c) : kOfxStatErrBadHandle;
    if (st != kOfxStatOK) {
      snprintf(why, sizeof why, "%s: DescribeInContext returned %s", plugin_short[k], status_name(st));
      ok = false;
      break;
    }
    OfxParamSetHandle set = hp->ctx_desc[c]->params;
    for (const Placement *pl = contract_places[k]; pl->param && ok; pl++) {
      OfxParamHandle p = paramset_find(set, pl->param);
      bool button = !strcmp(pl->param, "refreshStatus") || !strcmp(pl->param, "openWebPanel");
      const char *parent = p ? string_prop(p, kOfxParamPropParent) : NULL;
      if (button ? p != NULL : p == NULL) {
        snprintf(why, sizeof why, "%s: %s is %s", plugin_short[k], pl->param, button ? "defined" : "missing");
        ok = false;
      } else if (p && parent && *parent) {
        snprintf(why, sizeof why, "%s: %s names parent %s, which the host refused", plugin_short[k], pl->param, parent);
        ok = false;
      }
    }
  }
  th_refuse_layout_params = false;
  for (int k = 0; k < PLUGIN_KINDS; k++) {
    HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
    if (hp) plugin_describe_in_context(hp, first_context((PluginKind)k));
  }
  check_report(name, ok, why);
}

void run_pages_checks(Bundle *b) {
  describe_pages_checks(b);
  web_panel_button_checks(b);
  status_check(b, PLUGIN_INPAINT, 4, 5);
  status_check(b, PLUGIN_EXTEND, 11, 12);
  no_layout_types_check(b);
  /* Over every render this run made so far: not one parameter write inside a Render action. */
  const char *name = "pages/no-param-writes-during-renders";
  if (check_wanted(name)) {
    int n = param_plugin_sets_in_render();
    char why[200] = "";
    if (n) snprintf(why, sizeof why, "the plugin called paramSetValue %d time(s) while a Render was in flight", n);
    check_report(name, n == 0, why);
  }
}
