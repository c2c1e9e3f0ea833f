/* Internal declarations of the WorldFX.ofx shim. */
#ifndef WORLDFX_SHIM_H
#define WORLDFX_SHIM_H

#include <stddef.h>

#include "worldfx_ofx.h"

/* Appends one line to the native log; never fails loudly. */
void shim_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fills out with the log directory (creating it); 0 on success. */
int shim_log_dir(char *out, size_t cap);

/*
 * Boots or joins a JVM and asks Java for the plugin table.
 * Returns the table's address ({int64 count; OfxPlugin plugins[count]}) or NULL,
 * having logged why.
 */
const void *shim_boot_java(const char *bundle_dir);

#endif
