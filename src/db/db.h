/*
 * db.h - the one storage interface.
 *
 * Everything above src/db/ talks to a database through these calls and the
 * named SQL texts of queries.h; no other module holds SQL.  A driver (SQLite
 * now, PostgreSQL next) implements them.  SQL is written once for both
 * engines: `$1..$n` placeholders that are always bound, never formatted;
 * integers for flags, dates (Unix seconds) and money (qəpik).
 *
 * Ownership: db_open returns a handle the caller frees with db_close.  A
 * statement from db_prepare belongs to the caller until db_finalize.  Text and
 * blob pointers returned by db_col_* are borrowed and valid until the next
 * db_step, db_reset or db_finalize of that statement.
 */
#ifndef HAVEN_DB_H
#define HAVEN_DB_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

typedef struct db db;
typedef struct db_stmt db_stmt;

enum db_open_mode {
	DB_OPEN_EXISTING, /* refuse a missing database */
	DB_OPEN_CREATE    /* refuse an existing one; create it at the latest schema */
};

enum db_dialect { DB_SQLITE, DB_POSTGRES };

/* What db_step found. */
enum db_step_result { DB_ROW = 1, DB_DONE = 2 };

/*
 * Opens the database named by `target` (a file path; later a postgresql://
 * URL), applies pending migrations, and stores the handle in *out.  A database
 * newer than this binary answers ERR_VERSION.  On error writes a message for a
 * person into errbuf (ERRBUF_MAX bytes) and leaves *out untouched.
 */
err_t db_open(const char *target, enum db_open_mode mode, db **out, char *errbuf);

/* 1 when `target` names a PostgreSQL database (a postgresql:// URL). */
int db_target_is_postgres(const char *target);

/* Removes a SQLite database file with its -wal and -shm files, whichever
 * exist (the caller has closed every handle on it). */
void db_remove_files(const char *path);

/* Closes the handle; finalize its statements first.  Accepts NULL. */
void db_close(db *d);

enum db_dialect db_dialect_of(const db *d);

/* The engine's last error message (borrowed; may name SQL, never values). */
const char *db_errmsg(db *d);

/* 1 when the engine's last failure on `d` was finding the database file
 * damaged (SQLite: SQLITE_CORRUPT, SQLITE_NOTADB); always 0 on PostgreSQL,
 * whose server reports its own damage. */
int db_damaged(db *d);

/* Writes into errbuf (ERRBUF_MAX) what an operator is told about a damaged
 * database `target`: that Haven will not use it, and to restore the last
 * backup (docs/operations.md).  `detail` is the engine's word for it. */
void db_damaged_message(const char *target, const char *detail, char *errbuf);

/* SQLite: PRAGMA quick_check, every page read once and its structure
 * checked (the server runs it before it serves: 0.15-0.25 s on a 66 MB file
 * of 100,000 persons, against 1.5 s for integrity_check).  A damaged file
 * answers ERR_DB with db_damaged_message.  A no-op on PostgreSQL. */
err_t db_check_pages(db *d, const char *target, char *errbuf);

/* Schema version the database is at (a negative err_t when it cannot be
 * read), and the latest this binary knows. */
int db_schema_version(db *d);
int db_schema_latest(enum db_dialect dialect);

err_t db_begin(db *d);
err_t db_commit(db *d);
err_t db_rollback(db *d); /* safe to call when no transaction is open */

/* Around a run of reads that need no write: on SQLite they share one read
 * transaction (deferred BEGIN ... COMMIT), which takes the locks and checks
 * the WAL once instead of once per statement; while other connections
 * commit, each check found the WAL changed and dropped the connection's page
 * cache.  On PostgreSQL both do nothing (a transaction would cost two round
 * trips): callers must not rely on one snapshot.  No write may come between
 * them.  db_reads_end is safe after a failed db_reads_begin. */
err_t db_reads_begin(db *d);
void db_reads_end(db *d);

/* SQLite: copies what the WAL holds into the database file, without waiting
 * for anyone (a passive checkpoint: writers go on appending meanwhile).
 * PostgreSQL: nothing. */
err_t db_checkpoint(db *d);

/* SQLite, for the connection of one of a server's many workers: its commits
 * checkpoint the WAL only once it holds DB_CHECKPOINT_BACKSTOP pages (not
 * SQLite's 1,000), because the caller runs db_checkpoint off the path of its
 * requests (a commit that checkpoints syncs the database file too, and every
 * reader waiting on that commit waits for both); and its page cache is
 * DB_WORKER_CACHE_KIB, not the 256 MiB an import's single connection uses
 * (16 workers would otherwise hold up to 4 GiB).  PostgreSQL: nothing. */
#define DB_CHECKPOINT_BACKSTOP 10000
#define DB_WORKER_CACHE_KIB 32768
void db_tune_worker(db *d);

/* Prepares one statement of SQL text from queries.h. */
err_t db_prepare(db *d, const char *sql, db_stmt **out);
void db_finalize(db_stmt *s); /* accepts NULL */
err_t db_reset(db_stmt *s);   /* clears bindings too */

/* Binds parameter $n (1-based). Text and blobs are copied. */
err_t db_bind_int(db_stmt *s, int n, int64_t v);
err_t db_bind_text(db_stmt *s, int n, const char *v); /* NULL binds NULL */
err_t db_bind_blob(db_stmt *s, int n, const void *v, size_t len);
err_t db_bind_null(db_stmt *s, int n);

/* Runs the statement: DB_ROW with a row to read, DB_DONE at the end, or an
 * error code as a negative number (-ERR_DB, -ERR_CONFLICT for a unique or
 * foreign key violation). */
int db_step(db_stmt *s);

/* The error of a db_step result that is not the one wanted: its own when
 * it failed (ERR_NOMEM, ERR_CONFLICT, ...), else ERR_DB. */
err_t db_step_error(int rc);

/* ERR_OK when a statement that returns no rows ran to its end. */
err_t db_done(int rc);

enum db_type { DB_TYPE_NULL, DB_TYPE_INT, DB_TYPE_TEXT, DB_TYPE_BLOB };

int db_col_is_null(db_stmt *s, int col);
int db_col_count(db_stmt *s);
/* The type of a column's value in the current row (for copying rows whose
 * columns the caller does not know). */
enum db_type db_col_type(db_stmt *s, int col);
int64_t db_col_int(db_stmt *s, int col);
const char *db_col_text(db_stmt *s, int col); /* NULL for SQL NULL */
/* The bytes of a text column's value, read after db_col_text: more than
 * its strlen when SQLite holds a NUL inside it (PostgreSQL's text cannot). */
size_t db_col_text_bytes(db_stmt *s, int col);
const void *db_col_blob(db_stmt *s, int col, size_t *len);

/* Runs a statement that returns no rows, after binding nothing. */
err_t db_exec_simple(db *d, const char *sql);

#endif
