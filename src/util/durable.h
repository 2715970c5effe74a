/*
 * durable.h - files that survive a crash or a power cut whole (REL-18): a
 * file is written beside its place, synced, renamed into it, and the
 * directory synced, so that afterwards the place holds the old file or the
 * new one, never a torn one, and the new one stays once the call returned.
 *
 * The caller writes and closes the temporary file; these calls only make it
 * durable.  They set errno on failure, for the caller's message.
 */
#ifndef HAVEN_DURABLE_H
#define HAVEN_DURABLE_H

#include "util/err.h"

/* Syncs the file or directory at `path` (ERR_IO). */
err_t durable_sync(const char *path);

/* Syncs the directory that holds `path`, so that a name made or changed in
 * it survives (ERR_IO; ERR_NOMEM). */
err_t durable_sync_parent(const char *path);

/* Syncs `tmp`, renames it over `path`, syncs their directory (ERR_IO;
 * ERR_NOMEM).  On failure `tmp` is left for the caller to remove. */
err_t durable_replace(const char *tmp, const char *path);

#endif
