/*
 * registry_erase.c - erasing a person's personal data for good and the
 * erasure list that refuses later writes of that person.  core/erasure.c
 * handles the requests and approvals around it.
 */
#include <string.h>

#include "core/registry_internal.h"
#include "db/queries.h"

int registry_is_erased(registry *r, const char *ref)
{
	db_stmt *st = NULL;
	int found = 0;
	if (!r->has_erasures || !ref)
		return 0; /* the common case costs no query */
	if (db_prepare(r->db, Q_ERASURE_FIND, &st) == ERR_OK && db_bind_text(st, 1, ref) == ERR_OK)
		found = db_step(st) != DB_DONE; /* an error counts as erased: fail closed */
	db_finalize(st);
	return found;
}

static err_t erase_cb(const struct person *p, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	struct person erased = *p;
	const char *forms[EXPLOITATION_MAX];
	char formbuf[FORMS_BUF_MAX];
	size_t nforms;
	db_stmt *st = NULL;
	err_t e;
	erased.given_name = erased.family_name = REGISTRY_ERASED_NAME;
	erased.patronymic = erased.birth_date = erased.document_number = NULL;
	erased.phone = erased.address = NULL;
	if ((e = registry_split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms)) != ERR_OK ||
	    (e = registry_person_digest(r, &erased, forms, nforms, digest)) != ERR_OK ||
	    (e = db_prepare(r->db, Q_PERSON_ERASE, &st)) != ERR_OK)
		return e;
	int64_t id;
	if ((e = registry_person_id(r, p->ref, &id, NULL)) != ERR_OK || (e = registry_put_index(r, id, NULL)) != ERR_OK) {
		db_finalize(st);
		return e;
	}
	if ((e = db_bind_text(st, 1, p->ref)) == ERR_OK &&
	    (e = registry_bind_sealed(r, st, 2, "persons", p->ref, "given_name", REGISTRY_ERASED_NAME)) == ERR_OK &&
	    (e = registry_bind_sealed(r, st, 3, "persons", p->ref, "family_name", REGISTRY_ERASED_NAME)) == ERR_OK &&
	    (e = db_bind_blob(st, 4, digest, sizeof digest)) == ERR_OK)
		e = db_bind_int(st, 5, registry_now());
	return registry_finish_update(st, e);
}

static err_t exec_ref(registry *r, const char *sql, const char *ref, const char *reason)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, sql, &st);
	if (e == ERR_OK)
		e = db_bind_text(st, 1, ref);
	if (e == ERR_OK && reason && (e = db_bind_int(st, 2, registry_now())) == ERR_OK)
		e = db_bind_text(st, 3, reason);
	return st ? registry_finish_update(st, e) : e;
}

err_t registry_erase_person(registry *r, const char *ref, const char *reason)
{
	err_t e;
	r->has_erasures = 1;
	if (registry_is_erased(r, ref))
		return ERR_CONFLICT;
	if ((e = registry_each_person(r, ref, erase_cb, r)) != ERR_OK ||
	    (e = exec_ref(r, Q_SERVICE_ERASE_NOTES, ref, NULL)) != ERR_OK)
		return e;
	return exec_ref(r, Q_ERASURE_ADD, ref, reason ? reason : "");
}

err_t registry_flush_erased(registry *r)
{
	if (db_dialect_of(r->db) == DB_SQLITE)
		return db_exec_simple(r->db, Q_SQLITE_WAL_TRUNCATE);
	err_t e = db_exec_simple(r->db, Q_PG_VACUUM_ERASED);
	return e == ERR_OK ? db_exec_simple(r->db, Q_PG_CHECKPOINT) : e;
}
