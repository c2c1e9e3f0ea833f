/*
 * The shim's log: one line per event, appended to worldfx-native.log under
 * $WORLDFX_LOG_DIR or ~/.worldfx/logs. Hosts hide stderr (MLT's -silent, GUI hosts),
 * so the reason a JVM did not start must land in a file the user can find.
 */
#include "shim.h"
#include "shim_platform.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/* Hosts start many times a day: keep one previous log and never grow without bound. */
#define ROTATE_BYTES (4LL << 20)

int shim_log_dir(char *out, size_t cap) {
  char *dir = plat_getenv_dup("WORLDFX_LOG_DIR");
  if (dir && *dir) {
    snprintf(out, cap, "%s", dir);
  } else {
    char home[4096];
    plat_home_dir(home, sizeof home);
    snprintf(out, cap, "%s/.worldfx/logs", home);
  }
  free(dir);
  return plat_mkdirs(out);
}

void shim_log(const char *fmt, ...) {
  char dir[4096], path[4200];
  FILE *f = NULL;
  if (shim_log_dir(dir, sizeof dir) == 0) {
    snprintf(path, sizeof path, "%s/worldfx-native.log", dir);
    if (plat_file_size(path) > ROTATE_BYTES) {
      char old[4300];
      snprintf(old, sizeof old, "%s.1", path);
      plat_rename(path, old);
    }
    f = fopen(path, "a");
  }
  if (!f) f = stderr; /* last resort: the host may show it */
  char stamp[32];
  plat_utc_stamp(stamp, sizeof stamp);
  fprintf(f, "%s pid=%d WorldFX.ofx: ", stamp, plat_pid());
  va_list ap;
  va_start(ap, fmt);
  vfprintf(f, fmt, ap);
  va_end(ap);
  fputc('\n', f);
  if (f != stderr) fclose(f);
}
