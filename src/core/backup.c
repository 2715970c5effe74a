/*
 * backup.c - VACUUM INTO for backups; file copy (or haven copy, for a
 * PostgreSQL target) for restores.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/backup.h"
#include "core/copy.h"
#include "db/queries.h"
#include "util/durable.h"

#define COPY_CHUNK 65536

/* The file at `path` and the directory that holds it, synced. */
static err_t sync_with_dir(const char *path)
{
	err_t e = durable_sync(path);
	return e == ERR_OK ? durable_sync_parent(path) : e;
}

err_t backup_write(registry *r, const char *path, char *errbuf)
{
	db *d = registry_db(r);
	db_stmt *st = NULL;
	mode_t old;
	err_t e;
	if (db_dialect_of(d) != DB_SQLITE) {
		snprintf(errbuf, ERRBUF_MAX, "back up a PostgreSQL deployment with pg_basebackup or "
					     "pg_dump (see docs/operations.md)");
		return ERR_INVALID;
	}
	if (access(path, F_OK) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "%s exists already: a backup never overwrites a file", path);
		return ERR_CONFLICT;
	}
	old = umask(077);
	e = db_prepare(d, Q_BACKUP_INTO, &st);
	if (e == ERR_OK && (e = db_bind_text(st, 1, path)) == ERR_OK)
		e = db_done(db_step(st));
	umask(old);
	if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot write the backup %s: %s", path, db_errmsg(d));
	db_finalize(st);
	if (e == ERR_OK && (e = sync_with_dir(path)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot sync the backup %s to disk", path);
	return e;
}

/* Copies the file `from` to the new file `to` (mode 0600), synced. */
static err_t copy_file(const char *from, const char *to, char *errbuf)
{
	char *buf = malloc(COPY_CHUNK);
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	err_t e = buf && in >= 0 && out >= 0 ? ERR_OK : ERR_IO;
	ssize_t n = 0;
	if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot copy %s to %s: %s", from, to, strerror(errno));
	while (e == ERR_OK && (n = read(in, buf, COPY_CHUNK)) > 0)
		if (write(out, buf, (size_t)n) != n)
			e = ERR_IO;
	if (e == ERR_OK && (n < 0 || fsync(out) != 0))
		e = ERR_IO;
	if (e != ERR_OK && out >= 0)
		unlink(to);
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	free(buf);
	if (e == ERR_OK)
		e = sync_with_dir(to);
	return e;
}

static err_t check_restored(registry *r, char *errbuf)
{
	struct audit_verdict v;
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	if (db_dialect_of(registry_db(r)) == DB_SQLITE) {
		e = db_prepare(registry_db(r), Q_SQLITE_INTEGRITY_CHECK, &st);
		if (e == ERR_OK && (db_step(st) != DB_ROW || strcmp(db_col_text(st, 0), "ok") != 0)) {
			snprintf(errbuf, ERRBUF_MAX, "the restored database fails SQLite's integrity check");
			e = ERR_DB;
		}
		db_finalize(st);
	}
	if (e == ERR_OK && ((e = audit_verify(registry_db(r), &v)) != ERR_OK || v.first_bad)) {
		snprintf(errbuf, ERRBUF_MAX, "the restored audit log does not verify (entry %lld)",
			 (long long)v.first_bad);
		e = ERR_CONFLICT;
	}
	return e;
}

err_t backup_restore(const char *from, const struct registry_paths *to, char *errbuf)
{
	char tmp[4096];
	struct copy_summary sum;
	int to_pg = db_target_is_postgres(to->db);
	struct registry_paths work = {to_pg ? tmp : to->db, to->key};
	registry *r = NULL;
	err_t e;
	if (!to_pg && access(to->db, F_OK) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "%s exists already: restore into a new database", to->db);
		return ERR_CONFLICT;
	}
	snprintf(tmp, sizeof tmp, "%s.restore-XXXXXX", from);
	if (to_pg) {
		int fd = mkstemp(tmp);
		if (fd < 0) {
			snprintf(errbuf, ERRBUF_MAX, "cannot make a temporary file beside %s", from);
			return ERR_IO;
		}
		close(fd);
		unlink(tmp);
	}
	/* the backup file itself is never opened for writing (opening migrates) */
	if ((e = copy_file(from, work.db, errbuf)) == ERR_OK &&
	    (e = registry_open(&work, &r, errbuf)) == ERR_OK && (e = check_restored(r, errbuf)) == ERR_OK &&
	    to_pg)
		e = copy_registry(r, to, &sum, errbuf);
	registry_close(r);
	if (to_pg) {
		db_remove_files(tmp);
	} else if (e != ERR_OK) {
		unlink(to->db);
	}
	return e;
}
