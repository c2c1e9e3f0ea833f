/*
 * Checks of the plugin as a loadable thing: JVM boot failure, load, describe (against the
 * contract's tables), instance churn, unbalanced Load/Unload, a second copy of the bundle.
 */
#include "testhost.h"

#include <dlfcn.h>
#include <errno.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* ------------------------------------------------------------ 12. boot failure */

static const char *needle;
static bool needle_found;

static int grep_file(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  if (type != FTW_F) return 0;
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  /* Logs are small; read up to 4 MiB of each. */
  size_t cap = 4u << 20, n = 0;
  char *buf = malloc(cap + 1);
  if (buf) {
    n = fread(buf, 1, cap, f);
    buf[n] = '\0';
    needle_found = memmem(buf, n, needle, strlen(needle)) != NULL;
    free(buf);
  }
  fclose(f);
  return needle_found;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw) {
  remove(path);
  return 0;
}

static void remove_tree(const char *dir) { nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

/* In the child: what a host without a usable JVM sees. Exit codes name the failure. */
static void boot_failure_child(const char *bundle_dir, const char *log_dir) {
  alarm(120);
  setenv("WORLDFX_JAVA_HOME", "/nonexistent-jvm", 1);
  setenv("WORLDFX_LOG_DIR", log_dir, 1);
  char binary[4200];
  snprintf(binary, sizeof binary, "%s/Contents/Linux-x86-64/WorldFX.ofx", bundle_dir);
  void *dl = dlopen(binary, RTLD_NOW | RTLD_LOCAL);
  if (!dl) exit(10);
  OfxGetNumberOfPluginsFn count = (OfxGetNumberOfPluginsFn)dlsym(dl, "OfxGetNumberOfPlugins");
  OfxGetPluginFn get = (OfxGetPluginFn)dlsym(dl, "OfxGetPlugin");
  if (!count || !get) exit(11);
  int n = count();
  if (n != 0) exit(20 + (n > 0 && n < 50 ? n : 50));
  if (get(0) != NULL) exit(12);
  exit(0);
}

void run_boot_failure_check(const char *bundle_dir) {
  const char *name = "boot-failure";
  if (!check_wanted(name)) return;
  char log_dir[] = "/tmp/worldfx-testhost-log-XXXXXX";
  if (!mkdtemp(log_dir)) {
    check_fail(name, "mkdtemp: %s", strerror(errno));
    return;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    check_fail(name, "fork: %s", strerror(errno));
    return;
  }
  if (pid == 0) boot_failure_child(bundle_dir, log_dir);
  int status = 0;
  waitpid(pid, &status, 0);
  if (WIFSIGNALED(status)) {
    check_fail(name, "the child crashed with signal %d loading the bundle with WORLDFX_JAVA_HOME=/nonexistent-jvm",
               WTERMSIG(status));
  } else if (WEXITSTATUS(status) != 0) {
    int code = WEXITSTATUS(status);
    if (code == 10) check_fail(name, "dlopen of the bundle binary failed");
    else if (code == 11) check_fail(name, "entry points missing");
    else if (code == 12) check_fail(name, "OfxGetPlugin(0) returned non-NULL with no JVM");
    else if (code >= 20 && code <= 70)
      check_fail(name, "OfxGetNumberOfPlugins returned %d with no JVM (expected 0)", code - 20);
    else check_fail(name, "the child exited with %d (expected 0: a host must survive a failed boot)", code);
  } else {
    needle = "WORLDFX_JAVA_HOME";
    needle_found = false;
    nftw(log_dir, grep_file, 16, FTW_PHYS);
    if (needle_found) check_pass(name);
    else check_fail(name, "no log file under WORLDFX_LOG_DIR=%s mentions WORLDFX_JAVA_HOME", log_dir);
  }
  remove_tree(log_dir);
}

/* A host's console is the host's: booting the JVM (in a fork, before this process has one)
 * must print nothing on stdout or stderr — no "Picked up ...", no incubator-module warning. */
void run_quiet_boot_check(const char *bundle_dir) {
  const char *name = "boot-prints-nothing";
  if (!check_wanted(name)) return;
  char out_path[] = "/tmp/worldfx-testhost-out-XXXXXX";
  int out_fd = mkstemp(out_path);
  if (out_fd < 0) {
    check_fail(name, "mkstemp: %s", strerror(errno));
    return;
  }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, 1);
    dup2(out_fd, 2);
    char binary[4200];
    snprintf(binary, sizeof binary, "%s/Contents/Linux-x86-64/WorldFX.ofx", bundle_dir);
    void *dl = dlopen(binary, RTLD_NOW | RTLD_LOCAL);
    OfxGetNumberOfPluginsFn count = dl ? (OfxGetNumberOfPluginsFn)dlsym(dl, "OfxGetNumberOfPlugins") : NULL;
    _exit(count && count() == 3 ? 0 : 1);
  }
  close(out_fd);
  int status = 0;
  waitpid(pid, &status, 0);
  struct stat st;
  long size = stat(out_path, &st) == 0 ? (long)st.st_size : -1;
  char first[200] = "";
  FILE *f = fopen(out_path, "r");
  if (f) {
    if (!fgets(first, sizeof first, f)) first[0] = 0;
    fclose(f);
  }
  unlink(out_path);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    check_fail(name, "the child did not boot the bundle to 3 plugins (status %d)", status);
  } else if (size != 0) {
    first[strcspn(first, "\n")] = 0;
    check_fail(name, "booting printed %ld bytes on the host's stdout/stderr, starting: %s", size, first);
  } else {
    check_pass(name);
  }
}

/* ------------------------------------------------------------ 1. load */

void prepare_plugins(Bundle *b) {
  for (int i = 0; i < b->nplugins; i++) {
    char why[512];
    if (b->plugins[i].kind != PLUGIN_KINDS) plugin_prepare(&b->plugins[i], why, sizeof why);
  }
}

bool run_load_check(Bundle *b, const char *bundle_dir) {
  const char *name = "load";
  char why[1024] = "";
  if (!bundle_open(b, bundle_dir, why, sizeof why)) {
    check_fail(name, "%s", why);
    return false;
  }
  bool ok = true;
  if (b->nplugins != PLUGIN_KINDS) {
    snprintf(why, sizeof why, "OfxGetNumberOfPlugins returned %d, expected 3", b->nplugins);
    ok = false;
  }
  for (int k = 0; k < PLUGIN_KINDS && ok; k++) {
    int seen = 0;
    for (int i = 0; i < b->nplugins; i++) seen += b->plugins[i].kind == (PluginKind)k;
    if (seen != 1) {
      snprintf(why, sizeof why, "plugin %s listed %d times", plugin_ids[k], seen);
      ok = false;
    }
  }
  for (int i = 0; i < b->nplugins && ok; i++) {
    const OfxPlugin *p = b->plugins[i].ofx;
    if (b->plugins[i].kind == PLUGIN_KINDS) {
      snprintf(why, sizeof why, "unexpected plugin id %s", p->pluginIdentifier ? p->pluginIdentifier : "(null)");
      ok = false;
    } else if (!p->pluginApi || strcmp(p->pluginApi, kOfxImageEffectPluginApi)) {
      snprintf(why, sizeof why, "%s: pluginApi %s", p->pluginIdentifier, p->pluginApi ? p->pluginApi : "(null)");
      ok = false;
    } else if (p->apiVersion != 1) {
      snprintf(why, sizeof why, "%s: apiVersion %d", p->pluginIdentifier, p->apiVersion);
      ok = false;
    } else if (p->pluginVersionMajor != 1 || p->pluginVersionMinor != 0) {
      snprintf(why, sizeof why, "%s: version %u.%u, expected 1.0", p->pluginIdentifier, p->pluginVersionMajor,
               p->pluginVersionMinor);
      ok = false;
    } else if (!p->setHost || !p->mainEntry) {
      snprintf(why, sizeof why, "%s: setHost or mainEntry is NULL", p->pluginIdentifier);
      ok = false;
    }
  }
  if (check_wanted(name) || !ok) check_report(name, ok, why);
  if (b->nplugins == 0) return false;
  prepare_plugins(b);
  return true;
}

/* ------------------------------------------------------------ 2. describe */

typedef struct ParamSpec {
  const char *name;
  const char *type;
  double def;           /* numeric default (choice: index) */
  double def_general;   /* default in the General context (matteSource differs) */
  bool has_range;
  double min, max;
  const char *const *options;
  int file_path;        /* strings: 0 plain text; 1 a file to read (Open dialog); 2 a file to write (Save dialog) */
} ParamSpec;

static const char *const matte_options[] = {"Mask clip", "Source alpha", "Source luminance", NULL};
static const char *const quality_options[] = {"Draft", "Final", NULL};
static const char *const output_options[] = {"Result", "Confidence", "Propagated only", NULL};
static const char *const extend_output_options[] = {"Result", "Back-test drift matte", NULL};
static const char *const direction_options[] = {"Forward", "Backward", "Both", NULL};

static const ParamSpec inpaint_params[] = {
  {"matteSource", kOfxParamTypeChoice, 1, 0, false, 0, 0, matte_options, 0},
  {"dilate", kOfxParamTypeInteger, 0, 0, true, 0, 256, NULL, 0},
  {"feather", kOfxParamTypeDouble, 0, 0, true, 0, 256, NULL, 0},
  {"temporalRadius", kOfxParamTypeInteger, 8, 8, true, 0, 100, NULL, 0},
  {"quality", kOfxParamTypeChoice, 0, 0, false, 0, 0, quality_options, 0},
  {"seed", kOfxParamTypeInteger, 0, 0, true, 0, 2147483647, NULL, 0},
  {"output", kOfxParamTypeChoice, 0, 0, false, 0, 0, output_options, 0},
  {NULL, NULL, 0, 0, false, 0, 0, NULL, 0},
};

static const ParamSpec extend_params[] = {
  {"direction", kOfxParamTypeChoice, 0, 0, false, 0, 0, direction_options, 0},
  {"framesToAdd", kOfxParamTypeInteger, 24, 24, true, 0, 10000, NULL, 0},
  {"quality", kOfxParamTypeChoice, 0, 0, false, 0, 0, quality_options, 0},
  {"seed", kOfxParamTypeInteger, 0, 0, false, 0, 0, NULL, 0},
  {"backtestFrames", kOfxParamTypeInteger, 8, 8, true, 0, 256, NULL, 0},
  {"seamBlend", kOfxParamTypeInteger, 4, 4, true, 0, 64, NULL, 0},
  {"saveModel", kOfxParamTypeString, 0, 0, false, 0, 0, NULL, 2},
  {"output", kOfxParamTypeChoice, 0, 0, false, 0, 0, extend_output_options, 0},
  {NULL, NULL, 0, 0, false, 0, 0, NULL, 0},
};

static const ParamSpec generate_params[] = {
  {"seed", kOfxParamTypeInteger, 0, 0, false, 0, 0, NULL, 0},
  {"variation", kOfxParamTypeDouble, 0.25, 0.25, true, 0, 1, NULL, 0},
  {"modelFile", kOfxParamTypeString, 0, 0, false, 0, 0, NULL, 1},
  {"frames", kOfxParamTypeInteger, 0, 0, true, 0, 10000, NULL, 0},
  {NULL, NULL, 0, 0, false, 0, 0, NULL, 0},
};

static const ParamSpec *const contract_params[PLUGIN_KINDS] = {inpaint_params, extend_params, generate_params};

/* Reads a numeric param property as double whatever the param's value type is. */
static OfxStatus numeric_prop(OfxPropertySetHandle ps, const char *type, const char *prop, double *v) {
  if (!strcmp(type, kOfxParamTypeDouble)) return props_double(ps, prop, 0, v);
  int i = 0;
  OfxStatus st = props_int(ps, prop, 0, &i);
  *v = i;
  return st;
}

static bool expect_int(OfxPropertySetHandle ps, const char *prop, int want, char *why, size_t n);

static bool check_param(const ParamSpec *spec, ContextKind ctx, OfxParamSetHandle set, char *why, size_t n) {
  OfxParamHandle p = paramset_find(set, spec->name);
  if (!p) {
    snprintf(why, n, "param %s not defined", spec->name);
    return false;
  }
  OfxPropertySetHandle ps = param_props(p);
  if (strcmp(param_type(p), spec->type)) {
    snprintf(why, n, "param %s is %s, expected %s", spec->name, param_type(p), spec->type);
    return false;
  }
  const char *hint = NULL;
  if (props_string(ps, kOfxParamPropHint, 0, &hint) != kOfxStatOK || !hint || !*hint) {
    snprintf(why, n, "param %s has an empty OfxParamPropHint", spec->name);
    return false;
  }
  if (!strcmp(spec->type, kOfxParamTypeString)) {
    const char *def = NULL;
    OfxStatus st = props_string(ps, kOfxParamPropDefault, 0, &def);
    if (st != kOfxStatOK || strcmp(def, "")) {
      snprintf(why, n, "param %s default \"%s\" (%s), expected \"\"", spec->name, def ? def : "?", status_name(st));
      return false;
    }
    /* A file path gets the host's file browser: Open for a file the node reads, Save for one it writes. */
    const char *mode = NULL;
    props_string(ps, kOfxParamPropStringMode, 0, &mode);
    const char *want = spec->file_path ? kOfxParamStringIsFilePath : kOfxParamStringIsSingleLine;
    if (!mode || strcmp(mode, want)) {
      snprintf(why, n, "param %s string mode %s, expected %s", spec->name, mode ? mode : "?", want);
      return false;
    }
    return !spec->file_path || expect_int(ps, kOfxParamPropStringFilePathExists, spec->file_path == 1, why, n);
  }
  double def = 0, want = ctx == CTX_GENERAL ? spec->def_general : spec->def;
  OfxStatus st = numeric_prop(ps, spec->type, kOfxParamPropDefault, &def);
  if (st != kOfxStatOK || def != want) {
    snprintf(why, n, "param %s default %g (%s), expected %g", spec->name, def, status_name(st), want);
    return false;
  }
  if (spec->has_range) {
    double lo = 0, hi = 0;
    OfxStatus s1 = numeric_prop(ps, spec->type, kOfxParamPropMin, &lo);
    OfxStatus s2 = numeric_prop(ps, spec->type, kOfxParamPropMax, &hi);
    if (s1 != kOfxStatOK || s2 != kOfxStatOK || lo != spec->min || hi != spec->max) {
      snprintf(why, n, "param %s range [%g,%g], expected [%g,%g]", spec->name, lo, hi, spec->min, spec->max);
      return false;
    }
  }
  if (spec->options) {
    int count = 0;
    while (spec->options[count]) count++;
    int dim = props_dim(ps, kOfxParamPropChoiceOption);
    if (dim != count) {
      snprintf(why, n, "param %s has %d choice options, expected %d", spec->name, dim, count);
      return false;
    }
    for (int i = 0; i < count; i++) {
      const char *opt = NULL;
      props_string(ps, kOfxParamPropChoiceOption, i, &opt);
      if (!opt || strcmp(opt, spec->options[i])) {
        snprintf(why, n, "param %s option %d is \"%s\", expected \"%s\"", spec->name, i, opt ? opt : "?",
                 spec->options[i]);
        return false;
      }
    }
  }
  return true;
}

/* The list property holds exactly these values, in any order. */
static bool exact_list(OfxPropertySetHandle ps, const char *prop, const char *const *want, char *why, size_t n) {
  int count = 0;
  while (want[count]) count++;
  int dim = props_dim(ps, prop);
  bool ok = dim == count;
  for (int i = 0; ok && i < count; i++) ok = props_has_string(ps, prop, want[i]);
  if (!ok) {
    char got[512] = "";
    for (int i = 0; i < dim; i++) {
      const char *v = "?";
      props_string(ps, prop, i, &v);
      size_t len = strlen(got);
      snprintf(got + len, sizeof got - len, "%s%s", i ? "," : "", v);
    }
    snprintf(why, n, "%s = {%s}, expected %d values starting %s", prop, got, count, want[0]);
  }
  return ok;
}

static bool expect_int(OfxPropertySetHandle ps, const char *prop, int want, char *why, size_t n) {
  int v = -12345;
  OfxStatus st = props_int(ps, prop, 0, &v);
  if (st == kOfxStatOK && v == want) return true;
  snprintf(why, n, "%s = %d (%s), expected %d", prop, v, status_name(st), want);
  return false;
}

static bool expect_string(OfxPropertySetHandle ps, const char *prop, const char *want, char *why, size_t n) {
  const char *v = NULL;
  OfxStatus st = props_string(ps, prop, 0, &v);
  if (st == kOfxStatOK && v && !strcmp(v, want)) return true;
  snprintf(why, n, "%s = \"%s\" (%s), expected \"%s\"", prop, v ? v : "?", status_name(st), want);
  return false;
}

static bool check_clips(PluginKind p, ContextKind ctx, OfxImageEffectHandle d, char *why, size_t n) {
  bool want_source = !(p == PLUGIN_GENERATE && ctx == CTX_GENERATOR);
  bool want_mask = p == PLUGIN_INPAINT && ctx == CTX_GENERAL;
  int want_count = 1 + want_source + want_mask;
  if (d->nclips != want_count) {
    char got[256] = "";
    for (int i = 0; i < d->nclips; i++) {
      size_t len = strlen(got);
      snprintf(got + len, sizeof got - len, "%s%s", i ? "," : "", d->clips[i]->name);
    }
    snprintf(why, n, "clips {%s}, expected %s", got,
             want_mask ? "Source,Output,Mask" : want_source ? "Source,Output" : "Output");
    return false;
  }
  static const char *const rgba[] = {kOfxImageComponentRGBA, NULL};
  static const char *const alpha_rgba[] = {kOfxImageComponentAlpha, kOfxImageComponentRGBA, NULL};
  OfxImageClipHandle out = effect_clip(d, kOfxImageEffectOutputClipName);
  OfxImageClipHandle src = effect_clip(d, kOfxImageEffectSimpleSourceClipName);
  OfxImageClipHandle mask = effect_clip(d, "Mask");
  if (!out || (want_source && !src) || (want_mask && !mask)) {
    snprintf(why, n, "missing clip: Output %s, Source %s, Mask %s", out ? "ok" : "missing",
             src ? "ok" : want_source ? "missing" : "-", mask ? "ok" : want_mask ? "missing" : "-");
    return false;
  }
  char sub[400];
  if (!exact_list(out->props, kOfxImageEffectPropSupportedComponents, rgba, sub, sizeof sub)) {
    snprintf(why, n, "Output: %s", sub);
    return false;
  }
  if (src && (!exact_list(src->props, kOfxImageEffectPropSupportedComponents, rgba, sub, sizeof sub) ||
              !expect_int(src->props, kOfxImageClipPropOptional, 0, sub, sizeof sub))) {
    snprintf(why, n, "Source: %s", sub);
    return false;
  }
  if (mask && (!exact_list(mask->props, kOfxImageEffectPropSupportedComponents, alpha_rgba, sub, sizeof sub) ||
               !expect_int(mask->props, kOfxImageClipPropOptional, 1, sub, sizeof sub) ||
               !expect_int(mask->props, kOfxImageClipPropIsMask, 1, sub, sizeof sub))) {
    snprintf(why, n, "Mask: %s", sub);
    return false;
  }
  return true;
}

static bool check_context_descriptor(HostPlugin *hp, ContextKind ctx, char *why, size_t n) {
  PluginKind p = hp->kind;
  if (hp->describe_status != kOfxStatOK) {
    snprintf(why, n, "Describe returned %s", status_name(hp->describe_status));
    return false;
  }
  OfxImageEffectHandle d = hp->ctx_desc[ctx];
  if (!d) {
    snprintf(why, n, "DescribeInContext(%s) returned %s", context_short[ctx], status_name(hp->ctx_status[ctx]));
    return false;
  }
  OfxPropertySetHandle ps = d->props;
  const char *label = NULL;
  if (props_string(ps, kOfxPropLabel, 0, &label) != kOfxStatOK || !label || !*label) {
    snprintf(why, n, "empty OfxPropLabel");
    return false;
  }
  const char *contexts[3] = {NULL, NULL, NULL};
  int k = 0;
  for (int c = 0; c < CTX_KINDS; c++)
    if (contract_supports(p, (ContextKind)c)) contexts[k++] = context_ofx[c];
  static const char *const depths[] = {kOfxBitDepthByte, kOfxBitDepthShort, kOfxBitDepthFloat, NULL};
  if (!expect_string(ps, kOfxImageEffectPluginPropGrouping, "WorldFX", why, n) ||
      !exact_list(ps, kOfxImageEffectPropSupportedContexts, contexts, why, n) ||
      !exact_list(ps, kOfxImageEffectPropSupportedPixelDepths, depths, why, n) ||
      !expect_string(ps, kOfxImageEffectPluginRenderThreadSafety, kOfxImageEffectRenderFullySafe, why, n) ||
      !expect_int(ps, kOfxImageEffectPluginPropHostFrameThreading, 0, why, n) ||
      !expect_int(ps, kOfxImageEffectPropSupportsTiles, 1, why, n) ||
      !expect_int(ps, kOfxImageEffectPropSupportsMultiResolution, 0, why, n) ||
      !expect_int(ps, kOfxImageEffectPropTemporalClipAccess, 1, why, n))
    return false;
  if (!check_clips(p, ctx, d, why, n)) return false;
  for (const ParamSpec *spec = contract_params[p]; spec->name; spec++)
    if (!check_param(spec, ctx, d->params, why, n)) return false;
  return true;
}

void run_describe_checks(Bundle *b) {
  for (int k = 0; k < PLUGIN_KINDS; k++) {
    HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
    for (int c = 0; c < CTX_KINDS; c++) {
      char name[160], why[1024] = "";
      bool supported = contract_supports((PluginKind)k, (ContextKind)c);
      snprintf(name, sizeof name, "describe/%s/%s%s", plugin_short[k], context_short[c], supported ? "" : "-refused");
      if (!check_wanted(name)) continue;
      if (!hp) {
        check_fail(name, "plugin %s not in the bundle", plugin_ids[k]);
        continue;
      }
      if (supported) {
        check_report(name, check_context_descriptor(hp, (ContextKind)c, why, sizeof why), why);
        continue;
      }
      /* A context the plugin does not support must be refused. */
      OfxStatus st = plugin_describe_in_context(hp, (ContextKind)c);
      if (st == kOfxStatOK) {
        check_fail(name, "DescribeInContext(%s) returned kOfxStatOK for a context the contract does not list",
                   context_short[c]);
        hp->ctx_desc[c] = NULL;
      } else {
        check_pass(name);
      }
    }
  }
}

/* ------------------------------------------------------------ 3. instances */

void run_instance_checks(Bundle *b) {
  const char *name = "instances/create-destroy-200";
  if (!check_wanted(name)) return;
  struct { PluginKind p; ContextKind c; } combos[6];
  int ncombos = 0;
  for (int k = 0; k < PLUGIN_KINDS; k++)
    for (int c = 0; c < CTX_KINDS; c++)
      if (contract_supports((PluginKind)k, (ContextKind)c)) {
        combos[ncombos].p = (PluginKind)k;
        combos[ncombos++].c = (ContextKind)c;
      }
  /* Up to 10 alive at once, so lifetimes overlap as in a host with several nodes. */
  OfxImageEffectHandle alive[10] = {0};
  char why[512] = "";
  bool ok = true;
  for (int i = 0; i < 200 && ok; i++) {
    HostPlugin *hp = bundle_plugin(b, combos[i % ncombos].p);
    ContextKind c = combos[i % ncombos].c;
    OfxImageEffectHandle *slot = &alive[i % 10];
    if (*slot) {
      OfxStatus st = instance_destroy(*slot);
      *slot = NULL;
      if (!status_ok_or_default(st)) {
        snprintf(why, sizeof why, "DestroyInstance #%d returned %s", i - 10, status_name(st));
        ok = false;
        break;
      }
    }
    OfxStatus st = hp ? instance_create(hp, c, slot) : kOfxStatErrBadHandle;
    if (st != kOfxStatOK) {
      snprintf(why, sizeof why, "CreateInstance #%d (%s %s) returned %s", i, plugin_short[combos[i % ncombos].p],
               context_short[c], status_name(st));
      ok = false;
    }
  }
  for (int i = 0; i < 10; i++)
    if (alive[i]) {
      OfxStatus st = instance_destroy(alive[i]);
      if (ok && !status_ok_or_default(st)) {
        snprintf(why, sizeof why, "DestroyInstance returned %s", status_name(st));
        ok = false;
      }
    }
  check_report(name, ok, why);
}

/* ------------------------------------------------------------ 10. load/unload */

void run_load_unload_check(Bundle *b) {
  const char *name = "load-unload-unbalanced";
  if (!check_wanted(name)) return;
  char why[1024] = "";
  bool ok = true;
  for (int k = 0; k < PLUGIN_KINDS && ok; k++) {
    HostPlugin *hp = bundle_plugin(b, (PluginKind)k);
    if (!hp) continue;
    for (int i = 0; i < 3; i++) plugin_load(hp);
    for (int i = 0; i < 5; i++) plugin_unload(hp);
  }
  /* Then a host starts over: Load, Describe, DescribeInContext, render. */
  prepare_plugins(b);
  for (int k = 0; k < PLUGIN_KINDS && ok; k++) {
    ContextKind c = k == PLUGIN_GENERATE ? CTX_GENERATOR : CTX_FILTER;
    RenderSpec s = render_spec_default((PluginKind)k, c, DEPTH_BYTE);
    char sub[900] = "";
    if (!render_spec_run(b, &s, sub, sizeof sub, NULL)) {
      snprintf(why, sizeof why, "%s after Load x3 / Unload x5 / Load: %s", plugin_short[k], sub);
      ok = false;
    }
  }
  check_report(name, ok, why);
}

/* ------------------------------------------------------------ 11. second bundle */

void run_second_bundle_check(Bundle *b, const char *bundle_dir) {
  const char *name = "second-bundle";
  if (!check_wanted(name)) return;
  char tmp[] = "/tmp/worldfx-testhost-copy-XXXXXX";
  if (!mkdtemp(tmp)) {
    check_fail(name, "mkdtemp: %s", strerror(errno));
    return;
  }
  char cmd[9000], copy[4200];
  snprintf(cmd, sizeof cmd, "cp -a '%s' '%s/'", bundle_dir, tmp);
  const char *base = strrchr(bundle_dir, '/');
  base = base && base[1] ? base + 1 : "WorldFX.ofx.bundle";
  snprintf(copy, sizeof copy, "%s/%s", tmp, base);
  static Bundle second;
  char why[1024] = "";
  bool ok = system(cmd) == 0;
  if (!ok) snprintf(why, sizeof why, "copying the bundle failed: %.900s", cmd);
  /* A different path is a second library instance; its plugins join the running JVM. */
  ok = ok && bundle_open(&second, copy, why, sizeof why);
  if (ok && second.nplugins != 3) {
    snprintf(why, sizeof why, "the copy reports %d plugins, expected 3", second.nplugins);
    ok = false;
  }
  if (ok && second.dl == b->dl) {
    snprintf(why, sizeof why, "dlopen of the copy returned the first library (not a second instance)");
    ok = false;
  }
  if (ok) {
    HostPlugin *hp = bundle_plugin(&second, PLUGIN_INPAINT);
    ok = hp && plugin_prepare(hp, why, sizeof why);
    if (hp == NULL) snprintf(why, sizeof why, "the copy has no %s", plugin_ids[PLUGIN_INPAINT]);
    for (int d = 0; ok && d < 3; d++) {
      static const Depth depths[] = {DEPTH_BYTE, DEPTH_SHORT, DEPTH_FLOAT};
      RenderSpec s = render_spec_default(PLUGIN_INPAINT, CTX_FILTER, depths[d]);
      s.matte_source = MATTE_LUMINANCE;
      ok = render_spec_run(&second, &s, why, sizeof why, NULL);
    }
  }
  check_report(name, ok, why);
  /* The copy stays mapped (its code may be running in JVM threads); only the files go. */
  remove_tree(tmp);
}

/* ------------------------------------------------------------ runtime */

/* The bundle must run on its own Java runtime whatever JDK (or none) the machine has, and
 * a second bundle must join that JVM instead of loading a second libjvm, which crashes. */
void run_runtime_check(const char *bundle_dir) {
  const char *name = "runtime/one-libjvm-from-the-bundle";
  if (!check_wanted(name)) return;
  char why[9000] = "", expect[4200], real[4096];
  /* WORLDFX_JAVA_HOME is the documented override of the bundle's own runtime. */
  const char *override = getenv("WORLDFX_JAVA_HOME");
  if (override && *override) {
    if (!realpath(override, real)) snprintf(real, sizeof real, "%s", override);
    snprintf(expect, sizeof expect, "%s/", real);
  } else {
    if (!realpath(bundle_dir, real)) snprintf(real, sizeof real, "%s", bundle_dir);
    snprintf(expect, sizeof expect, "%s/Contents/Resources/runtime/", real);
  }
  FILE *maps = fopen("/proc/self/maps", "r");
  if (!maps) {
    check_report(name, false, "cannot read /proc/self/maps");
    return;
  }
  char line[8192], first[4096] = "";
  int distinct = 0;
  while (fgets(line, sizeof line, maps)) {
    char *path = strchr(line, '/');
    if (!path || !strstr(path, "/libjvm.so")) continue;
    path[strcspn(path, "\n")] = 0;
    if (!first[0]) {
      snprintf(first, sizeof first, "%s", path);
      distinct = 1;
    } else if (strcmp(first, path) != 0) {
      distinct++;
    }
  }
  fclose(maps);
  bool ok = true;
  if (distinct != 1) {
    snprintf(why, sizeof why, "%d different libjvm.so files are mapped (first: %s)", distinct, first[0] ? first : "none");
    ok = false;
  } else if (strncmp(first, expect, strlen(expect)) != 0) {
    snprintf(why, sizeof why, "libjvm.so comes from %s, not from %s", first, expect);
    ok = false;
  }
  check_report(name, ok, why);
}

/* JNI_CreateJavaVM calls setlocale(LC_ALL, ""): a host whose numbers parse in the "C"
 * locale would read "0.5" as 0 under a German one. The shim must restore the host's. */
void run_locale_check(const char *locale_before) {
  const char *name = "runtime/host-locale-kept";
  if (!check_wanted(name)) return;
  const char *now = setlocale(LC_ALL, NULL);
  char why[512] = "";
  bool ok = now && !strcmp(now, locale_before);
  if (!ok) snprintf(why, sizeof why, "the host's locale was '%s' before the JVM booted and is '%s' after", locale_before,
                    now ? now : "(null)");
  check_report(name, ok, why);
}
