/*
 * db_sqlite.c - the SQLite driver behind db.h.
 *
 * Owns the connection settings that make an embedded database safe to lose
 * power on (WAL, synchronous=FULL, foreign keys, defensive mode, secure
 * delete) and the migrations compiled in from schema/sqlite/.  Placeholders
 * `$n` are bound by name, so a statement may use them in any order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "db/db.h"
#include "util/embed.h"

#define MIGRATION_PREFIX "db/schema/sqlite/"
#define BUSY_TIMEOUT_MS 5000

struct db {
	sqlite3 *conn;
	int in_tx;
};

struct db_stmt {
	db *owner;
	sqlite3_stmt *st;
};

static err_t map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE: return ERR_OK;
	case SQLITE_CONSTRAINT: return ERR_CONFLICT;
	case SQLITE_NOMEM: return ERR_NOMEM;
	default: return ERR_DB;
	}
}

/* The version number a migration file name starts with ("001_x.sql" -> 1). */
static int migration_version(const char *name)
{
	const char *base = name + strlen(MIGRATION_PREFIX);
	char *end;
	long v = strtol(base, &end, 10);
	return (end != base && *end == '_') ? (int)v : -1;
}

int db_schema_latest(enum db_dialect dialect)
{
	int latest = 0;
	if (dialect != DB_SQLITE)
		return 0;
	for (const struct embedded_file *f = embedded_files; f->name; f++)
		if (strncmp(f->name, MIGRATION_PREFIX, strlen(MIGRATION_PREFIX)) == 0 &&
		    migration_version(f->name) > latest)
			latest = migration_version(f->name);
	return latest;
}

static int query_int(sqlite3 *c, const char *sql, int *out)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(c, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	return rc;
}

int db_schema_version(db *d)
{
	int v = 0;
	if (query_int(d->conn, "SELECT coalesce(max(version), 0) FROM schema_migrations", &v) != SQLITE_OK)
		return -1;
	return v;
}

static err_t apply_migration(db *d, const struct embedded_file *f, int version, char *errbuf)
{
	char *msg = NULL;
	sqlite3_stmt *st = NULL;
	err_t e = ERR_DB;

	if (sqlite3_exec(d->conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	/* The migration text is compiled into the binary, never input. */
	if (sqlite3_exec(d->conn, (const char *)f->data, NULL, NULL, &msg) != SQLITE_OK)
		goto out;
	if (sqlite3_prepare_v2(d->conn,
			"INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
			-1, &st, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_int(st, 1, version);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	if (sqlite3_exec(d->conn, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	e = ERR_OK;
out:
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot apply migration %s: %s", f->name,
			 msg ? msg : sqlite3_errmsg(d->conn));
		sqlite3_exec(d->conn, "ROLLBACK", NULL, NULL, NULL);
	}
	sqlite3_finalize(st);
	sqlite3_free(msg);
	return e;
}

/* Applies, in order, every compiled-in migration above the database's version. */
static err_t migrate(db *d, char *errbuf)
{
	int current = db_schema_version(d), latest = db_schema_latest(DB_SQLITE);

	if (current < 0) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read the schema version: %s", sqlite3_errmsg(d->conn));
		return ERR_DB;
	}
	if (current > latest) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the database is at schema version %d but this haven knows only up to %d: "
			 "use a newer haven", current, latest);
		return ERR_VERSION;
	}
	for (int v = current + 1; v <= latest; v++) {
		const struct embedded_file *found = NULL;
		for (const struct embedded_file *f = embedded_files; f->name; f++)
			if (strncmp(f->name, MIGRATION_PREFIX, strlen(MIGRATION_PREFIX)) == 0 &&
			    migration_version(f->name) == v)
				found = f;
		if (!found) {
			snprintf(errbuf, ERRBUF_MAX, "migration %d is missing from this build", v);
			return ERR_VERSION;
		}
		err_t e = apply_migration(d, found, v, errbuf);
		if (e != ERR_OK)
			return e;
	}
	return ERR_OK;
}

/* Settings that hold for every connection; REL-02 reads them back in tests. */
static err_t configure(db *d, char *errbuf)
{
	static const char *const pragmas[] = {
		"PRAGMA journal_mode=WAL",     "PRAGMA synchronous=FULL",
		"PRAGMA foreign_keys=ON",      "PRAGMA secure_delete=ON",
		"PRAGMA trusted_schema=OFF",
		"CREATE TABLE IF NOT EXISTS schema_migrations ("
		" version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT",
	};
	sqlite3_busy_timeout(d->conn, BUSY_TIMEOUT_MS);
	sqlite3_db_config(d->conn, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
		if (sqlite3_exec(d->conn, pragmas[i], NULL, NULL, NULL) != SQLITE_OK) {
			snprintf(errbuf, ERRBUF_MAX, "cannot configure the database (%s): %s",
				 pragmas[i], sqlite3_errmsg(d->conn));
			return ERR_DB;
		}
	}
	return ERR_OK;
}

err_t db_open(const char *target, enum db_open_mode mode, db **out, char *errbuf)
{
	struct stat sb;
	int exists = stat(target, &sb) == 0;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	err_t e;
	db *d;

	if (strncmp(target, "postgres", 8) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "%s: PostgreSQL is not supported by this build yet", target);
		return ERR_INVALID;
	}
	if (mode == DB_OPEN_EXISTING && !exists) {
		snprintf(errbuf, ERRBUF_MAX, "no database at %s: create one with 'haven init --db %s'",
			 target, target);
		return ERR_NOT_FOUND;
	}
	if (mode == DB_OPEN_CREATE && exists) {
		snprintf(errbuf, ERRBUF_MAX, "%s exists already: haven init never overwrites a database",
			 target);
		return ERR_CONFLICT;
	}
	if (mode == DB_OPEN_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	d = calloc(1, sizeof *d);
	if (!d)
		return ERR_NOMEM;
	if (sqlite3_open_v2(target, &d->conn, flags, NULL) != SQLITE_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot open %s: %s", target,
			 d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
		e = ERR_DB;
		goto fail;
	}
	sqlite3_extended_result_codes(d->conn, 1);
	if ((e = configure(d, errbuf)) != ERR_OK || (e = migrate(d, errbuf)) != ERR_OK)
		goto fail;
	*out = d;
	return ERR_OK;
fail:
	sqlite3_close_v2(d->conn);
	free(d);
	return e;
}

void db_close(db *d)
{
	if (!d)
		return;
	sqlite3_close_v2(d->conn);
	free(d);
}

enum db_dialect db_dialect_of(const db *d)
{
	(void)d;
	return DB_SQLITE;
}

const char *db_errmsg(db *d)
{
	return sqlite3_errmsg(d->conn);
}

static err_t exec_plain(db *d, const char *sql)
{
	return map_rc(sqlite3_exec(d->conn, sql, NULL, NULL, NULL)) == ERR_OK ? ERR_OK : ERR_DB;
}

err_t db_begin(db *d)
{
	/* IMMEDIATE takes the write lock now, so a writer never fails half way
	 * through with SQLITE_BUSY on lock upgrade. */
	err_t e = exec_plain(d, "BEGIN IMMEDIATE");
	if (e == ERR_OK)
		d->in_tx = 1;
	return e;
}

err_t db_commit(db *d)
{
	err_t e = exec_plain(d, "COMMIT");
	if (e == ERR_OK)
		d->in_tx = 0;
	return e;
}

err_t db_rollback(db *d)
{
	if (!d->in_tx && sqlite3_get_autocommit(d->conn))
		return ERR_OK;
	d->in_tx = 0;
	return exec_plain(d, "ROLLBACK");
}

err_t db_exec_simple(db *d, const char *sql)
{
	return exec_plain(d, sql);
}

err_t db_prepare(db *d, const char *sql, db_stmt **out)
{
	db_stmt *s = calloc(1, sizeof *s);
	if (!s)
		return ERR_NOMEM;
	if (sqlite3_prepare_v3(d->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL) != SQLITE_OK) {
		free(s);
		return ERR_DB;
	}
	s->owner = d;
	*out = s;
	return ERR_OK;
}

void db_finalize(db_stmt *s)
{
	if (!s)
		return;
	sqlite3_finalize(s->st);
	free(s);
}

err_t db_reset(db_stmt *s)
{
	sqlite3_reset(s->st);
	return map_rc(sqlite3_clear_bindings(s->st));
}

/* SQLite index of placeholder $n, or 0 when the statement has none. */
static int param_index(db_stmt *s, int n)
{
	char name[16];
	snprintf(name, sizeof name, "$%d", n);
	return sqlite3_bind_parameter_index(s->st, name);
}

#define BIND(call)                                  \
	do {                                        \
		int i_ = param_index(s, n);         \
		if (i_ == 0)                        \
			return ERR_INVALID;         \
		return map_rc(call);                \
	} while (0)

err_t db_bind_int(db_stmt *s, int n, int64_t v)
{
	BIND(sqlite3_bind_int64(s->st, i_, (sqlite3_int64)v));
}

err_t db_bind_text(db_stmt *s, int n, const char *v)
{
	if (!v)
		return db_bind_null(s, n);
	BIND(sqlite3_bind_text(s->st, i_, v, -1, SQLITE_TRANSIENT));
}

err_t db_bind_blob(db_stmt *s, int n, const void *v, size_t len)
{
	if (!v)
		return db_bind_null(s, n);
	BIND(sqlite3_bind_blob64(s->st, i_, v, (sqlite3_uint64)len, SQLITE_TRANSIENT));
}

err_t db_bind_null(db_stmt *s, int n)
{
	BIND(sqlite3_bind_null(s->st, i_));
}

int db_step(db_stmt *s)
{
	int rc = sqlite3_step(s->st);
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return -(int)map_rc(rc);
}

int db_col_is_null(db_stmt *s, int col)
{
	return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

int64_t db_col_int(db_stmt *s, int col)
{
	return sqlite3_column_int64(s->st, col);
}

const char *db_col_text(db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->st, col);
}

const void *db_col_blob(db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(s->st, col);
	*len = (size_t)sqlite3_column_bytes(s->st, col);
	return p;
}
