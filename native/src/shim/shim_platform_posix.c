/* Linux and macOS side of shim_platform.h. */
#if !defined(_WIN32)
#include "shim_platform.h"

#include <dirent.h>
#include <fcntl.h>
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static void (*once_fn)(void);
static void run_once(void) { once_fn(); }

void plat_once(void (*fn)(void)) {
  once_fn = fn;
  pthread_once(&once, run_once);
}

int plat_module_path(char *out, size_t cap) {
  Dl_info info;
  if (!dladdr((void *)&plat_module_path, &info) || !info.dli_fname) return -1;
  char real[4096];
  if (!realpath(info.dli_fname, real)) snprintf(real, sizeof real, "%s", info.dli_fname);
  snprintf(out, cap, "%s", real);
  return 0;
}

void *plat_lib_open(const char *path) { return dlopen(path, RTLD_NOW | RTLD_LOCAL); }

void *plat_lib_loaded_jvm(void) {
  /* By SONAME: finds any libjvm already mapped, wherever it was loaded from. */
#if defined(__APPLE__)
  return dlopen("libjvm.dylib", RTLD_NOLOAD | RTLD_NOW);
#else
  return dlopen("libjvm.so", RTLD_NOLOAD | RTLD_NOW);
#endif
}

void *plat_lib_sym(void *lib, const char *name) { return dlsym(lib ? lib : RTLD_DEFAULT, name); }

const char *plat_lib_error(char *buf, size_t cap) {
  const char *e = dlerror();
  snprintf(buf, cap, "%s", e ? e : "unknown error");
  return buf;
}

char *plat_getenv_dup(const char *name) {
  const char *v = getenv(name);
  return v ? strdup(v) : NULL;
}

void plat_setenv(const char *name, const char *value) {
  if (value) setenv(name, value, 1);
  else unsetenv(name);
}

int plat_list_dir(const char *dir, const char *suffix, void (*fn)(const char *, void *), void *arg) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  size_t ls = strlen(suffix);
  struct dirent *e;
  char path[8192];
  while ((e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len > ls && strcmp(e->d_name + len - ls, suffix) == 0) {
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      fn(path, arg);
    }
  }
  closedir(d);
  return 0;
}

int plat_mkdirs(const char *path) {
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
  return (mkdir(buf, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

int plat_home_dir(char *out, size_t cap) {
  const char *home = getenv("HOME");
  if (!home || !*home) {
    struct passwd *pw = getpwuid(getuid());
    home = pw ? pw->pw_dir : "/tmp";
  }
  snprintf(out, cap, "%s", home);
  return 0;
}

long long plat_file_size(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

int plat_pid(void) { return (int)getpid(); }

void plat_utc_stamp(char *out, size_t cap) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int plat_rename(const char *from, const char *to) { return rename(from, to); }

int plat_redirect_stderr(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return -1;
  fflush(stderr);
  int saved = dup(2);
  if (saved < 0 || dup2(fd, 2) < 0) {
    if (saved >= 0) close(saved);
    close(fd);
    return -1;
  }
  close(fd);
  return saved;
}

void plat_restore_stderr(int saved) {
  if (saved < 0) return;
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
}
#endif
