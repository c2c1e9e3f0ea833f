/*
 * The shim's log: one line per event, appended to worldfx-native.log under
 * $WORLDFX_LOG_DIR or ~/.worldfx/logs. Hosts hide stderr (MLT's -silent, GUI hosts),
 * so the reason a JVM did not start must land in a file the user can find.
 */
#include "shim.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROTATE_BYTES (4L << 20)

static int make_dirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p == '/') {
      *p = 0;
      if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
      *p = '/';
    }
  }
  if (mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
  return 0;
}

int shim_log_dir(char *out, size_t cap) {
  const char *dir = getenv("WORLDFX_LOG_DIR");
  if (dir && *dir) {
    snprintf(out, cap, "%s", dir);
  } else {
    const char *home = getenv("HOME");
    if (!home || !*home) {
      struct passwd *pw = getpwuid(getuid());
      home = pw ? pw->pw_dir : "/tmp";
    }
    snprintf(out, cap, "%s/.worldfx/logs", home);
  }
  return make_dirs(out);
}

void shim_log(const char *fmt, ...) {
  char dir[4096], path[4200];
  FILE *f = NULL;
  if (shim_log_dir(dir, sizeof dir) == 0) {
    snprintf(path, sizeof path, "%s/worldfx-native.log", dir);
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > ROTATE_BYTES) {
      char old[4300];
      snprintf(old, sizeof old, "%s.1", path);
      rename(path, old); /* keep one previous log; hosts start many times a day */
    }
    f = fopen(path, "a");
  }
  if (!f) f = stderr; /* last resort: the host may show it */
  time_t now = time(NULL);
  struct tm tm;
  char stamp[32];
  gmtime_r(&now, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  fprintf(f, "%s pid=%d WorldFX.ofx: ", stamp, (int)getpid());
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  if (f != stderr) fclose(f);
}
