/*
 * Windows side of shim_platform.h. Cross-compiled with MinGW-w64 on Linux; the Win64
 * bundle layout and install steps are in docs/installing.md.
 */
#if defined(_WIN32)
#include "shim_platform.h"

#include <windows.h>
#include <direct.h>
#include <fcntl.h>
#include <io.h>
#include <process.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static void (*once_fn)(void);

static BOOL CALLBACK run_once(PINIT_ONCE o, PVOID p, PVOID *c) {
  (void)o; (void)p; (void)c;
  once_fn();
  return TRUE;
}

void plat_once(void (*fn)(void)) {
  once_fn = fn;
  InitOnceExecuteOnce(&once, run_once, NULL, NULL);
}

/* Paths are kept in UTF-8 inside the shim; Windows APIs get UTF-16. */
static void to_utf8(const wchar_t *w, char *out, size_t cap) {
  WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)cap, NULL, NULL);
}

static void to_wide(const char *s, wchar_t *out, size_t cap) {
  MultiByteToWideChar(CP_UTF8, 0, s, -1, out, (int)cap);
}

static void to_slashes(char *s) {
  for (; *s; s++) if (*s == '\\') *s = '/';
}

int plat_module_path(char *out, size_t cap) {
  HMODULE self = NULL;
  if (!GetModuleHandleExW(GET_MODULE_HANDLE_EX_FLAG_FROM_ADDRESS | GET_MODULE_HANDLE_EX_FLAG_UNCHANGED_REFCOUNT,
                          (LPCWSTR)(void *)&plat_module_path, &self)) return -1;
  wchar_t w[4096];
  DWORD n = GetModuleFileNameW(self, w, 4096);
  if (n == 0 || n >= 4096) return -1;
  to_utf8(w, out, cap);
  to_slashes(out);
  return 0;
}

void *plat_lib_open(const char *path) {
  wchar_t w[4096];
  to_wide(path, w, 4096);
  /* Let jvm.dll find its sibling DLLs in its own folder. */
  return (void *)LoadLibraryExW(w, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
}

void *plat_lib_loaded_jvm(void) { return (void *)GetModuleHandleW(L"jvm.dll"); }

void *plat_lib_sym(void *lib, const char *name) {
  if (!lib) lib = (void *)GetModuleHandleW(L"jvm.dll");
  return lib ? (void *)GetProcAddress((HMODULE)lib, name) : NULL;
}

const char *plat_lib_error(char *buf, size_t cap) {
  snprintf(buf, cap, "Windows error %lu", (unsigned long)GetLastError());
  return buf;
}

char *plat_getenv_dup(const char *name) {
  const char *v = getenv(name);
  return v ? _strdup(v) : NULL;
}

void plat_setenv(const char *name, const char *value) { _putenv_s(name, value ? value : ""); }

int plat_list_dir(const char *dir, const char *suffix, void (*fn)(const char *, void *), void *arg) {
  char pattern[4200];
  snprintf(pattern, sizeof pattern, "%s/*%s", dir, suffix);
  wchar_t w[4200];
  to_wide(pattern, w, 4200);
  WIN32_FIND_DATAW fd;
  HANDLE h = FindFirstFileW(w, &fd);
  if (h == INVALID_HANDLE_VALUE) return GetLastError() == ERROR_FILE_NOT_FOUND ? 0 : -1;
  do {
    char name[1024], path[8192];
    to_utf8(fd.cFileName, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    fn(path, arg);
  } while (FindNextFileW(h, &fd));
  FindClose(h);
  return 0;
}

int plat_mkdirs(const char *path) {
  char buf[4096];
  size_t n = strlen(path);
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, path, n + 1);
  for (char *p = buf + 1; *p; p++) {
    if (*p == '/' || *p == '\\') {
      char c = *p;
      *p = 0;
      if (p[-1] != ':') _mkdir(buf);
      *p = c;
    }
  }
  _mkdir(buf);
  struct _stat st;
  return _stat(buf, &st) == 0 ? 0 : -1;
}

int plat_home_dir(char *out, size_t cap) {
  const char *home = getenv("USERPROFILE");
  snprintf(out, cap, "%s", home && *home ? home : "C:/");
  to_slashes(out);
  return 0;
}

long long plat_file_size(const char *path) {
  struct _stat64 st;
  return _stat64(path, &st) == 0 ? (long long)st.st_size : -1;
}

int plat_pid(void) { return _getpid(); }

void plat_utc_stamp(char *out, size_t cap) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_s(&tm, &now);
  strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int plat_redirect_stderr(const char *path) {
  int fd = _open(path, _O_WRONLY | _O_CREAT | _O_APPEND, _S_IREAD | _S_IWRITE);
  if (fd < 0) return -1;
  fflush(stderr);
  int saved = _dup(2);
  if (saved < 0 || _dup2(fd, 2) < 0) {
    if (saved >= 0) _close(saved);
    _close(fd);
    return -1;
  }
  _close(fd);
  return saved;
}

void plat_restore_stderr(int saved) {
  if (saved < 0) return;
  fflush(stderr);
  _dup2(saved, 2);
  _close(saved);
}

int plat_rename(const char *from, const char *to) {
  wchar_t a[4096], b[4096];
  to_wide(from, a, 4096);
  to_wide(to, b, 4096);
  return MoveFileExW(a, b, MOVEFILE_REPLACE_EXISTING) ? 0 : -1;
}
#endif
