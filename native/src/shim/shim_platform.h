/*
 * What the shim needs from the operating system, so the same boot logic builds for
 * Linux and macOS (shim_platform_posix.c) and Windows (shim_platform_win32.c).
 */
#ifndef WORLDFX_SHIM_PLATFORM_H
#define WORLDFX_SHIM_PLATFORM_H

#include <stddef.h>

#if defined(_WIN32)
#define SHIM_LIBJVM "bin/server/jvm.dll"
#define SHIM_BUNDLE_ARCH "Win64"
#elif defined(__APPLE__)
#define SHIM_LIBJVM "lib/server/libjvm.dylib"
#define SHIM_BUNDLE_ARCH "MacOS"
#else
#define SHIM_LIBJVM "lib/server/libjvm.so"
#define SHIM_BUNDLE_ARCH "Linux-x86-64"
#endif

/* Runs fn exactly once per process, whatever thread calls first. */
void plat_once(void (*fn)(void));
/* Absolute path of this library file; 0 on success. */
int plat_module_path(char *out, size_t cap);
void *plat_lib_open(const char *path);
/* A Java runtime library already loaded in the process (by the host or another bundle). */
void *plat_lib_loaded_jvm(void);
/* lib NULL looks in everything the process has loaded. */
void *plat_lib_sym(void *lib, const char *name);
const char *plat_lib_error(char *buf, size_t cap);
/* A malloc'ed copy of the variable, or NULL. */
char *plat_getenv_dup(const char *name);
/* value NULL unsets. Not thread-safe (no setenv is); called once, at boot. */
void plat_setenv(const char *name, const char *value);
/* Calls fn for every file in dir whose name ends with suffix; -1 if dir cannot be read. */
int plat_list_dir(const char *dir, const char *suffix, void (*fn)(const char *path, void *arg), void *arg);
int plat_mkdirs(const char *path);
int plat_home_dir(char *out, size_t cap);
/* -1 when the file does not exist. */
long long plat_file_size(const char *path);
int plat_pid(void);
void plat_utc_stamp(char *out, size_t cap);
int plat_rename(const char *from, const char *to);
/* Points stderr (fd 2) at the file while the JVM starts; returns what to restore, or -1. */
int plat_redirect_stderr(const char *path);
void plat_restore_stderr(int saved);

#endif
