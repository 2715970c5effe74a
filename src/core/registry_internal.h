/*
 * registry_internal.h - what the registry's modules share and nobody else
 * sees: the registry struct, its cached statements, and the helpers that
 * seal, digest, index and walk records.
 *
 * The registry is one object split by concern into files:
 *   registry.c          paths, init, open/close, the actor, imports, key check
 *   registry_write.c    upserts of persons, services, referrals; digests
 *   registry_read.c     walks over stored records (decrypting), provenance
 *   registry_rekey.c    re-sealing a record under the current key
 *   registry_erase.c    erasing a person's personal data
 *   registry_index.c    blind index lookups
 * Only these files include this header; everything else uses registry.h.
 */
#ifndef HAVEN_REGISTRY_INTERNAL_H
#define HAVEN_REGISTRY_INTERNAL_H

#include "core/registry.h"
#include "util/crypto.h"

#define EXPLOITATION_MAX 16
#define FORMS_BUF_MAX    1024 /* a person's forms joined by ';' */

enum stmt_id {
	S_PERSON_FIND, S_PERSON_INSERT, S_PERSON_UPDATE, S_EXPL_CLEAR, S_EXPL_ADD, S_EXPL_LIST,
	S_SERVICE_UPSERT, S_REFERRAL_UPSERT, S_INDEX_CLEAR, S_INDEX_ADD,
	S_COUNT
};

struct registry {
	db *db;
	keyring *kr;
	codes *codes;
	char country[4];
	int has_erasures; /* any person erased: writes must check the list */
	struct {
		char actor[128], agency[64], role[32], request_id[64];
	} who;
	db_stmt *stmt[S_COUNT];
};

enum { PERSON_SECRETS = 7 };
/* The persons' sealed columns, in the order of the SELECTs and UPDATEs. */
extern const char *const registry_person_secret_cols[PERSON_SECRETS];

/* The cached statement `id`, prepared on first use and reset for reuse; the
 * registry keeps it (registry_close finalizes it). */
err_t registry_stmt(registry *r, enum stmt_id id, db_stmt **out);

int64_t registry_now(void);

/* Stores meta `key` (borrowed value). */
err_t registry_meta_put(db *d, const char *key, const void *value, size_t len);

/* Encrypts `value` for table/ref/column and binds it to $n (NULL stays NULL). */
err_t registry_bind_sealed(registry *r, db_stmt *st, int n, const char *table, const char *ref,
			   const char *column, const char *value);

/* Binds the seven sealed personal values to $first..$first+6 and the digest
 * to $first+7. */
err_t registry_bind_person_secrets(registry *r, db_stmt *st, int first, const struct person *p,
				   const unsigned char *digest);

/* Splits a ';'-separated list of forms into sorted, distinct, NUL-terminated
 * strings inside `buf`; the canonical order makes "a;b" equal "b;a". */
err_t registry_split_forms(const char *list, char *buf, size_t buflen, const char **forms,
			   size_t *n);

/* The keyed digests of a record's canonical form (change detection). */
err_t registry_person_digest(registry *r, const struct person *p, const char **forms,
			     size_t nforms, unsigned char out[CRYPTO_RECORD_DIGEST_BYTES]);
void registry_service_digest(registry *r, const struct service *s, unsigned char *out, err_t *e);
void registry_referral_digest(registry *r, const struct referral *f, unsigned char *out, err_t *e);

/* The row id of person `ref` (ERR_NOT_FOUND); *status (optional) is set to a
 * static string. */
err_t registry_person_id(registry *r, const char *ref, int64_t *id, const char **status);

/* The person's blind index rows, made again from the plain record (p), or
 * removed (p NULL: an erased person is not to be found by name). */
err_t registry_put_index(registry *r, int64_t person_id, const struct person *p);

/* Steps an UPDATE to its end and finalizes it; returns `e` or the step's error. */
err_t registry_finish_update(db_stmt *st, err_t e);

/* The caller's callback for one walk over rows. */
struct walk {
	registry_person_fn person;
	registry_service_fn service;
	registry_referral_fn referral;
	void *ctx;
};

typedef err_t (*registry_emit_fn)(registry *, db_stmt *, const struct walk *);

/* Runs `sql` (with the optional person ref as $1) and calls `emit` per row;
 * *rows counts the rows. */
err_t registry_walk(registry *r, const char *sql, const char *person_ref, registry_emit_fn emit,
		    const struct walk *w, int *rows);

/* Decrypt one row of the matching SELECT and call the walk's callback. */
err_t registry_emit_person_row(registry *r, db_stmt *st, const struct walk *w);
err_t registry_emit_service_row(registry *r, db_stmt *st, const struct walk *w);
err_t registry_emit_referral_row(registry *r, db_stmt *st, const struct walk *w);

#endif
