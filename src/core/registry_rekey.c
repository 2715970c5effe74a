/*
 * registry_rekey.c - re-sealing one record's personal values and digest
 * (and a person's blind index rows, whose keys come from the data key) under
 * the keyring's current key.  core/rekey.c drives it over the tables.
 */
#include <string.h>

#include "core/registry_internal.h"
#include "db/queries.h"

static err_t run_update(registry *r, const char *sql, db_stmt **st)
{
	return db_prepare(r->db, sql, st);
}

err_t registry_finish_update(db_stmt *st, err_t e)
{
	if (e == ERR_OK && db_step(st) != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	return e;
}

static err_t rekey_person_cb(const struct person *p, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	char formbuf[FORMS_BUF_MAX];
	const char *forms[EXPLOITATION_MAX];
	size_t nforms;
	db_stmt *st = NULL;
	err_t e = registry_split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms);
	if (e == ERR_OK)
		e = registry_person_digest(r, p, forms, nforms, digest);
	if (e == ERR_OK && (e = run_update(r, Q_PERSON_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, p->ref)) == ERR_OK)
		e = registry_bind_person_secrets(r, st, 2, p, digest);
	e = st ? registry_finish_update(st, e) : e;
	/* index keys come from the data key too */
	int64_t id;
	if (e == ERR_OK && (e = registry_person_id(r, p->ref, &id, NULL)) == ERR_OK &&
	    strcmp(p->given_name ? p->given_name : "", REGISTRY_ERASED_NAME) != 0)
		e = registry_put_index(r, id, p);
	return e;
}

static err_t rekey_service_cb(const struct service *s, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	registry_service_digest(r, s, digest, &e);
	if (e == ERR_OK && (e = run_update(r, Q_SERVICE_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, s->ref)) == ERR_OK &&
	    (e = registry_bind_sealed(r, st, 2, "services", s->ref, "note", s->note)) == ERR_OK)
		e = db_bind_blob(st, 3, digest, sizeof digest);
	return st ? registry_finish_update(st, e) : e;
}

static err_t rekey_referral_cb(const struct referral *f, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	registry_referral_digest(r, f, digest, &e);
	if (e == ERR_OK && (e = run_update(r, Q_REFERRAL_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, f->ref)) == ERR_OK)
		e = db_bind_blob(st, 2, digest, sizeof digest);
	return st ? registry_finish_update(st, e) : e;
}

err_t registry_rekey(registry *r, enum registry_table table, const char *ref)
{
	struct walk w = {.person = rekey_person_cb, .service = rekey_service_cb,
			 .referral = rekey_referral_cb, .ctx = r};
	int rows = 0;
	err_t e;
	switch (table) {
	case REG_PERSONS: e = registry_walk(r, Q_PERSON_SELECT_ONE, ref, registry_emit_person_row, &w, &rows); break;
	case REG_SERVICES: e = registry_walk(r, Q_SERVICE_SELECT_ONE, ref, registry_emit_service_row, &w, &rows); break;
	default: e = registry_walk(r, Q_REFERRAL_SELECT_ONE, ref, registry_emit_referral_row, &w, &rows); break;
	}
	return e == ERR_OK && rows == 0 ? ERR_NOT_FOUND : e;
}
