/*
 * registry.h - the registry of persons, services and referrals: one open
 * database with its key, and the reads and writes the commands need.
 *
 * Personal values are encrypted here before they reach the database and
 * decrypted here after; callers see only plain C records (record.h).  Writes
 * are upserts keyed by the interchange id: an unchanged row (same keyed digest
 * of its canonical form) is left alone, a changed row is updated.  The caller
 * brackets writes in db_begin/db_commit on registry_db().
 *
 * The registry owns its db handle, keyring, code lists and prepared
 * statements; registry_close frees them all.
 */
#ifndef HAVEN_REGISTRY_H
#define HAVEN_REGISTRY_H

#include <stdint.h>

#include "core/codes.h"
#include "core/record.h"
#include "db/db.h"
#include "util/keyring.h"

typedef struct registry registry;

struct registry_paths {
	const char *db;  /* --db, else $HAVEN_DB, else ./haven.db */
	const char *key; /* --key, else $HAVEN_KEY, else "<db>.key" (a file database only) */
};

/* Fills unset paths from the environment and the defaults.  `keybuf` holds the
 * derived key path (4096 bytes). */
void registry_resolve_paths(struct registry_paths *p, char *keybuf, size_t keybuf_len);

/* Creates a new database and key file (refusing existing ones). */
err_t registry_init(const struct registry_paths *p, const char *country, char *errbuf);

/* Opens an existing database with its key; checks the key belongs to it. */
err_t registry_open(const struct registry_paths *p, registry **out, char *errbuf);
void registry_close(registry *r); /* accepts NULL */

db *registry_db(registry *r);
const codes *registry_codes(registry *r);
/* Reads the code lists and agencies again (after codes_add); on failure the
 * lists loaded before stay. */
err_t registry_reload_codes(registry *r);
const keyring *registry_keyring(registry *r);
/* ISO 3166 alpha-3 code of the deployment's own country ("AZE"). */
const char *registry_country(registry *r);

/* Who is acting through this registry, for the audit entries that core
 * operations (import, export, erasure, ...) write.  At open it is the CLI's
 * user ("cli:NAME", role "operator"); the server sets each request's user. */
struct registry_actor {
	const char *actor, *agency, *role, *request_id;
};
void registry_set_actor(registry *r, const struct registry_actor *a); /* copies */

/* Appends an audit entry by the current actor; call inside the write
 * transaction of the change it records (core/audit.h). */
err_t registry_audit(registry *r, const char *action, const char *object_type,
		     const char *object_ref, const char *outcome, const char *detail);

enum put_outcome { PUT_ADDED, PUT_UPDATED, PUT_UNCHANGED };

/* Records one import run; *id names it in the rows it writes. */
err_t registry_import_begin(registry *r, const char *files, int64_t *id);
err_t registry_import_finish(registry *r, int64_t id, int64_t rows, int64_t added,
			     int64_t updated, int64_t unchanged);

/* Upserts.  A person's parent, and a service's or referral's person, must be
 * stored already (ERR_NOT_FOUND otherwise); a parent that is not a victim or
 * potential victim answers ERR_INVALID.  `import_id` may be 0. */
err_t registry_put_person(registry *r, const struct person *p, int64_t import_id,
			  enum put_outcome *out);
err_t registry_put_service(registry *r, const struct service *s, int64_t import_id,
			   enum put_outcome *out);
err_t registry_put_referral(registry *r, const struct referral *f, int64_t import_id,
			    enum put_outcome *out);

/* Whether a person is stored; *status (optional) is set to a static string. */
err_t registry_person_status(registry *r, const char *ref, const char **status);

/* Called once per record, in id order; the record and its strings are valid
 * only during the call.  A non-OK return stops the walk and is returned. */
typedef err_t (*registry_person_fn)(const struct person *p, void *ctx);
typedef err_t (*registry_service_fn)(const struct service *s, void *ctx);
typedef err_t (*registry_referral_fn)(const struct referral *f, void *ctx);

/* Walks every record, or with `person_ref` set only that person's services
 * and referrals (in date order) or that person (ERR_NOT_FOUND if absent). */
err_t registry_each_person(registry *r, const char *person_ref, registry_person_fn fn, void *ctx);
err_t registry_each_service(registry *r, const char *person_ref, registry_service_fn fn, void *ctx);
err_t registry_each_referral(registry *r, const char *person_ref, registry_referral_fn fn, void *ctx);

/* A referral's stored consent column (NULL, 0 or 1) as the record has it. */
enum referral_consent registry_col_consent(db_stmt *st, int col);

enum registry_table { REG_PERSONS, REG_SERVICES, REG_REFERRALS };

/* Re-seals the record's personal values and re-makes its digest under the
 * keyring's current key, leaving everything else (provenance included) as it
 * was.  ERR_NOT_FOUND when there is no such record.  Call inside a write
 * transaction. */
err_t registry_rekey(registry *r, enum registry_table table, const char *ref);

/* Erases a person's personal data for good (a court order, the end of the
 * retention period): names become "(erased)", every other personal value and
 * the notes of the person's services are removed; status, dates and codes,
 * which the statistics count, stay.  The reference goes on the erasure list,
 * so later writes of that person's records (an old file imported again) are
 * refused with ERR_FORBIDDEN.  `reason` is a non-personal code or case number.
 * Call inside a write transaction; ERR_NOT_FOUND for no such person,
 * ERR_CONFLICT when already erased. */
err_t registry_erase_person(registry *r, const char *ref, const char *reason);

/* After an erasure has committed: pushes the old page images out of the
 * engine's logs.  SQLite (secure_delete on) checkpoints and truncates the WAL,
 * so neither file keeps a byte of the erased values; PostgreSQL rewrites the
 * tables (VACUUM FULL) and checkpoints, but WAL segments may hold old images
 * until they are recycled (docs/operations.md). */
err_t registry_flush_erased(registry *r);

/* 1 when the person's data was erased. */
int registry_is_erased(registry *r, const char *ref);

#define REGISTRY_ERASED_NAME "(erased)"

/* Blind index lookups (core/blindidx.h): the ids, sorted, of the persons
 * whose index holds every word of the name `query` (or the document number
 * `query`).  A superset of the true matches: decrypt each candidate and keep
 * those bidx_name_matches (or whose document number normalises equal).
 * *ids is malloc'd (NULL when *n is 0); the caller frees it. */
err_t registry_name_candidates(registry *r, const char *query, int64_t **ids, size_t *n);
err_t registry_document_candidates(registry *r, const char *query, int64_t **ids, size_t *n);

/* Decrypts column `col` of the current row of `st`, sealed for
 * table/ref/column, into *out (NULL when the column is NULL).  *out is the
 * caller's, released with crypto_plain_free (which wipes it). */
err_t registry_open_col(registry *r, db_stmt *st, int col, const char *table, const char *ref,
			const char *column, char **out);

/* Seals the key check value again under the current key. */
err_t registry_reseal_key_check(registry *r);

/* Where a record came from: the import that created and last changed it. */
struct provenance {
	int64_t created_import, updated_import;
	int64_t created_at, updated_at;
};
err_t registry_person_provenance(registry *r, const char *ref, struct provenance *out);

#endif
