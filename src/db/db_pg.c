/*
 * db_pg.c - the PostgreSQL driver behind db.h, over libpq.
 *
 * Statements are prepared server-side under a name per statement and
 * re-prepared after a reconnect.  A prepare costs two round trips (prepare,
 * describe) and a finalize a third (deallocate), so each connection keeps
 * the statements it prepared in a small cache keyed by the SQL text's
 * address (the callers' SQL is static text; the text itself is compared
 * too, so a reused buffer never returns another statement): db_finalize of
 * a cached statement only resets it, the next db_prepare of the same text
 * gets it back, and the connection's close frees them all.  A statement
 * still in use (the same text prepared twice at once) gets a fresh,
 * uncached one.  Parameters go as text (integers, text) or
 * binary (bytea); results come as text, fetched whole, so that several
 * statements can be stepped at once on one connection as with SQLite.
 *
 * Write transactions take one transaction-scoped advisory lock: writers are
 * serialised as SQLite serialises them, under READ COMMITTED.  The audit
 * chain (each entry hashes the previous one) and the idempotent import
 * (look up, then insert or update) need exactly that: no two writers
 * interleave, and readers never wait.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db/db_driver.h"

#define PG_PARAMS_MAX 64
#define PG_CACHE_MAX 64 /* statements kept per connection */
#define PG_WRITE_LOCK "7361766e" /* any constant; one lock for all writers */

struct pg {
	struct db base;
	PGconn *conn;
	int in_tx;
	unsigned next_name;
	unsigned generation; /* bumped on reconnect: prepared names are gone */
	char err[ERRBUF_MAX];
	struct cached {
		const char *key; /* the caller's SQL pointer */
		struct pg_stmt *s;
		int in_use;
	} cache[PG_CACHE_MAX];
	int ncache;
};

struct pg_stmt {
	struct db_stmt base;
	struct pg *owner;
	char *sql;
	char name[24];
	unsigned generation;
	int nparams;
	char *values[PG_PARAMS_MAX];
	int lengths[PG_PARAMS_MAX], formats[PG_PARAMS_MAX];
	PGresult *res;
	struct cached *slot;  /* its cache entry, NULL when not cached */
	int row;              /* -1 before the first step */
	struct blob {
		unsigned char *p;
		size_t len;
	} *blobs; /* unescaped bytea of the current row, per column */
};

static const struct db_ops pg_ops;

static struct pg *P(db *d) { return (struct pg *)d; }
static struct pg_stmt *PS(db_stmt *s) { return (struct pg_stmt *)s; }

static void set_err(struct pg *d, const char *msg)
{
	snprintf(d->err, sizeof d->err, "%s", msg ? msg : "unknown PostgreSQL error");
	size_t n = strlen(d->err);
	while (n && (d->err[n - 1] == '\n' || d->err[n - 1] == ' '))
		d->err[--n] = '\0';
}

/* Maps a failed result to an error code: constraint violations (SQLSTATE
 * class 23) are conflicts, everything else a database error. */
static err_t result_error(struct pg *d, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	set_err(d, res ? PQresultErrorMessage(res) : PQerrorMessage(d->conn));
	return state && strncmp(state, "23", 2) == 0 ? ERR_CONFLICT : ERR_DB;
}

/* Reconnects a broken connection outside a transaction (the next statement
 * then re-prepares); inside one, the transaction is lost and stays an error. */
static err_t ensure_connected(struct pg *d)
{
	if (PQstatus(d->conn) == CONNECTION_OK)
		return ERR_OK;
	if (d->in_tx)
		return ERR_DB;
	PQreset(d->conn);
	d->generation++;
	if (PQstatus(d->conn) != CONNECTION_OK) {
		set_err(d, PQerrorMessage(d->conn));
		return ERR_DB;
	}
	return ERR_OK;
}

static err_t pg_exec(db *db_, const char *sql)
{
	struct pg *d = P(db_);
	PGresult *res;
	err_t e = ensure_connected(d);
	if (e != ERR_OK)
		return e;
	res = PQexec(d->conn, sql);
	e = (PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK)
		    ? ERR_OK
		    : result_error(d, res);
	PQclear(res);
	return e;
}

/* Writes the URL without its password into buf, for messages. */
static void redact(const char *url, char *buf, size_t len)
{
	const char *scheme = strstr(url, "://"), *at = strchr(url, '@');
	if (scheme && at && at > scheme)
		snprintf(buf, len, "%.*s://***%s", (int)(scheme - url), url, at);
	else
		snprintf(buf, len, "%s", url);
}

/* Whether the database holds a Haven schema already. */
static err_t has_schema(struct pg *d, int *out)
{
	PGresult *res = PQexec(d->conn, "SELECT to_regclass('schema_migrations') IS NOT NULL");
	err_t e = PQresultStatus(res) == PGRES_TUPLES_OK ? ERR_OK : result_error(d, res);
	if (e == ERR_OK)
		*out = PQgetvalue(res, 0, 0)[0] == 't';
	PQclear(res);
	return e;
}

static err_t check_mode(struct pg *d, const char *url, enum db_open_mode mode, char *errbuf)
{
	char shown[512];
	int exists = 0;
	err_t e = has_schema(d, &exists);
	redact(url, shown, sizeof shown);
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read %s: %s", shown, d->err);
		return e;
	}
	if (mode == DB_OPEN_EXISTING && !exists) {
		snprintf(errbuf, ERRBUF_MAX,
			 "no Haven database at %s: create one with 'haven init --db URL'", shown);
		return ERR_NOT_FOUND;
	}
	if (mode == DB_OPEN_CREATE && exists) {
		snprintf(errbuf, ERRBUF_MAX,
			 "%s holds a Haven database already: haven init never overwrites one", shown);
		return ERR_CONFLICT;
	}
	return ERR_OK;
}

err_t db_pg_open(const char *url, enum db_open_mode mode, db **out, char *errbuf)
{
	char shown[512];
	struct pg *d = calloc(1, sizeof *d);
	err_t e = ERR_DB;
	if (!d)
		return ERR_NOMEM;
	d->base.ops = &pg_ops;
	d->conn = PQconnectdb(url);
	redact(url, shown, sizeof shown);
	if (!d->conn || PQstatus(d->conn) != CONNECTION_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot connect to %s: %s", shown,
			 d->conn ? PQerrorMessage(d->conn) : "out of memory");
		goto fail;
	}
	if ((e = pg_exec(&d->base, "SET client_min_messages = warning")) != ERR_OK ||
	    (e = check_mode(d, url, mode, errbuf)) != ERR_OK)
		goto fail;
	if ((e = pg_exec(&d->base, "CREATE TABLE IF NOT EXISTS schema_migrations ("
				   " version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)")) !=
	    ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot prepare %s: %s", shown, d->err);
		goto fail;
	}
	*out = &d->base;
	return ERR_OK;
fail:
	PQfinish(d->conn);
	free(d);
	return e;
}

static void free_stmt(struct pg_stmt *s);

static void pg_close(db *d)
{
	struct pg *p = P(d);
	for (int i = 0; i < p->ncache; i++)
		free_stmt(p->cache[i].s); /* the server forgets them with the connection */
	PQfinish(p->conn);
	free(d);
}

static const char *pg_errmsg(db *d)
{
	return P(d)->err[0] ? P(d)->err : PQerrorMessage(P(d)->conn);
}

/* A connection cut while idle is found out by the next statement: when that
 * is a BEGIN, nothing has been asked of the server yet, so it is asked again
 * on a fresh connection instead of failing the transaction (a server's
 * audit queue may sit idle through a restart of PostgreSQL). */
static err_t pg_begin(db *d)
{
	static const char sql[] = "BEGIN; SELECT pg_advisory_xact_lock(x'" PG_WRITE_LOCK "'::bigint)";
	err_t e = pg_exec(d, sql);
	if (e != ERR_OK && PQstatus(P(d)->conn) != CONNECTION_OK)
		e = pg_exec(d, sql);
	if (e == ERR_OK)
		P(d)->in_tx = 1;
	return e;
}

static err_t pg_commit(db *d)
{
	err_t e = pg_exec(d, "COMMIT");
	P(d)->in_tx = 0;
	return e;
}

static err_t pg_rollback(db *d)
{
	if (!P(d)->in_tx)
		return ERR_OK;
	P(d)->in_tx = 0;
	if (PQstatus(P(d)->conn) != CONNECTION_OK)
		return ERR_OK; /* the server rolled it back when the connection went */
	return pg_exec(d, "ROLLBACK");
}

/* Prepares (again, after a reconnect) the statement on the server. */
static err_t server_prepare(struct pg_stmt *s)
{
	struct pg *d = s->owner;
	PGresult *res = PQprepare(d->conn, s->name, s->sql, 0, NULL);
	err_t e = PQresultStatus(res) == PGRES_COMMAND_OK ? ERR_OK : result_error(d, res);
	PQclear(res);
	if (e != ERR_OK)
		return e;
	res = PQdescribePrepared(d->conn, s->name);
	e = PQresultStatus(res) == PGRES_COMMAND_OK ? ERR_OK : result_error(d, res);
	if (e == ERR_OK) {
		s->nparams = PQnparams(res);
		if (s->nparams > PG_PARAMS_MAX)
			e = ERR_LIMIT;
	}
	PQclear(res);
	s->generation = d->generation;
	return e;
}

static err_t pg_reset(db_stmt *st);
static void deallocate(struct pg_stmt *s);

/* The cached statement of `sql`, marked in use; NULL when there is none
 * free.  A stale entry (same address, other text) is dropped. */
static struct pg_stmt *cache_take(struct pg *d, const char *sql)
{
	for (int i = 0; i < d->ncache; i++) {
		struct cached *c = &d->cache[i];
		if (c->key != sql || c->in_use)
			continue;
		if (strcmp(c->s->sql, sql) != 0) {
			deallocate(c->s);
			free_stmt(c->s);
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

/* Keeps a new statement in the cache, when there is room. */
static void cache_put(struct pg *d, const char *sql, struct pg_stmt *s)
{
	if (d->ncache == PG_CACHE_MAX)
		return;
	struct cached *c = &d->cache[d->ncache++];
	*c = (struct cached){sql, s, 1};
	s->slot = c;
}

static err_t pg_prepare(db *db_, const char *sql, db_stmt **out)
{
	struct pg *d = P(db_);
	struct pg_stmt *s = cache_take(d, sql);
	err_t e;
	if (s) {
		*out = &s->base; /* reset at its finalize; re-prepared by execute after a reconnect */
		return ERR_OK;
	}
	s = calloc(1, sizeof *s);
	if (!s || !(s->sql = strdup(sql))) {
		free(s);
		return ERR_NOMEM;
	}
	s->base.ops = &pg_ops;
	s->owner = d;
	s->row = -1;
	snprintf(s->name, sizeof s->name, "h%u", d->next_name++);
	if ((e = ensure_connected(d)) != ERR_OK || (e = server_prepare(s)) != ERR_OK) {
		free(s->sql);
		free(s);
		return e;
	}
	cache_put(d, sql, s);
	*out = &s->base;
	return ERR_OK;
}

static void clear_row(struct pg_stmt *s)
{
	if (s->blobs && s->res)
		for (int i = 0; i < PQnfields(s->res); i++) {
			PQfreemem(s->blobs[i].p);
			s->blobs[i].p = NULL;
		}
}

static void clear_result(struct pg_stmt *s)
{
	clear_row(s);
	free(s->blobs);
	s->blobs = NULL;
	PQclear(s->res);
	s->res = NULL;
	s->row = -1;
}

static err_t pg_reset(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	clear_result(s);
	for (int i = 0; i < PG_PARAMS_MAX; i++) {
		free(s->values[i]);
		s->values[i] = NULL;
		s->lengths[i] = s->formats[i] = 0;
	}
	return ERR_OK;
}

/* Forgets the statement on the server, when that can be done now. */
static void deallocate(struct pg_stmt *s)
{
	char sql[64];
	if (s->generation == s->owner->generation && PQstatus(s->owner->conn) == CONNECTION_OK &&
	    !s->owner->in_tx) {
		snprintf(sql, sizeof sql, "DEALLOCATE %s", s->name); /* our own name, not input */
		PQclear(PQexec(s->owner->conn, sql));
	}
}

static void free_stmt(struct pg_stmt *s)
{
	pg_reset(&s->base);
	free(s->sql);
	free(s);
}

static void pg_finalize(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	if (s->slot) { /* back to the cache, ready for the next prepare */
		pg_reset(st);
		s->slot->in_use = 0;
		return;
	}
	deallocate(s);
	free_stmt(s);
}

static err_t set_param(struct pg_stmt *s, int n, const void *v, size_t len, int binary)
{
	char *copy = NULL;
	if (n < 1 || n > s->nparams || len > 0x7fffffff)
		return ERR_INVALID;
	if (v) {
		if (!(copy = malloc(len + 1)))
			return ERR_NOMEM;
		memcpy(copy, v, len);
		copy[len] = '\0';
	}
	free(s->values[n - 1]);
	s->values[n - 1] = copy;
	s->lengths[n - 1] = (int)len;
	s->formats[n - 1] = binary;
	return ERR_OK;
}

static err_t pg_bind_int(db_stmt *s, int n, int64_t v)
{
	char buf[24];
	int len = snprintf(buf, sizeof buf, "%lld", (long long)v);
	return set_param(PS(s), n, buf, (size_t)len, 0);
}

static err_t pg_bind_text(db_stmt *s, int n, const char *v)
{
	return set_param(PS(s), n, v, strlen(v), 0);
}

static err_t pg_bind_blob(db_stmt *s, int n, const void *v, size_t len)
{
	return set_param(PS(s), n, v, len, 1);
}

static err_t pg_bind_null(db_stmt *s, int n)
{
	return set_param(PS(s), n, NULL, 0, 0);
}

static int execute(struct pg_stmt *s)
{
	struct pg *d = s->owner;
	err_t e = ensure_connected(d);
	if (e == ERR_OK && s->generation != d->generation)
		e = server_prepare(s);
	if (e != ERR_OK)
		return -(int)e;
	s->res = PQexecPrepared(d->conn, s->name, s->nparams, (const char *const *)s->values,
				s->lengths, s->formats, 0);
	switch (PQresultStatus(s->res)) {
	case PGRES_TUPLES_OK:
		s->blobs = calloc((size_t)PQnfields(s->res) + 1, sizeof *s->blobs);
		return s->blobs ? DB_ROW : -(int)ERR_NOMEM;
	case PGRES_COMMAND_OK:
		return DB_DONE;
	default:
		e = result_error(d, s->res);
		clear_result(s);
		return -(int)e;
	}
}

static int pg_step(db_stmt *st)
{
	struct pg_stmt *s = PS(st);
	if (s->row < 0) {
		int rc = execute(s);
		if (rc != DB_ROW)
			return rc;
	}
	clear_row(s);
	s->row++;
	return s->row < PQntuples(s->res) ? DB_ROW : DB_DONE;
}

static int pg_col_is_null(db_stmt *s, int col)
{
	return PQgetisnull(PS(s)->res, PS(s)->row, col);
}

static int pg_col_count(db_stmt *s)
{
	return PS(s)->res ? PQnfields(PS(s)->res) : 0;
}

/* Type OIDs of pg_type.h; the schema uses only these. */
enum { OID_BYTEA = 17, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23 };

static enum db_type pg_col_type(db_stmt *s, int col)
{
	if (pg_col_is_null(s, col))
		return DB_TYPE_NULL;
	switch (PQftype(PS(s)->res, col)) {
	case OID_BYTEA: return DB_TYPE_BLOB;
	case OID_INT8:
	case OID_INT2:
	case OID_INT4: return DB_TYPE_INT;
	default: return DB_TYPE_TEXT;
	}
}

static int64_t pg_col_int(db_stmt *s, int col)
{
	if (pg_col_is_null(s, col))
		return 0;
	return strtoll(PQgetvalue(PS(s)->res, PS(s)->row, col), NULL, 10);
}

static const char *pg_col_text(db_stmt *s, int col)
{
	if (pg_col_is_null(s, col))
		return NULL;
	return PQgetvalue(PS(s)->res, PS(s)->row, col);
}

static size_t pg_col_text_bytes(db_stmt *s, int col)
{
	return (size_t)PQgetlength(PS(s)->res, PS(s)->row, col);
}

static const void *pg_col_blob(db_stmt *st, int col, size_t *len)
{
	struct pg_stmt *s = PS(st);
	*len = 0;
	if (pg_col_is_null(st, col))
		return NULL;
	if (!s->blobs[col].p)
		s->blobs[col].p = PQunescapeBytea(
			(const unsigned char *)PQgetvalue(s->res, s->row, col), &s->blobs[col].len);
	*len = s->blobs[col].p ? s->blobs[col].len : 0;
	return s->blobs[col].p;
}

static const struct db_ops pg_ops = {
	.dialect = DB_POSTGRES,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_int = pg_bind_int,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_is_null = pg_col_is_null,
	.col_count = pg_col_count,
	.col_type = pg_col_type,
	.col_int = pg_col_int,
	.col_text = pg_col_text,
	.col_text_bytes = pg_col_text_bytes,
	.col_blob = pg_col_blob,
};
