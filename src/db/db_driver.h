/*
 * db_driver.h - what a storage driver implements behind db.h (internal to
 * src/db/).  A driver's handle and statement structs begin with `struct db`
 * and `struct db_stmt`, so db.c can dispatch through their ops table.
 */
#ifndef HAVEN_DB_DRIVER_H
#define HAVEN_DB_DRIVER_H

#include "db/db.h"

struct db_ops {
	enum db_dialect dialect;
	void (*close)(db *d);
	const char *(*errmsg)(db *d);
	err_t (*begin)(db *d);
	err_t (*commit)(db *d);
	err_t (*rollback)(db *d);
	err_t (*reads_begin)(db *d); /* optional, with reads_end: see db_reads_begin */
	void (*reads_end)(db *d);
	err_t (*checkpoint)(db *d);      /* optional: see db_checkpoint */
	void (*tune_worker)(db *d); /* optional */
	err_t (*exec)(db *d, const char *sql); /* compiled-in SQL only; may hold several statements */
	err_t (*prepare)(db *d, const char *sql, db_stmt **out);
	void (*finalize)(db_stmt *s);
	err_t (*reset)(db_stmt *s);
	err_t (*bind_int)(db_stmt *s, int n, int64_t v);
	err_t (*bind_text)(db_stmt *s, int n, const char *v);
	err_t (*bind_blob)(db_stmt *s, int n, const void *v, size_t len);
	err_t (*bind_null)(db_stmt *s, int n);
	int (*step)(db_stmt *s);
	int (*col_is_null)(db_stmt *s, int col);
	int (*col_count)(db_stmt *s);
	enum db_type (*col_type)(db_stmt *s, int col);
	int64_t (*col_int)(db_stmt *s, int col);
	const char *(*col_text)(db_stmt *s, int col);
	size_t (*col_text_bytes)(db_stmt *s, int col);
	const void *(*col_blob)(db_stmt *s, int col, size_t *len);
	int (*damaged)(db *d); /* optional: the last failure found the file damaged */
};

struct db {
	const struct db_ops *ops;
};

struct db_stmt {
	const struct db_ops *ops;
};

/* Each driver opens its engine (without migrating) and ensures the
 * schema_migrations table exists; db_open then migrates. */
err_t db_sqlite_open(const char *path, enum db_open_mode mode, db **out, char *errbuf);
err_t db_pg_open(const char *url, enum db_open_mode mode, db **out, char *errbuf);

#endif
