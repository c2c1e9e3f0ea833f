/*
 * The two symbols every OFX host looks up. The first call of either boots Java once;
 * when that fails the bundle reports 0 plugins and the reason is in the log, so a host
 * keeps running without WorldFX instead of aborting.
 */
#include "shim.h"
#include "shim_platform.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

WFX_EXPORT int OfxGetNumberOfPlugins(void);
WFX_EXPORT OfxPlugin *OfxGetPlugin(int nth);

static int plugin_count = 0;
static OfxPlugin *plugins = NULL;

/* .../WorldFX.ofx.bundle/Contents/<arch>/WorldFX.ofx -> .../WorldFX.ofx.bundle */
static int find_bundle_dir(char *out, size_t cap) {
  char path[4096];
  if (plat_module_path(path, sizeof path) != 0) return -1;
  for (int up = 0; up < 3; up++) {
    char *slash = strrchr(path, '/');
    if (!slash) return -1;
    *slash = 0;
  }
  snprintf(out, cap, "%s", path);
  return 0;
}

static void boot(void) {
  char bundle[4096];
  if (find_bundle_dir(bundle, sizeof bundle) != 0) {
    shim_log("cannot locate the bundle directory of this library; WorldFX disabled");
    return;
  }
  const int64_t *table = shim_boot_java(bundle);
  if (!table) return;
  if (table[0] < 0 || table[0] > 64) {
    shim_log("Java returned an implausible plugin count %lld; WorldFX disabled", (long long)table[0]);
    return;
  }
  plugins = (OfxPlugin *)(table + 1);
  plugin_count = (int)table[0];
}

WFX_EXPORT int OfxGetNumberOfPlugins(void) {
  plat_once(boot);
  return plugin_count;
}

WFX_EXPORT OfxPlugin *OfxGetPlugin(int nth) {
  plat_once(boot);
  if (nth < 0 || nth >= plugin_count) return NULL;
  return &plugins[nth];
}
