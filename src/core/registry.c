/*
 * registry.c - persons, services and referrals in the database, with their
 * personal values encrypted (util/crypto.h) on the way in and decrypted on the
 * way out.  This file opens and closes the registry; the records, their
 * rotation, erasure and blind indexes are in the registry_*.c beside it
 * (registry_internal.h).
 *
 * Each record's canonical form is hashed under a keyed digest; an upsert whose
 * digest matches the stored one changes nothing, which makes imports
 * idempotent without decrypting what is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/audit.h"
#include "core/registry_internal.h"
#include "db/queries.h"
#include "util/crypto.h"
#include "util/date.h"

#define DEFAULT_DB "haven.db"
#define KEY_CHECK_TEXT "haven key check"
#define KEY_CHECK_CONTEXT "meta/key_check/-"
#define DIGEST_BUF_MAX 65536

static const char *const stmt_sql[S_COUNT] = {
	[S_PERSON_FIND] = Q_PERSON_FIND,       [S_PERSON_INSERT] = Q_PERSON_INSERT,
	[S_PERSON_UPDATE] = Q_PERSON_UPDATE,   [S_EXPL_CLEAR] = Q_PERSON_EXPLOITATION_CLEAR,
	[S_EXPL_ADD] = Q_PERSON_EXPLOITATION_ADD, [S_EXPL_LIST] = Q_PERSON_EXPLOITATION_LIST,
	[S_SERVICE_UPSERT] = Q_SERVICE_UPSERT, [S_REFERRAL_UPSERT] = Q_REFERRAL_UPSERT,
	[S_INDEX_CLEAR] = Q_INDEX_CLEAR,       [S_INDEX_ADD] = Q_INDEX_ADD,
};

const char *const registry_person_secret_cols[PERSON_SECRETS] = {
	"given_name", "family_name", "patronymic", "birth_date", "document_number", "phone",
	"address"};

/* Returns the prepared statement, preparing it on first use, reset for reuse. */
err_t registry_stmt(registry *r, enum stmt_id id, db_stmt **out)
{
	err_t e;
	if (!r->stmt[id] && (e = db_prepare(r->db, stmt_sql[id], &r->stmt[id])) != ERR_OK)
		return e;
	if ((e = db_reset(r->stmt[id])) != ERR_OK)
		return e;
	*out = r->stmt[id];
	return ERR_OK;
}

/* ---- paths, init, open ---------------------------------------------------- */

void registry_resolve_paths(struct registry_paths *p, char *keybuf, size_t keybuf_len)
{
	if (!p->db)
		p->db = getenv("HAVEN_DB");
	if (!p->db || !*p->db)
		p->db = DEFAULT_DB;
	if (!p->key) {
		const char *env = getenv("HAVEN_KEY");
		if (env && *env) {
			p->key = env;
		} else if (!db_target_is_postgres(p->db)) {
			snprintf(keybuf, keybuf_len, "%s.key", p->db);
			p->key = keybuf;
		}
	}
}

/* A PostgreSQL database has no file beside which a key could live. */
static err_t need_key(const struct registry_paths *p, char *errbuf)
{
	if (p->key)
		return ERR_OK;
	snprintf(errbuf, ERRBUF_MAX,
		 "with a PostgreSQL database, name the key file with --key or HAVEN_KEY");
	return ERR_INVALID;
}

err_t registry_meta_put(db *d, const char *key, const void *value, size_t len)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, Q_META_PUT, &st);
	if (e == ERR_OK && (e = db_bind_text(st, 1, key)) == ERR_OK &&
	    (e = db_bind_blob(st, 2, value, len)) == ERR_OK)
		e = db_done(db_step(st));
	db_finalize(st);
	return e;
}

/* Copies meta `key` into a malloc'd buffer. */
static err_t meta_get(db *d, const char *key, unsigned char **out, size_t *len)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, Q_META_GET, &st);
	int rc;
	*out = NULL;
	*len = 0;
	if (e != ERR_OK || (e = db_bind_text(st, 1, key)) != ERR_OK)
		goto out;
	rc = db_step(st);
	if (rc != DB_ROW) {
		e = rc == DB_DONE ? ERR_NOT_FOUND : db_step_error(rc);
		goto out;
	}
	const void *v = db_col_blob(st, 0, len);
	*out = malloc(*len + 1);
	if (!*out) {
		e = ERR_NOMEM;
		goto out;
	}
	memcpy(*out, v, *len);
	(*out)[*len] = '\0';
out:
	db_finalize(st);
	return e;
}

static err_t write_init_meta(db *d, const keyring *kr, const char *country)
{
	unsigned char *check = NULL;
	size_t len;
	err_t e = crypto_seal(kr, KEY_CHECK_CONTEXT, KEY_CHECK_TEXT, strlen(KEY_CHECK_TEXT), &check, &len);
	if (e == ERR_OK)
		e = registry_meta_put(d, "key_check", check, len);
	if (e == ERR_OK)
		e = registry_meta_put(d, "country", country, strlen(country));
	free(check);
	return e;
}

err_t registry_init(const struct registry_paths *p, const char *country, char *errbuf)
{
	mode_t old = umask(077); /* the database, its WAL and the key: owner only */
	db *d = NULL;
	keyring *kr = NULL;
	err_t e;

	if ((e = need_key(p, errbuf)) != ERR_OK)
		goto out;
	if (access(p->key, F_OK) == 0) {
		snprintf(errbuf, ERRBUF_MAX, "the key file %s exists already: refusing to overwrite it",
			 p->key);
		e = ERR_CONFLICT;
		goto out;
	}
	if ((e = db_open(p->db, DB_OPEN_CREATE, &d, errbuf)) != ERR_OK)
		goto out;
	if ((e = keyring_create(p->key, &kr, errbuf)) != ERR_OK) {
		db_close(d);
		d = NULL;
		if (!db_target_is_postgres(p->db))
			db_remove_files(p->db);
		goto out;
	}
	if ((e = write_init_meta(d, kr, country)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot write %s: %s", p->db, db_errmsg(d));
out:
	db_close(d);
	keyring_free(kr);
	umask(old);
	return e;
}

/* Refuses a key that does not open the database's key check value (FLE-13). */
static err_t check_key(registry *r, const struct registry_paths *p, char *errbuf)
{
	unsigned char *blob = NULL;
	char *plain = NULL;
	size_t len, plen;
	err_t e = meta_get(r->db, "key_check", &blob, &len);
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "%s has no key check value: is it a Haven database?", p->db);
		return e;
	}
	e = crypto_open(r->kr, KEY_CHECK_CONTEXT, blob, len, &plain, &plen);
	if (e == ERR_NOMEM) {
		snprintf(errbuf, ERRBUF_MAX, "cannot check the key file %s: out of memory", p->key);
	} else if (e != ERR_OK || plen != strlen(KEY_CHECK_TEXT) || memcmp(plain, KEY_CHECK_TEXT, plen) != 0) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the key file %s does not open the database %s (a wrong or damaged key file, "
			 "or a damaged database: see docs/operations.md)",
			 p->key, p->db);
		e = ERR_CRYPTO;
	}
	crypto_plain_free(plain);
	free(blob);
	return e;
}

static err_t load_country(registry *r)
{
	unsigned char *v = NULL;
	size_t len;
	err_t e = meta_get(r->db, "country", &v, &len);
	if (e == ERR_OK) {
		if (len != 3)
			e = ERR_INVALID;
		else
			memcpy(r->country, v, 4);
	}
	free(v);
	return e;
}

static err_t load_erasure_flag(registry *r)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, Q_ERASURE_ANY, &st);
	if (e == ERR_OK) {
		int rc = db_step(st);
		r->has_erasures = rc == DB_ROW;
		e = rc == DB_ROW ? ERR_OK : db_done(rc);
	}
	db_finalize(st);
	return e;
}

err_t registry_open(const struct registry_paths *p, registry **out, char *errbuf)
{
	registry *r = calloc(1, sizeof *r);
	err_t e;
	if (!r)
		return ERR_NOMEM;
	if (crypto_self_test() != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "the cryptographic library fails its known-answer tests: "
					     "refusing to touch personal data (reinstall libsodium)");
		e = ERR_CRYPTO;
		goto fail;
	}
	if ((e = need_key(p, errbuf)) != ERR_OK ||
	    (e = db_open(p->db, DB_OPEN_EXISTING, &r->db, errbuf)) != ERR_OK)
		goto fail;
	if ((e = keyring_load(p->key, &r->kr, errbuf)) != ERR_OK)
		goto fail;
	if ((e = check_key(r, p, errbuf)) != ERR_OK)
		goto fail;
	if ((e = load_country(r)) != ERR_OK || (e = codes_load(r->db, &r->codes)) != ERR_OK ||
	    (e = load_erasure_flag(r)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read the settings of %s: %s", p->db, db_errmsg(r->db));
		goto fail;
	}
	audit_cli_actor(r->who.actor, sizeof r->who.actor);
	snprintf(r->who.role, sizeof r->who.role, "operator");
	*out = r;
	return ERR_OK;
fail:
	if (r->db && db_damaged(r->db)) /* REL-08: say so, and what to do */
		db_damaged_message(p->db, db_errmsg(r->db), errbuf);
	registry_close(r);
	return e;
}

void registry_set_actor(registry *r, const struct registry_actor *a)
{
	snprintf(r->who.actor, sizeof r->who.actor, "%s", a->actor ? a->actor : "");
	snprintf(r->who.agency, sizeof r->who.agency, "%s", a->agency ? a->agency : "");
	snprintf(r->who.role, sizeof r->who.role, "%s", a->role ? a->role : "");
	snprintf(r->who.request_id, sizeof r->who.request_id, "%s",
		 a->request_id ? a->request_id : "");
}

err_t registry_audit(registry *r, const char *action, const char *object_type,
		     const char *object_ref, const char *outcome, const char *detail)
{
	struct audit_entry e = {.actor = r->who.actor, .agency = r->who.agency,
				.role = r->who.role, .request_id = r->who.request_id,
				.action = action, .object_type = object_type,
				.object_ref = object_ref, .outcome = outcome, .detail = detail};
	return audit_append(r->db, &e, NULL);
}

void registry_close(registry *r)
{
	if (!r)
		return;
	for (int i = 0; i < S_COUNT; i++)
		db_finalize(r->stmt[i]);
	codes_free(r->codes);
	keyring_free(r->kr);
	db_close(r->db);
	free(r);
}

db *registry_db(registry *r) { return r->db; }
const codes *registry_codes(registry *r) { return r->codes; }

err_t registry_reload_codes(registry *r)
{
	codes *fresh = NULL;
	err_t e = codes_load(r->db, &fresh);
	if (e != ERR_OK)
		return e;
	codes_free(r->codes);
	r->codes = fresh;
	return ERR_OK;
}
const keyring *registry_keyring(registry *r) { return r->kr; }
const char *registry_country(registry *r) { return r->country; }

/* ---- imports -------------------------------------------------------------- */

err_t registry_import_begin(registry *r, const char *files, int64_t *id)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, Q_IMPORT_BEGIN, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, (int64_t)time(NULL))) == ERR_OK &&
	    (e = db_bind_text(st, 2, files)) == ERR_OK) {
		int rc = db_step(st);
		if (rc == DB_ROW)
			*id = db_col_int(st, 0);
		else
			e = db_step_error(rc);
	}
	db_finalize(st);
	return e;
}

err_t registry_import_finish(registry *r, int64_t id, int64_t rows, int64_t added,
			     int64_t updated, int64_t unchanged)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, Q_IMPORT_FINISH, &st);
	int64_t v[] = {id, (int64_t)time(NULL), rows, added, updated, unchanged};
	for (int i = 0; e == ERR_OK && i < 6; i++)
		e = db_bind_int(st, i + 1, v[i]);
	if (e == ERR_OK)
		e = db_done(db_step(st));
	db_finalize(st);
	return e;
}

/* ---- key check ------------------------------------------------------------ */

err_t registry_reseal_key_check(registry *r)
{
	unsigned char *check = NULL;
	size_t len;
	err_t e = crypto_seal(r->kr, KEY_CHECK_CONTEXT, KEY_CHECK_TEXT, strlen(KEY_CHECK_TEXT), &check,
			      &len);
	if (e == ERR_OK)
		e = registry_meta_put(r->db, "key_check", check, len);
	free(check);
	return e;
}
