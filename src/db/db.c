/*
 * db.c - the storage interface of db.h: picks the driver from the target
 * (a postgresql:// URL or a file path), applies the compiled-in migrations of
 * that driver's dialect, and dispatches every other call to the driver.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db/db_driver.h"
#include "db/queries.h"
#include "util/embed.h"

#define MIGRATION_COMMON "db/schema/common/"

int db_target_is_postgres(const char *target)
{
	return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

static const char *migration_prefix(enum db_dialect dialect)
{
	return dialect == DB_POSTGRES ? "db/schema/postgres/" : "db/schema/sqlite/";
}

/* The version number a migration file name starts with ("001_x.sql" -> 1). */
static int migration_version(const char *name, const char *prefix)
{
	const char *base;
	char *end;
	long v;
	if (strncmp(name, prefix, strlen(prefix)) != 0)
		return -1;
	base = name + strlen(prefix);
	v = strtol(base, &end, 10);
	return (end != base && *end == '_') ? (int)v : -1;
}

/* Migration `version` of a dialect: its own file, else the common one that
 * both dialects share (plain SQL the two engines agree on). */
static const struct embedded_file *migration(enum db_dialect dialect, int version, int *copies)
{
	const struct embedded_file *own = NULL, *common = NULL;
	*copies = 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		if (migration_version(f->name, migration_prefix(dialect)) == version) {
			own = f;
			(*copies)++;
		}
		if (migration_version(f->name, MIGRATION_COMMON) == version) {
			common = f;
			(*copies)++;
		}
	}
	return own ? own : common;
}

int db_schema_latest(enum db_dialect dialect)
{
	int latest = 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		int v = migration_version(f->name, migration_prefix(dialect));
		int c = migration_version(f->name, MIGRATION_COMMON);
		if (v > latest)
			latest = v;
		if (c > latest)
			latest = c;
	}
	return latest;
}

int db_schema_version(db *d)
{
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = db_prepare(d, "SELECT coalesce(max(version), 0) FROM schema_migrations", &st);
	int v = e == ERR_OK && (rc = db_step(st)) == DB_ROW ? (int)db_col_int(st, 0)
		: -(int)(e != ERR_OK ? e : db_step_error(rc));
	db_finalize(st);
	return v;
}

static err_t record_migration(db *d, int version)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
			     &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, version)) == ERR_OK &&
	    (e = db_bind_int(st, 2, (int64_t)time(NULL))) == ERR_OK)
		e = db_done(db_step(st));
	db_finalize(st);
	return e;
}

/* Applies every migration above the database's version, each in its own
 * write transaction; the version is read inside it, so two processes opening
 * one new database never apply a migration twice. */
static err_t migrate(db *d, char *errbuf)
{
	enum db_dialect dialect = d->ops->dialect;
	int latest = db_schema_latest(dialect);
	for (;;) {
		err_t e = db_begin(d);
		int current = e == ERR_OK ? db_schema_version(d) : -(int)e;
		const struct embedded_file *f;
		if (current < 0) {
			snprintf(errbuf, ERRBUF_MAX, "cannot read the schema version: %s", db_errmsg(d));
			db_rollback(d);
			return (err_t)-current;
		}
		if (current > latest) {
			snprintf(errbuf, ERRBUF_MAX,
				 "the database is at schema version %d but this haven knows only up "
				 "to %d: use a newer haven", current, latest);
			db_rollback(d);
			return ERR_VERSION;
		}
		if (current == latest)
			return db_rollback(d);
		int copies;
		f = migration(dialect, current + 1, &copies);
		if (!f || copies > 1) {
			/* two files of one number would apply one and silently skip the other */
			snprintf(errbuf, ERRBUF_MAX, "migration %d is %s in this build", current + 1,
				 f ? "defined twice (a dialect file and a common one, or two files)"
				   : "missing");
			db_rollback(d);
			return ERR_VERSION;
		}
		/* The migration text is compiled into the binary, never input. */
		if ((e = d->ops->exec(d, (const char *)f->data)) != ERR_OK ||
		    (e = record_migration(d, current + 1)) != ERR_OK || (e = db_commit(d)) != ERR_OK) {
			snprintf(errbuf, ERRBUF_MAX, "cannot apply migration %s: %s", f->name,
				 db_errmsg(d));
			db_rollback(d);
			return e;
		}
	}
}

err_t db_open(const char *target, enum db_open_mode mode, db **out, char *errbuf)
{
	db *d = NULL;
	err_t e = db_target_is_postgres(target) ? db_pg_open(target, mode, &d, errbuf)
				      : db_sqlite_open(target, mode, &d, errbuf);
	if (e != ERR_OK)
		return e;
	if ((e = migrate(d, errbuf)) != ERR_OK) {
		if (db_damaged(d))
			db_damaged_message(target, db_errmsg(d), errbuf);
		db_close(d);
		return e;
	}
	*out = d;
	return ERR_OK;
}

void db_close(db *d)
{
	if (d)
		d->ops->close(d);
}

enum db_dialect db_dialect_of(const db *d) { return d->ops->dialect; }
const char *db_errmsg(db *d) { return d->ops->errmsg(d); }
int db_damaged(db *d) { return d->ops->damaged ? d->ops->damaged(d) : 0; }

/* quick_check's verdict begins with the schema's name on a line of its own:
 * keep the finding, on one line. */
static void one_line(const char *detail, char *out, size_t len)
{
	static const char banner[] = "*** in database main ***";
	size_t n = 0;
	if (!detail || !*detail)
		detail = "unreadable";
	if (strncmp(detail, banner, sizeof banner - 1) == 0)
		detail += sizeof banner - 1;
	while (*detail == '\n' || *detail == ' ')
		detail++;
	for (; *detail && n + 1 < len; detail++)
		out[n++] = *detail == '\n' ? ';' : *detail;
	out[n] = '\0';
}

void db_remove_files(const char *path)
{
	char side[PATH_MAX + 8];
	unlink(path);
	snprintf(side, sizeof side, "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof side, "%s-shm", path);
	unlink(side);
}

void db_damaged_message(const char *target, const char *detail, char *errbuf)
{
	char finding[160];
	one_line(detail, finding, sizeof finding);
	snprintf(errbuf, ERRBUF_MAX,
		 "the database %s is damaged (%s): Haven will not use it. Stop every haven "
		 "process on it, keep the file aside, and restore the last backup into a new "
		 "file with 'haven restore --from BACKUP --db NEW' (docs/operations.md, "
		 "\"A damaged database\")",
		 target, finding);
}

err_t db_check_pages(db *d, const char *target, char *errbuf)
{
	db_stmt *st = NULL;
	const char *verdict = NULL;
	int rc = DB_DONE;
	err_t e;
	if (db_dialect_of(d) != DB_SQLITE)
		return ERR_OK;
	if ((e = db_prepare(d, Q_SQLITE_QUICK_CHECK, &st)) == ERR_OK &&
	    (rc = db_step(st)) == DB_ROW)
		verdict = db_col_text(st, 0); /* NULL only when out of memory */
	if (e == ERR_NOMEM || db_step_error(rc) == ERR_NOMEM || (rc == DB_ROW && !verdict)) {
		e = ERR_NOMEM; /* not the file's fault */
		snprintf(errbuf, ERRBUF_MAX, "cannot check %s: out of memory", target);
	} else if (!verdict || strcmp(verdict, "ok") != 0) {
		/* a damaged file either fails the pragma or answers what is wrong */
		db_damaged_message(target, verdict ? verdict : db_errmsg(d), errbuf);
		e = ERR_DB;
	}
	db_finalize(st);
	return e;
}

err_t db_step_error(int rc) { return rc < 0 ? (err_t)-rc : ERR_DB; }

err_t db_done(int rc) { return rc == DB_DONE ? ERR_OK : db_step_error(rc); }

err_t db_begin(db *d) { return d->ops->begin(d); }
err_t db_commit(db *d) { return d->ops->commit(d); }
err_t db_rollback(db *d) { return d->ops->rollback(d); }
err_t db_reads_begin(db *d) { return d->ops->reads_begin ? d->ops->reads_begin(d) : ERR_OK; }

void db_reads_end(db *d)
{
	if (d->ops->reads_end)
		d->ops->reads_end(d);
}

err_t db_checkpoint(db *d) { return d->ops->checkpoint ? d->ops->checkpoint(d) : ERR_OK; }

void db_tune_worker(db *d)
{
	if (d->ops->tune_worker)
		d->ops->tune_worker(d);
}
err_t db_exec_simple(db *d, const char *sql) { return d->ops->exec(d, sql); }
err_t db_prepare(db *d, const char *sql, db_stmt **out) { return d->ops->prepare(d, sql, out); }

void db_finalize(db_stmt *s)
{
	if (s)
		s->ops->finalize(s);
}

err_t db_reset(db_stmt *s) { return s->ops->reset(s); }
err_t db_bind_int(db_stmt *s, int n, int64_t v) { return s->ops->bind_int(s, n, v); }
err_t db_bind_null(db_stmt *s, int n) { return s->ops->bind_null(s, n); }

err_t db_bind_text(db_stmt *s, int n, const char *v)
{
	return v ? s->ops->bind_text(s, n, v) : s->ops->bind_null(s, n);
}

err_t db_bind_blob(db_stmt *s, int n, const void *v, size_t len)
{
	return v ? s->ops->bind_blob(s, n, v, len) : s->ops->bind_null(s, n);
}

int db_step(db_stmt *s) { return s->ops->step(s); }
int db_col_is_null(db_stmt *s, int col) { return s->ops->col_is_null(s, col); }
int64_t db_col_int(db_stmt *s, int col) { return s->ops->col_int(s, col); }
int db_col_count(db_stmt *s) { return s->ops->col_count(s); }
enum db_type db_col_type(db_stmt *s, int col) { return s->ops->col_type(s, col); }
const char *db_col_text(db_stmt *s, int col) { return s->ops->col_text(s, col); }
size_t db_col_text_bytes(db_stmt *s, int col) { return s->ops->col_text_bytes(s, col); }
const void *db_col_blob(db_stmt *s, int col, size_t *len) { return s->ops->col_blob(s, col, len); }
