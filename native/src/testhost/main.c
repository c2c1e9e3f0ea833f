/*
 * ofx-test-host [--verbose] [--only SUBSTRING] BUNDLE_DIR   run the checks
 * ofx-test-host --bench BUNDLE_DIR                           bridge benchmark
 * ofx-test-host --render JOB BUNDLE_DIR                      render frames from disk (render_job.c)
 *
 * One line per check (PASS name / FAIL name: reason), then "N passed, N failed"; exit 0
 * iff nothing failed. Checks run in this process on purpose: a plugin crash kills the
 * run, which is what CI must see. Only the JVM-boot-failure check forks, and it runs
 * first, before this process has loaded anything.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <sys/stat.h>
#include "testhost.h"

#include <signal.h>
#include <stdarg.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *only_filter;
static int passed, failed;
static pthread_mutex_t report_lock = PTHREAD_MUTEX_INITIALIZER;

const char *status_name(OfxStatus s) {
  static const char *const names[] = {
    "kOfxStatOK", "kOfxStatFailed", "kOfxStatErrFatal", "kOfxStatErrUnknown",
    "kOfxStatErrMissingHostFeature", "kOfxStatErrUnsupported", "kOfxStatErrExists",
    "kOfxStatErrFormat", "kOfxStatErrMemory", "kOfxStatErrBadHandle", "kOfxStatErrBadIndex",
    "kOfxStatErrValue", "kOfxStatReplyYes", "kOfxStatReplyNo", "kOfxStatReplyDefault",
  };
  if (s >= 0 && s < (int)(sizeof names / sizeof *names)) return names[s];
  if (s == kOfxStatErrImageFormat) return "kOfxStatErrImageFormat";
  static __thread char buf[32];
  snprintf(buf, sizeof buf, "status %d", s);
  return buf;
}

bool status_ok_or_default(OfxStatus s) { return s == kOfxStatOK || s == kOfxStatReplyDefault; }

bool check_wanted(const char *name) { return !only_filter || strstr(name, only_filter); }

void check_report(const char *name, bool pass, const char *why) {
  pthread_mutex_lock(&report_lock);
  if (pass) {
    passed++;
    printf("PASS %s\n", name);
  } else {
    failed++;
    printf("FAIL %s: %s\n", name, why && *why ? why : "(no reason)");
  }
  fflush(stdout);
  pthread_mutex_unlock(&report_lock);
}

void check_pass(const char *name) { check_report(name, true, NULL); }

void check_fail(const char *name, const char *fmt, ...) {
  char why[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  check_report(name, false, why);
}

void checks_summary(int *p, int *f) {
  *p = passed;
  *f = failed;
}

OfxRectI rect(int x1, int y1, int x2, int y2) { return (OfxRectI){x1, y1, x2, y2}; }
bool rect_empty(OfxRectI r) { return r.x2 <= r.x1 || r.y2 <= r.y1; }

double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A hung plugin must fail CI, not stall it. */
static void on_watchdog(int sig) {
  static const char msg[] = "FAIL watchdog: the run exceeded its time limit (WORLDFX_TESTHOST_TIMEOUT)\n";
  ssize_t ignored = write(STDOUT_FILENO, msg, sizeof msg - 1);
  (void)ignored;
  _exit(2);
}

static int usage(void) {
  fprintf(stderr, "usage: ofx-test-host [--verbose] [--only SUBSTRING] BUNDLE_DIR\n"
                  "       ofx-test-host --bench BUNDLE_DIR\n"
                  "       ofx-test-host --render JOB BUNDLE_DIR\n");
  return 2;
}

static char th_cache_dir[64];

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb; (void)flag; (void)ftw;
  return remove(path);
}

static void remove_cache_dir(void) {
  if (th_cache_dir[0]) nftw(th_cache_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int main(int argc, char **argv) {
  const char *bundle_dir = NULL;
  bool bench = false;
  const char *render_job = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--only") && i + 1 < argc) only_filter = argv[++i];
    else if (!strcmp(argv[i], "--bench")) bench = true;
    else if (!strcmp(argv[i], "--render") && i + 1 < argc) render_job = argv[++i];
    else if (!strcmp(argv[i], "--verbose") || !strcmp(argv[i], "-v")) th_verbose = true;
    else if (argv[i][0] == '-') return usage();
    else if (!bundle_dir) bundle_dir = argv[i];
    else return usage();
  }
  if (!bundle_dir) return usage();
  if (getenv("WORLDFX_TESTHOST_VERBOSE")) th_verbose = true;
  /* Inpaint solves into the sequence cache: a test run gets its own, never the user's. */
  if (!getenv("WORLDFX_CACHE")) {
    strcpy(th_cache_dir, "/tmp/worldfx-testhost-cache.XXXXXX");
    if (!mkdtemp(th_cache_dir)) {
      perror("ofx-test-host: mkdtemp");
      return 2;
    }
    setenv("WORLDFX_CACHE", th_cache_dir, 1);
    atexit(remove_cache_dir);
  }
  /* The Open web panel checks start the panel; they must not open browser tabs on a desktop. */
  setenv("WORLDFX_PANEL_BROWSER", "none", 1);

  const char *limit = getenv("WORLDFX_TESTHOST_TIMEOUT");
  signal(SIGALRM, on_watchdog);
  alarm(limit ? (unsigned)atoi(limit) : 1200u);

  host_init();
  if (bench) return run_bench(bundle_dir);
  if (render_job) return run_render_job(render_job, bundle_dir);

  /* First, before this process has a JVM: the boot failure runs in a fork. */
  run_boot_failure_check(bundle_dir);
  run_quiet_boot_check(bundle_dir);

  static Bundle bundle;
  char locale_before[256];
  snprintf(locale_before, sizeof locale_before, "%s", setlocale(LC_ALL, NULL));
  if (run_load_check(&bundle, bundle_dir)) {
    run_locale_check(locale_before);
    run_describe_checks(&bundle);
    run_instance_checks(&bundle);
    run_param_checks(&bundle);
    run_render_checks(&bundle);
    run_rowbytes_checks(&bundle);
    run_window_checks(&bundle);
    run_thread_checks(&bundle);
    run_abort_checks(&bundle);
    run_bad_input_checks(&bundle);
    run_pages_checks(&bundle);
    run_load_unload_check(&bundle);
    run_second_bundle_check(&bundle, bundle_dir);
    run_runtime_check(bundle_dir);
  }
  if (th_verbose) props_print_plugin_errors(stderr);
  int p, f;
  checks_summary(&p, &f);
  printf("%d passed, %d failed\n", p, f);
  fflush(stdout);
  return f == 0 ? 0 : 1;
}
