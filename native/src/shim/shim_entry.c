/*
 * The two symbols every OFX host looks up. The first call of either boots Java once
 * (pthread_once); when that fails the bundle reports 0 plugins and the reason is in
 * the log, so a host keeps running without WorldFX instead of aborting.
 */
#include "shim.h"

#include <dlfcn.h>
#include <libgen.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

WFX_EXPORT int OfxGetNumberOfPlugins(void);
WFX_EXPORT OfxPlugin *OfxGetPlugin(int nth);

static pthread_once_t boot_once = PTHREAD_ONCE_INIT;
static int plugin_count = 0;
static OfxPlugin *plugins = NULL;

/* .../WorldFX.ofx.bundle/Contents/Linux-x86-64/WorldFX.ofx -> .../WorldFX.ofx.bundle */
static int find_bundle_dir(char *out, size_t cap) {
  Dl_info info;
  if (!dladdr((void *)&OfxGetNumberOfPlugins, &info) || !info.dli_fname) return -1;
  char path[4096];
  if (!realpath(info.dli_fname, path)) snprintf(path, sizeof path, "%s", info.dli_fname);
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
  pthread_once(&boot_once, boot);
  return plugin_count;
}

WFX_EXPORT OfxPlugin *OfxGetPlugin(int nth) {
  pthread_once(&boot_once, boot);
  if (nth < 0 || nth >= plugin_count) return NULL;
  return &plugins[nth];
}
