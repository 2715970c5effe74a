/*
 * db_sqlite.c - the SQLite driver behind db.h.
 *
 * Owns the connection settings that make an embedded database safe to lose
 * power on (WAL, synchronous=FULL, foreign keys, defensive mode, secure
 * delete).  Placeholders `$n` are bound by name, so a statement may use them
 * in any order or twice.
 *
 * Each connection keeps the statements it prepared in a small cache keyed by
 * the SQL text's address (and checked against the text): db_finalize of a
 * cached statement resets it, the next db_prepare of the same text gets it
 * back without parsing, and the connection's close finalizes them all.  A
 * reset statement holds no read transaction.  A statement still in use gets
 * a fresh, uncached one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "db/db_driver.h"

#define BUSY_TIMEOUT_MS 5000

#define LITE_PARAMS_MAX 64
#define LITE_CACHE_MAX 64 /* statements kept per connection */

struct lite_stmt;
struct lite_cached {
	const char *key; /* the caller's SQL pointer */
	struct lite_stmt *s;
	int in_use;
};

/* The transaction statements, prepared once per connection: parsing
 * "BEGIN IMMEDIATE" and "COMMIT" again for every transaction cost more than
 * a read's audit entry does to hash. */
enum lite_tx { TX_BEGIN, TX_COMMIT, TX_ROLLBACK, TX_READS, TX_COUNT };
static const char *const lite_tx_sql[TX_COUNT] = {"BEGIN IMMEDIATE", "COMMIT", "ROLLBACK",
						  "BEGIN DEFERRED"};

struct lite {
	struct db base;
	sqlite3 *conn;
	int in_tx;
	int in_reads; /* a read transaction of db_reads_begin is open */
	sqlite3_stmt *tx[TX_COUNT]; /* NULL until first used */
	struct lite_cached cache[LITE_CACHE_MAX];
	int ncache;
};

struct lite_stmt {
	struct db_stmt base;
	sqlite3_stmt *st;
	/* SQLite's index of each $n, found once at prepare: binding by name
	 * would format and search a name for every value of every row */
	unsigned char index[LITE_PARAMS_MAX + 1];
	struct lite_cached *slot; /* its cache entry, NULL when not cached */
};

static const struct db_ops lite_ops;

static struct lite *L(db *d) { return (struct lite *)d; }
static sqlite3_stmt *S(db_stmt *s) { return ((struct lite_stmt *)s)->st; }

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

/* REL-08: a file whose pages or header SQLite cannot make sense of. */
static int lite_damaged(db *d)
{
	int rc = sqlite3_errcode(L(d)->conn) & 0xff;
	return rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB;
}

/* Settings that hold for every connection; REL-02 reads them back in tests. */
static err_t configure(struct lite *d, char *errbuf)
{
	static const char *const pragmas[] = {
		"PRAGMA journal_mode=WAL",     "PRAGMA synchronous=FULL",
		"PRAGMA foreign_keys=ON",      "PRAGMA secure_delete=ON",
		"PRAGMA trusted_schema=OFF",
		/* up to 256 MiB of page cache, allocated only as used: a large
		 * import's pages stay in memory instead of spilling through the
		 * WAL before commit (bench/import: 48 s -> 27 s) */
		"PRAGMA cache_size=-262144",
		("CREATE TABLE IF NOT EXISTS schema_migrations ("
		 " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT"),
	};
	sqlite3_busy_timeout(d->conn, BUSY_TIMEOUT_MS);
	sqlite3_db_config(d->conn, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	for (size_t i = 0; i < sizeof pragmas / sizeof pragmas[0]; i++) {
		int rc = sqlite3_exec(d->conn, pragmas[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			snprintf(errbuf, ERRBUF_MAX, "cannot configure the database (%s): %s",
				 pragmas[i], sqlite3_errmsg(d->conn));
			if (lite_damaged(&d->base)) /* the first read of the file is here */
				db_damaged_message(sqlite3_db_filename(d->conn, "main"),
						   sqlite3_errmsg(d->conn), errbuf);
			return map_rc(rc);
		}
	}
	return ERR_OK;
}

/* Once per process, before SQLite initialises: no memory statistics.  They
 * are kept under one process-wide mutex taken by every allocation of every
 * connection, which the server's workers queued for; nothing reads them. */
static void lite_process_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); /* refused, harmlessly, if too late */
}

err_t db_sqlite_open(const char *path, enum db_open_mode mode, db **out, char *errbuf)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct stat sb;
	int exists = stat(path, &sb) == 0;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct lite *d;
	err_t e;

	pthread_once(&once, lite_process_setup);
	if (mode == DB_OPEN_EXISTING && !exists) {
		snprintf(errbuf, ERRBUF_MAX, "no database at %s: create one with 'haven init --db %s'",
			 path, path);
		return ERR_NOT_FOUND;
	}
	if (mode == DB_OPEN_CREATE && exists) {
		snprintf(errbuf, ERRBUF_MAX, "%s exists already: haven init never overwrites a database",
			 path);
		return ERR_CONFLICT;
	}
	if (mode == DB_OPEN_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	if (!(d = calloc(1, sizeof *d)))
		return ERR_NOMEM;
	d->base.ops = &lite_ops;
	int rc = sqlite3_open_v2(path, &d->conn, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot open %s: %s", path,
			 d->conn ? sqlite3_errmsg(d->conn) : "out of memory");
		e = d->conn ? map_rc(rc) : ERR_NOMEM;
		goto fail;
	}
	sqlite3_extended_result_codes(d->conn, 1);
	if ((e = configure(d, errbuf)) != ERR_OK)
		goto fail;
	*out = &d->base;
	return ERR_OK;
fail:
	sqlite3_close_v2(d->conn);
	free(d);
	return e;
}

static void lite_close(db *d)
{
	for (int i = 0; i < TX_COUNT; i++)
		sqlite3_finalize(L(d)->tx[i]);
	for (int i = 0; i < L(d)->ncache; i++) {
		sqlite3_finalize(L(d)->cache[i].s->st);
		free(L(d)->cache[i].s);
	}
	sqlite3_close_v2(L(d)->conn);
	free(d);
}

static const char *lite_errmsg(db *d)
{
	return sqlite3_errmsg(L(d)->conn);
}

static err_t lite_exec(db *d, const char *sql)
{
	return map_rc(sqlite3_exec(L(d)->conn, sql, NULL, NULL, NULL));
}

/* Runs one of the transaction statements. */
static err_t lite_tx(db *d, enum lite_tx which)
{
	sqlite3_stmt **st = &L(d)->tx[which];
	int rc = *st ? SQLITE_OK : sqlite3_prepare_v2(L(d)->conn, lite_tx_sql[which], -1, st, NULL);
	if (rc != SQLITE_OK)
		return map_rc(rc);
	rc = sqlite3_step(*st);
	sqlite3_reset(*st);
	return rc == SQLITE_DONE ? ERR_OK : rc == SQLITE_ROW ? ERR_DB : map_rc(rc);
}

static err_t lite_begin(db *d)
{
	/* IMMEDIATE takes the write lock now, so a writer never fails half way
	 * through with SQLITE_BUSY on lock upgrade. */
	err_t e = lite_tx(d, TX_BEGIN);
	if (e == ERR_OK)
		L(d)->in_tx = 1;
	return e;
}

static err_t lite_commit(db *d)
{
	err_t e = lite_tx(d, TX_COMMIT);
	if (e == ERR_OK)
		L(d)->in_tx = 0;
	return e;
}

static err_t lite_rollback(db *d)
{
	if (!L(d)->in_tx && sqlite3_get_autocommit(L(d)->conn))
		return ERR_OK;
	L(d)->in_tx = 0;
	return lite_tx(d, TX_ROLLBACK);
}

static err_t lite_reads_begin(db *d)
{
	if (L(d)->in_tx || !sqlite3_get_autocommit(L(d)->conn))
		return ERR_OK; /* inside a transaction already: its reads share it */
	err_t e = lite_tx(d, TX_READS);
	L(d)->in_reads = e == ERR_OK;
	return e;
}

static void lite_reads_end(db *d)
{
	if (!L(d)->in_reads)
		return;
	L(d)->in_reads = 0;
	if (lite_tx(d, TX_COMMIT) != ERR_OK)
		lite_tx(d, TX_ROLLBACK);
}

static err_t lite_checkpoint(db *d)
{
	int rc = sqlite3_wal_checkpoint_v2(L(d)->conn, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return rc == SQLITE_BUSY ? ERR_OK : map_rc(rc); /* busy: next time */
}

static void lite_tune_worker(db *d)
{
	sqlite3_wal_autocheckpoint(L(d)->conn, DB_CHECKPOINT_BACKSTOP);
	/* a constant text, not formatted SQL: kept equal to DB_WORKER_CACHE_KIB */
	_Static_assert(DB_WORKER_CACHE_KIB == 32768, "the PRAGMA below says 32768");
	(void)sqlite3_exec(L(d)->conn, "PRAGMA cache_size=-32768", NULL, NULL, NULL);
}

/* Records which SQLite parameter index each "$n" of the statement has. */
static void map_params(struct lite_stmt *s)
{
	int count = sqlite3_bind_parameter_count(s->st);
	for (int i = 1; i <= count; i++) {
		const char *name = sqlite3_bind_parameter_name(s->st, i);
		char *end = NULL;
		long n = name && name[0] == '$' ? strtol(name + 1, &end, 10) : 0;
		if (n >= 1 && n <= LITE_PARAMS_MAX && end && *end == '\0' && i <= 255)
			s->index[n] = (unsigned char)i;
	}
}

/* The cached statement of `sql`, marked in use; NULL when there is none
 * free.  A stale entry (same address, other text) is dropped. */
static struct lite_stmt *cache_take(struct lite *d, const char *sql)
{
	for (int i = 0; i < d->ncache; i++) {
		struct lite_cached *c = &d->cache[i];
		if (c->key != sql || c->in_use)
			continue;
		if (strcmp(sqlite3_sql(c->s->st), sql) != 0) {
			sqlite3_finalize(c->s->st);
			free(c->s);
			*c = d->cache[--d->ncache];
			if (c != &d->cache[d->ncache])
				c->s->slot = c;
			return NULL;
		}
		c->in_use = 1;
		return c->s;
	}
	return NULL;
}

static err_t lite_prepare(db *d, const char *sql, db_stmt **out)
{
	struct lite_stmt *s = cache_take(L(d), sql);
	if (s) {
		*out = &s->base; /* reset at its finalize */
		return ERR_OK;
	}
	if (!(s = calloc(1, sizeof *s)))
		return ERR_NOMEM;
	int rc = sqlite3_prepare_v3(L(d)->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return map_rc(rc);
	}
	s->base.ops = &lite_ops;
	map_params(s);
	if (L(d)->ncache < LITE_CACHE_MAX) {
		struct lite_cached *c = &L(d)->cache[L(d)->ncache++];
		*c = (struct lite_cached){sql, s, 1};
		s->slot = c;
	}
	*out = &s->base;
	return ERR_OK;
}

static void lite_finalize(db_stmt *s)
{
	struct lite_stmt *ls = (struct lite_stmt *)s;
	if (ls->slot) { /* back to the cache, ready for the next prepare */
		sqlite3_reset(ls->st);
		sqlite3_clear_bindings(ls->st);
		ls->slot->in_use = 0;
		return;
	}
	sqlite3_finalize(S(s));
	free(s);
}

static err_t lite_reset(db_stmt *s)
{
	sqlite3_reset(S(s));
	return map_rc(sqlite3_clear_bindings(S(s)));
}

/* SQLite index of placeholder $n, or 0 when the statement has none. */
static int param_index(db_stmt *s, int n)
{
	return n >= 1 && n <= LITE_PARAMS_MAX ? ((struct lite_stmt *)s)->index[n] : 0;
}

#define BIND(call)                          \
	do {                                \
		int i_ = param_index(s, n); \
		if (i_ == 0)                \
			return ERR_INVALID; \
		return map_rc(call);        \
	} while (0)

static err_t lite_bind_int(db_stmt *s, int n, int64_t v)
{
	BIND(sqlite3_bind_int64(S(s), i_, (sqlite3_int64)v));
}

static err_t lite_bind_text(db_stmt *s, int n, const char *v)
{
	BIND(sqlite3_bind_text(S(s), i_, v, -1, SQLITE_TRANSIENT));
}

static err_t lite_bind_blob(db_stmt *s, int n, const void *v, size_t len)
{
	BIND(sqlite3_bind_blob64(S(s), i_, v, (sqlite3_uint64)len, SQLITE_TRANSIENT));
}

static err_t lite_bind_null(db_stmt *s, int n)
{
	BIND(sqlite3_bind_null(S(s), i_));
}

static int lite_step(db_stmt *s)
{
	int rc = sqlite3_step(S(s));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	return -(int)map_rc(rc);
}

static int lite_col_is_null(db_stmt *s, int col)
{
	return sqlite3_column_type(S(s), col) == SQLITE_NULL;
}

static int lite_col_count(db_stmt *s)
{
	return sqlite3_column_count(S(s));
}

static enum db_type lite_col_type(db_stmt *s, int col)
{
	switch (sqlite3_column_type(S(s), col)) {
	case SQLITE_INTEGER: return DB_TYPE_INT;
	case SQLITE_TEXT: return DB_TYPE_TEXT;
	case SQLITE_BLOB: return DB_TYPE_BLOB;
	default: return DB_TYPE_NULL; /* STRICT tables hold no REAL */
	}
}

static int64_t lite_col_int(db_stmt *s, int col)
{
	return sqlite3_column_int64(S(s), col);
}

static const char *lite_col_text(db_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(S(s), col);
}

static size_t lite_col_text_bytes(db_stmt *s, int col)
{
	return (size_t)sqlite3_column_bytes(S(s), col);
}

static const void *lite_col_blob(db_stmt *s, int col, size_t *len)
{
	const void *p = sqlite3_column_blob(S(s), col);
	*len = (size_t)sqlite3_column_bytes(S(s), col);
	return p;
}

static const struct db_ops lite_ops = {
	.dialect = DB_SQLITE,
	.close = lite_close,
	.errmsg = lite_errmsg,
	.begin = lite_begin,
	.commit = lite_commit,
	.rollback = lite_rollback,
	.reads_begin = lite_reads_begin,
	.reads_end = lite_reads_end,
	.checkpoint = lite_checkpoint,
	.tune_worker = lite_tune_worker,
	.exec = lite_exec,
	.prepare = lite_prepare,
	.finalize = lite_finalize,
	.reset = lite_reset,
	.bind_int = lite_bind_int,
	.bind_text = lite_bind_text,
	.bind_blob = lite_bind_blob,
	.bind_null = lite_bind_null,
	.step = lite_step,
	.col_is_null = lite_col_is_null,
	.col_count = lite_col_count,
	.col_type = lite_col_type,
	.col_int = lite_col_int,
	.col_text = lite_col_text,
	.col_text_bytes = lite_col_text_bytes,
	.col_blob = lite_col_blob,
	.damaged = lite_damaged,
};
