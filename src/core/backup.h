/*
 * backup.h - online backups of an embedded (SQLite) deployment, and restoring
 * one into a new database of either engine.
 *
 * A backup is a consistent snapshot taken while the server keeps working
 * (`VACUUM INTO` reads one transaction's view under WAL): personal values in
 * it stay encrypted, so it is as safe to store as the database itself, and as
 * useless without the key file.  A PostgreSQL deployment is backed up with
 * PostgreSQL's own tools (docs/operations.md).
 */
#ifndef HAVEN_BACKUP_H
#define HAVEN_BACKUP_H

#include "core/registry.h"

/* Writes a backup of `r` to the new file `path` (refusing an existing one),
 * mode 0600, synced to disk with its directory. */
err_t backup_write(registry *r, const char *path, char *errbuf);

/*
 * Restores the backup file `from` into the new database `to` (a file path or
 * a postgresql:// URL; refused if it exists / holds a Haven database), opened
 * with the key file `key`.  The backup file itself is never modified.  The
 * restored database is checked: SQLite's integrity check, the key check, the
 * audit chain.
 */
err_t backup_restore(const char *from, const struct registry_paths *to, char *errbuf);

#endif
