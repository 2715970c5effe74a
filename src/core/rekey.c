/*
 * rekey.c - key rotation over the registry's tables (rekey.h).
 *
 * A page of each table is read with its sealed columns and digest; a record
 * is due when any of them names another key id than the current one.  Due
 * records are rewritten through registry_rekey (persons, services,
 * referrals) or here (accounts' TOTP secrets, the key check value), one
 * batch per transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rekey.h"
#include "db/queries.h"
#include "util/crypto.h"

#define REF_MAX 128

struct scan {
	const char *sql;            /* id, ref, digest-or-NULL, sealed columns... */
	enum registry_table table;  /* for registry_rekey; accounts are done here */
	int is_account;
};

static const struct scan scans[] = {
	{Q_REKEY_SCAN_PERSONS, REG_PERSONS, 0},
	{Q_REKEY_SCAN_SERVICES, REG_SERVICES, 0},
	{Q_REKEY_SCAN_REFERRALS, REG_REFERRALS, 0},
	{Q_REKEY_SCAN_USERS, REG_PERSONS, 1},
};

static void count(struct rekey_census *c, uint32_t id)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->ids[i].key_id == id) {
			c->ids[i].values++;
			return;
		}
	if (c->n < KEYRING_MAX_KEYS + 1) {
		c->ids[c->n].key_id = id;
		c->ids[c->n++].values = 1;
	}
}

/* Looks at columns 2.. of the current row: counts their key ids into `c`
 * (optional) and answers whether any is not `current`. */
static int row_due(db_stmt *st, uint32_t current, struct rekey_census *c)
{
	int due = 0;
	for (int col = 2; col < db_col_count(st); col++) {
		size_t len;
		const unsigned char *v;
		uint32_t id;
		if (db_col_is_null(st, col))
			continue;
		v = db_col_blob(st, col, &len);
		/* column 2 is the record digest where the table has one */
		id = len == CRYPTO_RECORD_DIGEST_BYTES && col == 2 ? crypto_record_digest_key_id(v, len)
								   : crypto_key_id(v, len);
		if (c)
			count(c, id);
		if (id != current)
			due = 1;
	}
	return due;
}

/* Reads one page after `*after`; fills refs[] with the due records. */
static err_t scan_page(registry *r, const struct scan *s, int64_t *after, char (*refs)[REF_MAX],
		       size_t *nrefs, int *more, struct rekey_census *c)
{
	uint32_t current = keyring_current_id(registry_keyring(r));
	db_stmt *st = NULL;
	int rc, rows = 0;
	err_t e = db_prepare(registry_db(r), s->sql, &st);
	*nrefs = 0;
	if (e == ERR_OK && (e = db_bind_int(st, 1, *after)) == ERR_OK)
		e = db_bind_int(st, 2, REKEY_BATCH);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		rows++;
		*after = db_col_int(st, 0);
		if (row_due(st, current, c))
			snprintf(refs[(*nrefs)++], REF_MAX, "%s", db_col_text(st, 1));
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	*more = rows == REKEY_BATCH;
	return e;
}

err_t rekey_census(registry *r, struct rekey_census *out)
{
	char(*refs)[REF_MAX] = malloc(REKEY_BATCH * sizeof *refs);
	err_t e = refs ? ERR_OK : ERR_NOMEM;
	memset(out, 0, sizeof *out);
	for (size_t i = 0; e == ERR_OK && i < sizeof scans / sizeof scans[0]; i++) {
		int64_t after = 0;
		int more = 1;
		size_t n;
		while (e == ERR_OK && more) {
			e = scan_page(r, &scans[i], &after, refs, &n, &more, out);
			out->due += (int64_t)n;
		}
	}
	free(refs);
	return e;
}

static err_t reseal_account(registry *r, const char *username)
{
	char ctx[CRYPTO_CONTEXT_MAX], *plain = NULL;
	unsigned char *env = NULL;
	size_t len, plen;
	const unsigned char *old;
	db_stmt *sel = NULL, *upd = NULL;
	err_t e = crypto_context(ctx, "users", username, "totp");
	if (e == ERR_OK)
		e = db_prepare(registry_db(r), Q_REKEY_USER_GET, &sel);
	if (e == ERR_OK && (e = db_bind_text(sel, 1, username)) == ERR_OK)
		e = db_step(sel) == DB_ROW ? ERR_OK : ERR_NOT_FOUND;
	if (e == ERR_OK && !db_col_is_null(sel, 0)) {
		old = db_col_blob(sel, 0, &len);
		if ((e = crypto_open(registry_keyring(r), ctx, old, len, &plain, &plen)) == ERR_OK &&
		    (e = crypto_seal(registry_keyring(r), ctx, plain, plen, &env, &len)) == ERR_OK &&
		    (e = db_prepare(registry_db(r), Q_REKEY_USER_PUT, &upd)) == ERR_OK &&
		    (e = db_bind_text(upd, 1, username)) == ERR_OK &&
		    (e = db_bind_blob(upd, 2, env, len)) == ERR_OK)
			e = db_done(db_step(upd));
	}
	crypto_plain_free(plain);
	free(env);
	db_finalize(sel);
	db_finalize(upd);
	return e;
}

static err_t rewrite(registry *r, const struct scan *s, char (*refs)[REF_MAX], size_t n)
{
	db *d = registry_db(r);
	err_t e = db_begin(d);
	for (size_t i = 0; e == ERR_OK && i < n; i++)
		e = s->is_account ? reseal_account(r, refs[i]) : registry_rekey(r, s->table, refs[i]);
	if (e == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	return e;
}

err_t rekey_run(registry *r, int64_t *done, void (*progress)(int64_t done, void *ctx), void *ctx)
{
	char(*refs)[REF_MAX] = malloc(REKEY_BATCH * sizeof *refs);
	err_t e = refs ? registry_reseal_key_check(r) : ERR_NOMEM;
	*done = 0;
	for (size_t i = 0; e == ERR_OK && i < sizeof scans / sizeof scans[0]; i++) {
		int64_t after = 0;
		int more = 1;
		size_t n;
		while (e == ERR_OK && more) {
			e = scan_page(r, &scans[i], &after, refs, &n, &more, NULL);
			if (e == ERR_OK && n)
				e = rewrite(r, &scans[i], refs, n);
			*done += (int64_t)n;
			if (e == ERR_OK && n && progress)
				progress(*done, ctx);
		}
	}
	free(refs);
	return e;
}
