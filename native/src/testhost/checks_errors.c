/*
 * Bad input: unsupported or mismatched pixels, images the host cannot deliver, NULL
 * handles and arguments, unknown actions, empty windows and images. Each must give the
 * contract's status, leave the output untouched where it says so, never crash, and
 * (for failures) tell the user why through the message suite.
 */
#include "testhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum { MSG_NONE, MSG_ANY, MSG_PERSISTENT } MessageNeed;
typedef enum { BREAK_NOTHING, BREAK_SOURCE_FETCH, BREAK_MASK_FETCH, BREAK_MASK_DISCONNECTED } Breakage;

typedef struct BadCase {
  const char *label;
  Depth src_depth, out_depth;
  int src_ncomp;
  Breakage breakage;
  OfxStatus want;
  MessageNeed message;
  const char *const *keywords; /* the message must mention one of these */
} BadCase;

static const char *const kw_depth[] = {"half", "depth", NULL};
static const char *const kw_mismatch[] = {"depth", "format", "match", "differ", "same", NULL};
static const char *const kw_components[] = {"component", "format", "match", "differ", "same", "rgb", NULL};
static const char *const kw_source[] = {"source", NULL};
static const char *const kw_mask[] = {"mask", NULL};

static const char *mentions(const char *text, const char *const *keywords) {
  for (int i = 0; keywords[i]; i++)
    if (strcasestr(text, keywords[i])) return keywords[i];
  return NULL;
}

static void keyword_list(const char *const *kw, char *out, size_t n) {
  out[0] = '\0';
  for (int i = 0; kw[i]; i++) {
    size_t len = strlen(out);
    snprintf(out + len, n - len, "%s\"%s\"", i ? " or " : "", kw[i]);
  }
}

/* The messages check for one failing render: the text the user sees names the problem. */
static void report_message(const char *name, OfxImageEffectHandle inst, MessageNeed need, const char *const *kw) {
  MessageRecord r;
  bool have = messages_for(inst, &r);
  const char *text = NULL;
  if (have && r.persistent) text = r.persistent_text;
  else if (have && r.posted && need == MSG_ANY) text = r.last_text;
  if (!text) {
    const void *other;
    MessageRecord o;
    char extra[600] = "";
    if (messages_any_other(inst, &other, &o))
      snprintf(extra, sizeof extra, " (a message went to handle %p instead of the instance: \"%.400s\")", other,
               o.persistent ? o.persistent_text : o.last_text);
    else if (have && r.posted)
      snprintf(extra, sizeof extra, " (only a transient message was posted: \"%.400s\")", r.last_text);
    check_fail(name, "no %s message set on the instance%s", need == MSG_PERSISTENT ? "persistent" : "", extra);
    return;
  }
  char want[200];
  keyword_list(kw, want, sizeof want);
  if (!*text) check_fail(name, "the message text is empty");
  else if (!mentions(text, kw)) check_fail(name, "message \"%s\" does not mention %s", text, want);
  else check_pass(name);
}

static void bad_render(Bundle *b, PluginKind p, ContextKind c, const BadCase *bc) {
  char name[200], msg_name[200];
  snprintf(name, sizeof name, "bad-input/%s/%s/%s", bc->label, plugin_short[p], context_short[c]);
  snprintf(msg_name, sizeof msg_name, "messages/%s/%s/%s", bc->label, plugin_short[p], context_short[c]);
  bool want_msg_check = bc->message != MSG_NONE && check_wanted(msg_name);
  if (!check_wanted(name) && !want_msg_check) return;
  char why[1024] = "";
  RenderSpec s = render_spec_default(p, c, bc->src_depth);
  s.src_ncomp = bc->src_ncomp;
  if (bc->breakage == BREAK_MASK_DISCONNECTED) s.mask_ncomp = 0; /* "Mask clip" selected, nothing connected */
  Fixture f;
  Image *out = NULL;
  bool rendered = false;
  bool ok = fixture_setup(b, &s, &f, why, sizeof why);
  if (ok) {
    OfxImageClipHandle out_clip = effect_clip(f.inst, kOfxImageEffectOutputClipName);
    clip_set_format(out_clip, bc->out_depth, 4);
    if (bc->breakage == BREAK_SOURCE_FETCH) clip_set_fail(effect_clip(f.inst, kOfxImageEffectSimpleSourceClipName), true);
    if (bc->breakage == BREAK_MASK_FETCH) clip_set_fail(effect_clip(f.inst, "Mask"), true);
    out = fixture_output(&f, bc->out_depth, 4);
    OfxStatus st = instance_render_sequence(f.inst, s.time, s.window, out);
    rendered = true;
    if (st != bc->want) {
      snprintf(why, sizeof why, "Render returned %s, expected %s", status_name(st), status_name(bc->want));
      append_plugin_message(f.inst, why, sizeof why);
      ok = false;
    } else {
      ok = image_untouched(out, why, sizeof why);
    }
    MessageRecord r;
    if (ok && bc->want == kOfxStatFailed && !(messages_for(f.inst, &r) && (r.persistent || r.posted))) {
      snprintf(why, sizeof why, "kOfxStatFailed without any message to the user");
      ok = false;
    }
  }
  if (check_wanted(name)) check_report(name, ok, why);
  if (want_msg_check) {
    if (rendered) report_message(msg_name, f.inst, bc->message, bc->keywords);
    else check_fail(msg_name, "no render: %s", why);
  }
  image_free(out);
  fixture_teardown(&f);
}

/* A render that must succeed without writing a byte. */
static void empty_render(Bundle *b, PluginKind p, ContextKind c, bool empty_image) {
  char name[200];
  snprintf(name, sizeof name, "bad-input/%s/%s/%s", empty_image ? "empty-output-image" : "empty-render-window",
           plugin_short[p], context_short[c]);
  if (!check_wanted(name)) return;
  char why[1024] = "";
  RenderSpec s = render_spec_default(p, c, DEPTH_FLOAT);
  if (empty_image) s.out_bounds = rect(0, 0, 0, 0);
  else s.window = rect(5, 5, 5, 9);
  Fixture f;
  Image *out = NULL;
  bool ok = fixture_setup(b, &s, &f, why, sizeof why);
  if (ok) {
    out = fixture_output(&f, s.depth, 4);
    OfxStatus st = instance_render_sequence(f.inst, s.time, s.window, out);
    if (st != kOfxStatOK) {
      snprintf(why, sizeof why, "Render returned %s, expected kOfxStatOK", status_name(st));
      append_plugin_message(f.inst, why, sizeof why);
      ok = false;
    } else {
      ok = image_untouched(out, why, sizeof why);
    }
  }
  check_report(name, ok, why);
  image_free(out);
  fixture_teardown(&f);
}

static void expect_status(const char *name, OfxStatus got, OfxStatus want) {
  if (got == want) check_pass(name);
  else check_fail(name, "returned %s, expected %s", status_name(got), status_name(want));
}

/* NULL handles and arguments, unknown actions: answered, never dereferenced. */
static void handle_checks(Bundle *b, PluginKind p) {
  HostPlugin *hp = bundle_plugin(b, p);
  ContextKind c = p == PLUGIN_GENERATE ? CTX_GENERATOR : CTX_FILTER;
  char name[200];
  if (!hp) return;

  snprintf(name, sizeof name, "bad-input/null-handle/Describe/%s", plugin_short[p]);
  if (check_wanted(name)) expect_status(name, plugin_action(hp, kOfxActionDescribe, NULL, NULL, NULL), kOfxStatErrBadHandle);

  snprintf(name, sizeof name, "bad-input/null-handle/DescribeInContext/%s", plugin_short[p]);
  if (check_wanted(name)) {
    OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
    props_def_string(in, kOfxImageEffectPropContext, context_ofx[c]);
    expect_status(name, plugin_action(hp, kOfxImageEffectActionDescribeInContext, NULL, in, NULL), kOfxStatErrBadHandle);
    props_free(in);
  }

  snprintf(name, sizeof name, "bad-input/null-handle/CreateInstance/%s", plugin_short[p]);
  if (check_wanted(name)) expect_status(name, plugin_action(hp, kOfxActionCreateInstance, NULL, NULL, NULL), kOfxStatErrBadHandle);

  snprintf(name, sizeof name, "bad-input/null-handle/Render/%s", plugin_short[p]);
  if (check_wanted(name)) {
    OfxPropertySetHandle in = props_new(PS_ARGS, NULL);
    int window[4] = {0, 0, 8, 8};
    double scale[2] = {1, 1};
    props_def_double(in, kOfxPropTime, 0);
    props_def_string(in, kOfxImageEffectPropFieldToRender, kOfxImageFieldNone);
    props_def_ints(in, kOfxImageEffectPropRenderWindow, true, 4, window);
    props_def_doubles(in, kOfxImageEffectPropRenderScale, true, 2, scale);
    expect_status(name, plugin_action(hp, kOfxImageEffectActionRender, NULL, in, NULL), kOfxStatErrBadHandle);
    props_free(in);
  }

  char null_args[200], unknown[200];
  snprintf(null_args, sizeof null_args, "bad-input/null-inargs/Render/%s", plugin_short[p]);
  snprintf(unknown, sizeof unknown, "bad-input/unknown-action/%s", plugin_short[p]);
  if (!check_wanted(null_args) && !check_wanted(unknown)) return;
  Fixture f;
  char why[1024] = "";
  RenderSpec s = render_spec_default(p, c, DEPTH_FLOAT);
  bool ok = fixture_setup(b, &s, &f, why, sizeof why);
  if (check_wanted(null_args)) {
    if (!ok) {
      check_fail(null_args, "%s", why);
    } else {
      Image *out = fixture_output(&f, s.depth, 4);
      f.inst->current_output = out;
      OfxStatus st = plugin_action(hp, kOfxImageEffectActionRender, f.inst, NULL, NULL);
      f.inst->current_output = NULL;
      if (st != kOfxStatErrBadHandle) check_fail(null_args, "returned %s, expected kOfxStatErrBadHandle", status_name(st));
      else if (!image_untouched(out, why, sizeof why)) check_fail(null_args, "%s", why);
      else check_pass(null_args);
      image_free(out);
    }
  }
  if (check_wanted(unknown)) {
    if (!ok) check_fail(unknown, "%s", why);
    else expect_status(unknown, plugin_action(hp, "dev.worldfx.testhost.NoSuchAction", f.inst, NULL, NULL),
                       kOfxStatReplyDefault);
  }
  fixture_teardown(&f);
}

void run_bad_input_checks(Bundle *b) {
  static const BadCase cases[] = {
    {"half-depth", DEPTH_HALF, DEPTH_HALF, 4, BREAK_NOTHING, kOfxStatErrImageFormat, MSG_ANY, kw_depth},
    {"depth-mismatch", DEPTH_FLOAT, DEPTH_BYTE, 4, BREAK_NOTHING, kOfxStatErrImageFormat, MSG_ANY, kw_mismatch},
    {"components-mismatch", DEPTH_BYTE, DEPTH_BYTE, 3, BREAK_NOTHING, kOfxStatErrImageFormat, MSG_ANY, kw_components},
    {"missing-source-image", DEPTH_BYTE, DEPTH_BYTE, 4, BREAK_SOURCE_FETCH, kOfxStatFailed, MSG_PERSISTENT, kw_source},
  };
  static const BadCase half_generator = {"half-depth", DEPTH_HALF, DEPTH_HALF, 4, BREAK_NOTHING,
                                         kOfxStatErrImageFormat, MSG_ANY, kw_depth};
  static const BadCase no_mask = {"mask-clip-not-connected", DEPTH_BYTE, DEPTH_BYTE, 4, BREAK_MASK_DISCONNECTED,
                                  kOfxStatFailed, MSG_PERSISTENT, kw_mask};
  static const BadCase mask_fails = {"mask-image-missing", DEPTH_BYTE, DEPTH_BYTE, 4, BREAK_MASK_FETCH,
                                     kOfxStatFailed, MSG_PERSISTENT, kw_mask};
  static const struct { PluginKind p; ContextKind c; } with_source[] = {
    {PLUGIN_INPAINT, CTX_FILTER}, {PLUGIN_EXTEND, CTX_FILTER}, {PLUGIN_GENERATE, CTX_FILTER},
  };
  for (size_t k = 0; k < 3; k++)
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) bad_render(b, with_source[k].p, with_source[k].c, &cases[i]);
  bad_render(b, PLUGIN_GENERATE, CTX_GENERATOR, &half_generator);
  bad_render(b, PLUGIN_INPAINT, CTX_GENERAL, &no_mask);
  bad_render(b, PLUGIN_INPAINT, CTX_GENERAL, &mask_fails);

  static const struct { PluginKind p; ContextKind c; } all[] = {
    {PLUGIN_INPAINT, CTX_FILTER}, {PLUGIN_EXTEND, CTX_FILTER}, {PLUGIN_GENERATE, CTX_GENERATOR},
    {PLUGIN_GENERATE, CTX_FILTER},
  };
  for (size_t k = 0; k < sizeof all / sizeof *all; k++) {
    empty_render(b, all[k].p, all[k].c, false);
    empty_render(b, all[k].p, all[k].c, true);
  }
  for (int p = 0; p < PLUGIN_KINDS; p++) handle_checks(b, (PluginKind)p);
}
