/*
 * --bench: the cost of the OFX bridge itself. JVM cold boot in this process, then an
 * ExtendShot pass-through (a byte-exact copy of the source frame) at 1920x1080 against
 * memcpy of the same bytes, measured in the same run so the ratio is comparable across
 * machines.
 */
#include "testhost.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#define WARMUP 10
#define TIMED 60
#define FIXED_WARMUP 20000
/* A host renders thousands of frames: measure the bridge once the JIT has compiled it,
 * and report the first render separately. */
#define RENDER_WARMUP 400

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double memcpy_median_ms(const unsigned char *src, size_t bytes) {
  unsigned char *dst = malloc(bytes);
  if (!dst) abort();
  double t[TIMED];
  for (int i = 0; i < WARMUP + TIMED; i++) {
    double t0 = now_ms();
    memcpy(dst, src, bytes);
    /* Touch the result so the copy cannot be dropped. */
    __asm__ __volatile__("" : : "r"(dst) : "memory");
    if (i >= WARMUP) t[i - WARMUP] = now_ms() - t0;
  }
  free(dst);
  return median(t, TIMED);
}

/* Renders t=5 (inside the source range: a byte-exact copy) warmup + TIMED times; gives the
 * first and the median timed render. False, with why, when a render fails or the output is
 * not the source. */
static bool time_passthrough(HostPlugin *hp, Depth d, int w, int h, int warmup, double *first_ms, double *median_ms,
                             char *why, size_t n) {
  OfxRectI bounds = rect(0, 0, w, h);
  OfxImageEffectHandle inst;
  OfxStatus st = instance_create(hp, CTX_FILTER, &inst);
  if (st != kOfxStatOK) {
    snprintf(why, n, "CreateInstance returned %s", status_name(st));
    return false;
  }
  Image *src = image_new(d, 4, bounds, false, 0);
  image_fill_pattern(src, PATTERN_COLOUR, 42);
  Image *frames[10];
  for (int i = 0; i < 10; i++) frames[i] = src; /* one buffer serves the whole 0..9 range */
  clip_set_frames(effect_clip(inst, kOfxImageEffectSimpleSourceClipName), frames, 10, 0);
  clip_set_format(effect_clip(inst, kOfxImageEffectOutputClipName), d, 4);
  Image *out = image_new(d, 4, bounds, false, 0);
  image_fill_sentinel(out);
  bool ok = instance_prepare_render(inst, 5, bounds, why, n);
  double t[TIMED];
  if (ok) {
    instance_begin_sequence(inst, 0, 9);
    for (int i = 0; ok && i < warmup + TIMED; i++) {
      double t0 = now_ms();
      st = instance_render(inst, 5, bounds, out);
      double dt = now_ms() - t0;
      if (i == 0) *first_ms = dt;
      if (i >= warmup) t[i - warmup] = dt;
      if (st != kOfxStatOK) {
        snprintf(why, n, "Render returned %s", status_name(st));
        ok = false;
      }
    }
    instance_end_sequence(inst, 0, 9);
  }
  ok = ok && image_same_pixels(out, src, bounds, why, n);
  if (ok) *median_ms = median(t, TIMED);
  instance_destroy(inst);
  image_free(src);
  image_free(out);
  return ok;
}

/* The frame-size-independent cost of one render through the bridge: a 16x16 frame. Many
 * renders first, so the JIT has compiled the bridge as it will have in a host that has
 * rendered a few seconds of footage; the first (interpreted) render is reported too. */
static bool bench_fixed_overhead(HostPlugin *hp) {
  char why[1024] = "";
  double first = 0, med = 0;
  bool ok = time_passthrough(hp, DEPTH_BYTE, 16, 16, FIXED_WARMUP, &first, &med, why, sizeof why);
  if (ok) printf("first_render_ms=%.2f fixed_overhead_us=%.1f\n", first, med * 1000.0);
  check_report("bench/fixed-overhead", ok, why);
  return ok;
}

static bool bench_depth(HostPlugin *hp, Depth d) {
  const int w = 1920, h = 1080;
  char name[96], why[1024] = "";
  snprintf(name, sizeof name, "bench/passthrough-%s-equals-source", depth_label(d));
  double first = 0, pass = 0;
  bool ok = time_passthrough(hp, d, w, h, WARMUP, &first, &pass, why, sizeof why);
  if (ok) {
    Image *src = image_new(d, 4, rect(0, 0, w, h), false, 0);
    image_fill_pattern(src, PATTERN_COLOUR, 42);
    double copy = memcpy_median_ms(src->data, (size_t)w * h * 4 * depth_bytes(d));
    image_free(src);
    printf("passthrough_%s_ms=%.3f memcpy_%s_ms=%.3f ratio=%.2f\n", depth_label(d), pass, depth_label(d), copy,
           pass / copy);
  }
  check_report(name, ok, why);
  return ok;
}

/* Median start-to-exit of `java -version` on the bundle's own runtime: what a plain JVM
 * start costs on this machine, the yardstick for the boot inside a host. */
static double java_version_ms(const char *bundle_dir) {
  char java[4200];
  snprintf(java, sizeof java, "%s/Contents/Resources/runtime/bin/java", bundle_dir);
  double t[9];
  for (int i = 0; i < 9; i++) {
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 1);
      dup2(devnull, 2);
      execl(java, java, "-XX:+UseSerialGC", "-version", (char *)NULL);
      _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    t[i] = now_ms() - t0;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  }
  return median(t, 9);
}

int run_bench(const char *bundle_dir) {
  static Bundle b;
  char why[1024] = "";
  double plain = java_version_ms(bundle_dir);
  /* dlopen to the plugin list: the JVM's cold boot inside a host process. */
  double t0 = now_ms();
  bool opened = bundle_open(&b, bundle_dir, why, sizeof why);
  double boot = now_ms() - t0;
  if (!opened) {
    check_fail("bench/boot", "%s", why);
    return 1;
  }
  printf("boot_ms=%.1f java_version_ms=%.1f ratio=%.2f\n", boot, plain, plain > 0 ? boot / plain : 0.0);
  fflush(stdout);
  HostPlugin *hp = bundle_plugin(&b, PLUGIN_EXTEND);
  if (!hp) {
    check_fail("bench/boot", "no %s in the bundle", plugin_ids[PLUGIN_EXTEND]);
    return 1;
  }
  if (!plugin_prepare(hp, why, sizeof why)) {
    check_fail("bench/describe", "%s", why);
    return 1;
  }
  bool ok = bench_fixed_overhead(hp);
  ok = bench_depth(hp, DEPTH_BYTE) && ok;
  ok = bench_depth(hp, DEPTH_FLOAT) && ok;
  return ok ? 0 : 1;
}
