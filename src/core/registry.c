/*
 * registry.c - persons, services and referrals in the database, with their
 * personal values encrypted (util/crypto.h) on the way in and decrypted on the
 * way out.
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
#include "core/blindidx.h"
#include "core/registry.h"
#include "db/queries.h"
#include "util/crypto.h"
#include "util/date.h"

#define DEFAULT_DB "haven.db"
#define KEY_CHECK_TEXT "haven key check"
#define KEY_CHECK_CONTEXT "meta/key_check/-"
#define EXPLOITATION_MAX 16
#define DIGEST_BUF_MAX 65536

enum stmt_id {
	S_PERSON_FIND, S_PERSON_INSERT, S_PERSON_UPDATE, S_EXPL_CLEAR, S_EXPL_ADD, S_EXPL_LIST,
	S_SERVICE_UPSERT, S_REFERRAL_UPSERT, S_INDEX_CLEAR, S_INDEX_ADD,
	S_COUNT
};

static const char *const stmt_sql[S_COUNT] = {
	[S_PERSON_FIND] = Q_PERSON_FIND,       [S_PERSON_INSERT] = Q_PERSON_INSERT,
	[S_PERSON_UPDATE] = Q_PERSON_UPDATE,   [S_EXPL_CLEAR] = Q_PERSON_EXPLOITATION_CLEAR,
	[S_EXPL_ADD] = Q_PERSON_EXPLOITATION_ADD, [S_EXPL_LIST] = Q_PERSON_EXPLOITATION_LIST,
	[S_SERVICE_UPSERT] = Q_SERVICE_UPSERT, [S_REFERRAL_UPSERT] = Q_REFERRAL_UPSERT,
	[S_INDEX_CLEAR] = Q_INDEX_CLEAR,       [S_INDEX_ADD] = Q_INDEX_ADD,
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
static const char *const person_secret_cols[PERSON_SECRETS] = {
	"given_name", "family_name", "patronymic", "birth_date", "document_number", "phone",
	"address"};

/* Returns the prepared statement, preparing it on first use, reset for reuse. */
static err_t stmt(registry *r, enum stmt_id id, db_stmt **out)
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

static err_t meta_put(db *d, const char *key, const void *value, size_t len)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, Q_META_PUT, &st);
	if (e == ERR_OK && (e = db_bind_text(st, 1, key)) == ERR_OK &&
	    (e = db_bind_blob(st, 2, value, len)) == ERR_OK)
		e = db_step(st) == DB_DONE ? ERR_OK : ERR_DB;
	db_finalize(st);
	return e;
}

/* Copies meta `key` into a malloc'd buffer. */
static err_t meta_get(db *d, const char *key, unsigned char **out, size_t *len)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, Q_META_GET, &st);
	int rc;
	if (e != ERR_OK || (e = db_bind_text(st, 1, key)) != ERR_OK)
		goto out;
	rc = db_step(st);
	if (rc != DB_ROW) {
		e = rc == DB_DONE ? ERR_NOT_FOUND : ERR_DB;
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

static void remove_db_files(const char *path)
{
	char buf[4096];
	unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	unlink(buf);
}

static err_t write_init_meta(db *d, const keyring *kr, const char *country)
{
	unsigned char *check = NULL;
	size_t len;
	err_t e = crypto_seal(kr, KEY_CHECK_CONTEXT, KEY_CHECK_TEXT, strlen(KEY_CHECK_TEXT), &check, &len);
	if (e == ERR_OK)
		e = meta_put(d, "key_check", check, len);
	if (e == ERR_OK)
		e = meta_put(d, "country", country, strlen(country));
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
			remove_db_files(p->db);
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
	if (e != ERR_OK || plen != strlen(KEY_CHECK_TEXT) || memcmp(plain, KEY_CHECK_TEXT, plen) != 0) {
		snprintf(errbuf, ERRBUF_MAX,
			 "the key file %s does not open the database %s (wrong or damaged key file)",
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
		e = rc == DB_ROW || rc == DB_DONE ? ERR_OK : ERR_DB;
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
const keyring *registry_keyring(registry *r) { return r->kr; }
const char *registry_country(registry *r) { return r->country; }

/* ---- imports -------------------------------------------------------------- */

err_t registry_import_begin(registry *r, const char *files, int64_t *id)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, Q_IMPORT_BEGIN, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, (int64_t)time(NULL))) == ERR_OK &&
	    (e = db_bind_text(st, 2, files)) == ERR_OK) {
		if (db_step(st) == DB_ROW)
			*id = db_col_int(st, 0);
		else
			e = ERR_DB;
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
	if (e == ERR_OK && db_step(st) != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	return e;
}

/* ---- writing -------------------------------------------------------------- */

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

static err_t bind_date(db_stmt *st, int n, int64_t v)
{
	return v == DATE_NONE ? db_bind_null(st, n) : db_bind_int(st, n, v);
}

static err_t bind_import(db_stmt *st, int n, int64_t import_id)
{
	return import_id ? db_bind_int(st, n, import_id) : db_bind_null(st, n);
}

/* Encrypts `value` for table/ref/column and binds it to $n (NULL stays NULL). */
static err_t bind_sealed(registry *r, db_stmt *st, int n, const char *table, const char *ref,
			 const char *column, const char *value)
{
	char ctx[CRYPTO_CONTEXT_MAX];
	unsigned char *env = NULL;
	size_t len;
	err_t e;
	if (!value)
		return db_bind_null(st, n);
	if ((e = crypto_context(ctx, table, ref, column)) != ERR_OK ||
	    (e = crypto_seal(r->kr, ctx, value, strlen(value), &env, &len)) != ERR_OK)
		return e;
	e = db_bind_blob(st, n, env, len);
	free(env);
	return e;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Splits a ';'-separated list of forms into sorted, distinct, NUL-terminated
 * strings inside `buf`; the canonical order makes "a;b" equal "b;a". */
static err_t split_forms(const char *list, char *buf, size_t buflen, const char **forms, size_t *n)
{
	size_t k = 0;
	*n = 0;
	if (!list)
		return ERR_OK;
	if (strlen(list) >= buflen)
		return ERR_LIMIT;
	memcpy(buf, list, strlen(list) + 1);
	for (char *p = buf, *next; p; p = next) {
		next = strchr(p, ';');
		if (next)
			*next++ = '\0';
		if (!*p)
			continue;
		if (k == EXPLOITATION_MAX)
			return ERR_LIMIT;
		forms[k++] = p;
	}
	qsort(forms, k, sizeof *forms, cmp_str);
	for (size_t i = 0; i < k; i++)
		if (*n == 0 || strcmp(forms[*n - 1], forms[i]) != 0)
			forms[(*n)++] = forms[i];
	return ERR_OK;
}

static err_t person_digest(registry *r, const struct person *p, const char **forms, size_t nforms,
			   unsigned char out[CRYPTO_RECORD_DIGEST_BYTES])
{
	crypto_digest_state s;
	const char *text[] = {p->ref, p->status, p->parent_ref, p->given_name, p->family_name,
			      p->patronymic, p->sex, p->birth_date, p->citizenship,
			      p->document_number, p->phone, p->address,
			      p->identification_source, p->country_of_exploitation};
	err_t e = crypto_digest_init(r->kr, &s);
	if (e != ERR_OK)
		return e;
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		crypto_digest_text(&s, text[i]);
	crypto_digest_int(&s, p->identified_on);
	crypto_digest_int(&s, p->recognized_on);
	crypto_digest_int(&s, p->decided_on);
	crypto_digest_int(&s, (int64_t)nforms);
	for (size_t i = 0; i < nforms; i++)
		crypto_digest_text(&s, forms[i]);
	crypto_digest_final(&s, out);
	return ERR_OK;
}

/* Looks a record up by ref with a FIND statement (id, digest, ...): DB_ROW with
 * *id set and *same telling whether its digest equals `digest`, or DB_DONE. */
static int find_by_ref(db_stmt *st, const char *ref, const unsigned char *digest, int64_t *id,
		       int *same)
{
	size_t len;
	int rc;
	if (db_bind_text(st, 1, ref) != ERR_OK)
		return -ERR_DB;
	rc = db_step(st);
	if (rc != DB_ROW)
		return rc;
	*id = db_col_int(st, 0);
	const void *stored = db_col_blob(st, 1, &len);
	*same = digest && len == CRYPTO_RECORD_DIGEST_BYTES && memcmp(stored, digest, len) == 0;
	return DB_ROW; /* the caller resets st: a pending read would block COMMIT */
}

static err_t person_id_of(registry *r, const char *ref, int64_t *id, const char **status)
{
	static const char *const statuses[] = {"potential_victim", "victim", "not_confirmed",
					       "dependant"};
	db_stmt *st;
	int same, rc;
	err_t e = stmt(r, S_PERSON_FIND, &st);
	if (e != ERR_OK)
		return e;
	rc = find_by_ref(st, ref, NULL, id, &same);
	if (rc == DB_DONE)
		return ERR_NOT_FOUND;
	if (rc != DB_ROW)
		return ERR_DB;
	if (status) {
		const char *s = db_col_text(st, 2);
		*status = "unknown";
		for (size_t i = 0; s && i < sizeof statuses / sizeof statuses[0]; i++)
			if (strcmp(s, statuses[i]) == 0)
				*status = statuses[i];
	}
	return db_reset(st);
}

err_t registry_person_status(registry *r, const char *ref, const char **status)
{
	int64_t id;
	return person_id_of(r, ref, &id, status);
}

/* is_child: 1/0, or -1 when the birth date is unknown. */
static int child_flag(const struct person *p)
{
	int64_t earliest, latest;
	if (!p->birth_date || p->identified_on == DATE_NONE ||
	    date_parse_partial(p->birth_date, &earliest, &latest) != ERR_OK)
		return -1;
	return date_is_minor(latest, p->identified_on);
}

/* Binds the seven sealed personal values to $first..$first+6 and the digest
 * to $first+7. */
static err_t bind_person_secrets(registry *r, db_stmt *st, int first, const struct person *p,
				 const unsigned char *digest)
{
	const char *value[PERSON_SECRETS] = {p->given_name, p->family_name, p->patronymic,
					     p->birth_date,  p->document_number, p->phone,
					     p->address};
	err_t e = ERR_OK;
	for (int i = 0; e == ERR_OK && i < PERSON_SECRETS; i++)
		e = bind_sealed(r, st, first + i, "persons", p->ref, person_secret_cols[i], value[i]);
	if (e == ERR_OK)
		e = db_bind_blob(st, first + PERSON_SECRETS, digest, CRYPTO_RECORD_DIGEST_BYTES);
	return e;
}

static err_t bind_person(registry *r, db_stmt *st, const struct person *p, int64_t parent_id,
			 const unsigned char *digest, int64_t import_id)
{
	int child = child_flag(p);
	int foreign = p->citizenship && strcmp(p->citizenship, r->country) != 0;
	err_t e;
	if ((e = db_bind_text(st, 1, p->ref)) || (e = db_bind_text(st, 2, p->status)) ||
	    (e = parent_id ? db_bind_int(st, 3, parent_id) : db_bind_null(st, 3)) ||
	    (e = db_bind_text(st, 4, p->sex)) ||
	    (e = child < 0 ? db_bind_null(st, 5) : db_bind_int(st, 5, child)) ||
	    (e = db_bind_text(st, 6, p->citizenship)) || (e = db_bind_int(st, 7, foreign)) ||
	    (e = bind_date(st, 8, p->identified_on)) ||
	    (e = db_bind_text(st, 9, p->identification_source)) ||
	    (e = bind_date(st, 10, p->recognized_on)) || (e = bind_date(st, 11, p->decided_on)) ||
	    (e = db_bind_text(st, 12, p->country_of_exploitation)) ||
	    (e = bind_person_secrets(r, st, 13, p, digest)) ||
	    (e = bind_import(st, 21, import_id)) || (e = db_bind_int(st, 22, now())))
		return e;
	return ERR_OK;
}

/* The person's blind index rows, made again from the plain record (p), or
 * removed (p NULL: an erased person is not to be found by name). */
static err_t put_index(registry *r, int64_t person_id, const struct person *p)
{
	int64_t names[BIDX_WORDS_MAX], doc = -1;
	size_t n = 0;
	db_stmt *st;
	err_t e = stmt(r, S_INDEX_CLEAR, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, person_id)) == ERR_OK)
		e = db_step(st) == DB_DONE ? ERR_OK : ERR_DB;
	if (e != ERR_OK || !p)
		return e;
	bidx_person(r->kr, p, names, &n, &doc);
	for (size_t i = 0; e == ERR_OK && i <= n; i++) {
		int64_t field = i < n ? BIDX_NAME : BIDX_DOCUMENT, value = i < n ? names[i] : doc;
		if (value < 0)
			continue;
		if ((e = stmt(r, S_INDEX_ADD, &st)) == ERR_OK &&
		    (e = db_bind_int(st, 1, person_id)) == ERR_OK &&
		    (e = db_bind_int(st, 2, field)) == ERR_OK && (e = db_bind_int(st, 3, value)) == ERR_OK)
			e = db_step(st) == DB_DONE ? ERR_OK : ERR_DB;
	}
	return e;
}

static err_t put_forms(registry *r, int64_t person_id, const char **forms, size_t n)
{
	db_stmt *st;
	err_t e = stmt(r, S_EXPL_CLEAR, &st);
	if (e != ERR_OK || (e = db_bind_int(st, 1, person_id)) != ERR_OK)
		return e;
	if (db_step(st) != DB_DONE)
		return ERR_DB;
	for (size_t i = 0; i < n; i++) {
		if ((e = stmt(r, S_EXPL_ADD, &st)) != ERR_OK ||
		    (e = db_bind_int(st, 1, person_id)) != ERR_OK ||
		    (e = db_bind_text(st, 2, forms[i])) != ERR_OK)
			return e;
		if (db_step(st) != DB_DONE)
			return ERR_DB;
	}
	return ERR_OK;
}

err_t registry_put_person(registry *r, const struct person *p, int64_t import_id,
			  enum put_outcome *out)
{
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	char formbuf[1024];
	const char *forms[EXPLOITATION_MAX];
	size_t nforms;
	int64_t id = 0, parent_id = 0;
	int same = 0, rc;
	db_stmt *st;
	err_t e;

	if (registry_is_erased(r, p->ref))
		return ERR_FORBIDDEN;
	if ((e = split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms)) != ERR_OK ||
	    (e = person_digest(r, p, forms, nforms, digest)) != ERR_OK)
		return e;
	if (p->parent_ref) {
		const char *parent_status;
		if ((e = person_id_of(r, p->parent_ref, &parent_id, &parent_status)) != ERR_OK)
			return e;
		/* interchange.md: a dependant's parent is a victim or potential victim */
		if (strcmp(parent_status, "victim") != 0 && strcmp(parent_status, "potential_victim") != 0)
			return ERR_INVALID;
	}
	if ((e = stmt(r, S_PERSON_FIND, &st)) != ERR_OK)
		return e;
	rc = find_by_ref(st, p->ref, digest, &id, &same);
	if (rc < 0 || (e = db_reset(st)) != ERR_OK)
		return rc < 0 ? (err_t)-rc : e;
	if (rc == DB_ROW && same) {
		*out = PUT_UNCHANGED;
		return ERR_OK;
	}
	enum stmt_id which = rc == DB_ROW ? S_PERSON_UPDATE : S_PERSON_INSERT;
	if ((e = stmt(r, which, &st)) != ERR_OK ||
	    (e = bind_person(r, st, p, parent_id, digest, import_id)) != ERR_OK)
		return e;
	if ((rc = db_step(st)) != DB_ROW)
		return rc < 0 ? (err_t)-rc : ERR_DB;
	id = db_col_int(st, 0);
	if ((e = db_reset(st)) != ERR_OK || (e = put_forms(r, id, forms, nforms)) != ERR_OK ||
	    (e = put_index(r, id, p)) != ERR_OK)
		return e;
	*out = which == S_PERSON_UPDATE ? PUT_UPDATED : PUT_ADDED;
	return ERR_OK;
}

static void service_digest(registry *r, const struct service *s, unsigned char *out, err_t *e)
{
	crypto_digest_state d;
	const char *text[] = {s->ref, s->person_ref, s->service, s->provider, s->currency,
			      s->phase, s->note};
	if ((*e = crypto_digest_init(r->kr, &d)) != ERR_OK)
		return;
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		crypto_digest_text(&d, text[i]);
	crypto_digest_int(&d, s->date);
	crypto_digest_int(&d, s->end_date);
	crypto_digest_int(&d, s->has_amount ? s->amount : -1);
	crypto_digest_final(&d, out);
}

/* Runs an UPSERT statement (ADDED_FLAG): no row means unchanged. */
static err_t run_upsert(registry *r, db_stmt *st, const char *person_ref, enum put_outcome *out)
{
	int64_t id;
	int rc = db_step(st);
	if (rc == DB_ROW) {
		*out = db_col_int(st, 0) ? PUT_ADDED : PUT_UPDATED;
		return db_reset(st);
	}
	if (rc == DB_DONE) {
		*out = PUT_UNCHANGED;
		return ERR_OK;
	}
	db_reset(st);
	/* the person lookup inside the statement found nobody: say so */
	if (rc == -ERR_CONFLICT && person_id_of(r, person_ref, &id, NULL) == ERR_NOT_FOUND)
		return ERR_NOT_FOUND;
	return (err_t)-rc;
}

err_t registry_put_service(registry *r, const struct service *s, int64_t import_id,
			   enum put_outcome *out)
{
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st;
	err_t e = ERR_OK;

	if (registry_is_erased(r, s->person_ref))
		return ERR_FORBIDDEN;
	service_digest(r, s, digest, &e);
	if (e != ERR_OK || (e = stmt(r, S_SERVICE_UPSERT, &st)) != ERR_OK)
		return e;
	if ((e = db_bind_text(st, 1, s->ref)) || (e = db_bind_text(st, 2, s->person_ref)) ||
	    (e = db_bind_text(st, 3, s->service)) || (e = db_bind_text(st, 4, s->provider)) ||
	    (e = bind_date(st, 5, s->date)) || (e = bind_date(st, 6, s->end_date)) ||
	    (e = s->has_amount ? db_bind_int(st, 7, s->amount) : db_bind_null(st, 7)) ||
	    (e = db_bind_text(st, 8, s->currency)) || (e = db_bind_text(st, 9, s->phase)) ||
	    (e = bind_sealed(r, st, 10, "services", s->ref, "note", s->note)) ||
	    (e = db_bind_blob(st, 11, digest, sizeof digest)) ||
	    (e = bind_import(st, 12, import_id)) || (e = db_bind_int(st, 13, now())))
		return e;
	return run_upsert(r, st, s->person_ref, out);
}

static void referral_digest(registry *r, const struct referral *f, unsigned char *out, err_t *e)
{
	crypto_digest_state d;
	const char *text[] = {f->ref, f->person_ref, f->from, f->to, f->purpose,
			      f->status ? f->status : "sent"};
	if ((*e = crypto_digest_init(r->kr, &d)) != ERR_OK)
		return;
	for (size_t i = 0; i < sizeof text / sizeof text[0]; i++)
		crypto_digest_text(&d, text[i]);
	crypto_digest_int(&d, f->date);
	crypto_digest_int(&d, f->closed_on);
	crypto_digest_final(&d, out);
}

err_t registry_put_referral(registry *r, const struct referral *f, int64_t import_id,
			    enum put_outcome *out)
{
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st;
	err_t e = ERR_OK;

	if (registry_is_erased(r, f->person_ref))
		return ERR_FORBIDDEN;
	referral_digest(r, f, digest, &e);
	if (e != ERR_OK || (e = stmt(r, S_REFERRAL_UPSERT, &st)) != ERR_OK)
		return e;
	if ((e = db_bind_text(st, 1, f->ref)) || (e = db_bind_text(st, 2, f->person_ref)) ||
	    (e = db_bind_text(st, 3, f->from)) || (e = db_bind_text(st, 4, f->to)) ||
	    (e = db_bind_text(st, 5, f->purpose)) || (e = bind_date(st, 6, f->date)) ||
	    (e = db_bind_text(st, 7, f->status ? f->status : "sent")) ||
	    (e = bind_date(st, 8, f->closed_on)) ||
	    (e = db_bind_blob(st, 9, digest, sizeof digest)) ||
	    (e = bind_import(st, 10, import_id)) || (e = db_bind_int(st, 11, now())))
		return e;
	return run_upsert(r, st, f->person_ref, out);
}

/* ---- reading -------------------------------------------------------------- */

static int64_t col_date(db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? DATE_NONE : db_col_int(st, col);
}

/* Decrypts column `col` for table/ref/column into *out (NULL when NULL). */
static err_t open_col(registry *r, db_stmt *st, int col, const char *table, const char *ref,
		      const char *column, char **out)
{
	char ctx[CRYPTO_CONTEXT_MAX];
	size_t len, plen;
	const unsigned char *env;
	err_t e;
	*out = NULL;
	if (db_col_is_null(st, col))
		return ERR_OK;
	env = db_col_blob(st, col, &len);
	if ((e = crypto_context(ctx, table, ref, column)) != ERR_OK)
		return e;
	return crypto_open(r->kr, ctx, env, len, out, &plen);
}


/* Joins the person's exploitation forms with ';' into buf. */
static err_t load_forms(registry *r, int64_t person_id, char *buf, size_t len)
{
	db_stmt *st;
	size_t used = 0;
	int rc;
	err_t e = stmt(r, S_EXPL_LIST, &st);
	if (e != ERR_OK || (e = db_bind_int(st, 1, person_id)) != ERR_OK)
		return e;
	buf[0] = '\0';
	while ((rc = db_step(st)) == DB_ROW) {
		const char *f = db_col_text(st, 0);
		size_t n = strlen(f);
		if (used + n + 2 > len)
			return ERR_LIMIT;
		if (used)
			buf[used++] = ';';
		memcpy(buf + used, f, n + 1);
		used += n;
	}
	return rc == DB_DONE ? ERR_OK : ERR_DB;
}

static err_t emit_person(registry *r, db_stmt *st, registry_person_fn fn, void *ctx)
{
	char *secret[PERSON_SECRETS] = {0};
	char forms[1024];
	struct person p;
	const char *ref = db_col_text(st, 1);
	err_t e = load_forms(r, db_col_int(st, 0), forms, sizeof forms);

	for (int i = 0; e == ERR_OK && i < PERSON_SECRETS; i++)
		e = open_col(r, st, 11 + i, "persons", ref, person_secret_cols[i], &secret[i]);
	if (e == ERR_OK) {
		p = (struct person){
			.ref = ref, .status = db_col_text(st, 2), .parent_ref = db_col_text(st, 3),
			.sex = db_col_text(st, 4), .citizenship = db_col_text(st, 5),
			.identified_on = col_date(st, 6), .identification_source = db_col_text(st, 7),
			.recognized_on = col_date(st, 8), .decided_on = col_date(st, 9),
			.country_of_exploitation = db_col_text(st, 10),
			.given_name = secret[0], .family_name = secret[1], .patronymic = secret[2],
			.birth_date = secret[3], .document_number = secret[4], .phone = secret[5],
			.address = secret[6], .exploitation = forms[0] ? forms : NULL};
		e = fn(&p, ctx);
	}
	for (int i = 0; i < PERSON_SECRETS; i++)
		crypto_plain_free(secret[i]);
	return e;
}

/* The caller's callback for one walk over rows. */
struct walk {
	registry_person_fn person;
	registry_service_fn service;
	registry_referral_fn referral;
	void *ctx;
};

/* Runs `sql` (with the optional person ref as $1) and calls `emit` per row. */
static err_t walk(registry *r, const char *sql, const char *person_ref,
		  err_t (*emit)(registry *, db_stmt *, const struct walk *), const struct walk *w,
		  int *rows)
{
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = db_prepare(r->db, sql, &st);
	*rows = 0;
	if (e == ERR_OK && person_ref)
		e = db_bind_text(st, 1, person_ref);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		(*rows)++;
		e = emit(r, st, w);
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	return e;
}

static err_t emit_person_row(registry *r, db_stmt *st, const struct walk *w)
{
	return emit_person(r, st, w->person, w->ctx);
}

err_t registry_each_person(registry *r, const char *person_ref, registry_person_fn fn, void *ctx)
{
	struct walk w = {.person = fn, .ctx = ctx};
	int rows;
	err_t e = walk(r, person_ref ? Q_PERSON_SELECT_ONE : Q_PERSON_SELECT_ALL, person_ref,
		       emit_person_row, &w, &rows);
	if (e == ERR_OK && person_ref && rows == 0)
		return ERR_NOT_FOUND;
	return e;
}

static err_t emit_service_row(registry *r, db_stmt *st, const struct walk *w)
{
	char *note = NULL;
	const char *ref = db_col_text(st, 0);
	err_t e = open_col(r, st, 9, "services", ref, "note", &note);
	if (e == ERR_OK) {
		struct service s = {
			.ref = ref, .person_ref = db_col_text(st, 1), .service = db_col_text(st, 2),
			.provider = db_col_text(st, 3), .date = col_date(st, 4),
			.end_date = col_date(st, 5), .has_amount = !db_col_is_null(st, 6),
			.amount = db_col_int(st, 6), .currency = db_col_text(st, 7),
			.phase = db_col_text(st, 8), .note = note};
		e = w->service(&s, w->ctx);
	}
	crypto_plain_free(note);
	return e;
}

err_t registry_each_service(registry *r, const char *person_ref, registry_service_fn fn, void *ctx)
{
	struct walk w = {.service = fn, .ctx = ctx};
	int rows;
	return walk(r, person_ref ? Q_SERVICE_SELECT_PERSON : Q_SERVICE_SELECT_ALL, person_ref,
		    emit_service_row, &w, &rows);
}

static err_t emit_referral_row(registry *r, db_stmt *st, const struct walk *w)
{
	(void)r;
	struct referral x = {
		.ref = db_col_text(st, 0), .person_ref = db_col_text(st, 1),
		.from = db_col_text(st, 2), .to = db_col_text(st, 3), .purpose = db_col_text(st, 4),
		.date = col_date(st, 5), .status = db_col_text(st, 6), .closed_on = col_date(st, 7)};
	return w->referral(&x, w->ctx);
}

err_t registry_each_referral(registry *r, const char *person_ref, registry_referral_fn fn,
			     void *ctx)
{
	struct walk w = {.referral = fn, .ctx = ctx};
	int rows;
	return walk(r, person_ref ? Q_REFERRAL_SELECT_PERSON : Q_REFERRAL_SELECT_ALL, person_ref,
		    emit_referral_row, &w, &rows);
}

err_t registry_person_provenance(registry *r, const char *ref, struct provenance *out)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, Q_PERSON_PROVENANCE, &st);
	int rc;
	if (e == ERR_OK && (e = db_bind_text(st, 1, ref)) == ERR_OK) {
		rc = db_step(st);
		if (rc == DB_ROW)
			*out = (struct provenance){db_col_int(st, 0), db_col_int(st, 1),
						   db_col_int(st, 2), db_col_int(st, 3)};
		else
			e = rc == DB_DONE ? ERR_NOT_FOUND : ERR_DB;
	}
	db_finalize(st);
	return e;
}

/* ---- key rotation --------------------------------------------------------- */

static err_t run_update(registry *r, const char *sql, db_stmt **st)
{
	return db_prepare(r->db, sql, st);
}

static err_t finish_update(db_stmt *st, err_t e)
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
	char formbuf[1024];
	const char *forms[EXPLOITATION_MAX];
	size_t nforms;
	db_stmt *st = NULL;
	err_t e = split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms);
	if (e == ERR_OK)
		e = person_digest(r, p, forms, nforms, digest);
	if (e == ERR_OK && (e = run_update(r, Q_PERSON_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, p->ref)) == ERR_OK)
		e = bind_person_secrets(r, st, 2, p, digest);
	e = st ? finish_update(st, e) : e;
	/* index keys come from the data key too */
	int64_t id;
	if (e == ERR_OK && (e = person_id_of(r, p->ref, &id, NULL)) == ERR_OK &&
	    strcmp(p->given_name ? p->given_name : "", REGISTRY_ERASED_NAME) != 0)
		e = put_index(r, id, p);
	return e;
}

static err_t rekey_service_cb(const struct service *s, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	service_digest(r, s, digest, &e);
	if (e == ERR_OK && (e = run_update(r, Q_SERVICE_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, s->ref)) == ERR_OK &&
	    (e = bind_sealed(r, st, 2, "services", s->ref, "note", s->note)) == ERR_OK)
		e = db_bind_blob(st, 3, digest, sizeof digest);
	return st ? finish_update(st, e) : e;
}

static err_t rekey_referral_cb(const struct referral *f, void *ctx)
{
	registry *r = ctx;
	unsigned char digest[CRYPTO_RECORD_DIGEST_BYTES];
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	referral_digest(r, f, digest, &e);
	if (e == ERR_OK && (e = run_update(r, Q_REFERRAL_REKEY, &st)) == ERR_OK &&
	    (e = db_bind_text(st, 1, f->ref)) == ERR_OK)
		e = db_bind_blob(st, 2, digest, sizeof digest);
	return st ? finish_update(st, e) : e;
}

err_t registry_rekey(registry *r, enum registry_table table, const char *ref)
{
	struct walk w = {.person = rekey_person_cb, .service = rekey_service_cb,
			 .referral = rekey_referral_cb, .ctx = r};
	int rows = 0;
	err_t e;
	switch (table) {
	case REG_PERSONS: e = walk(r, Q_PERSON_SELECT_ONE, ref, emit_person_row, &w, &rows); break;
	case REG_SERVICES: e = walk(r, Q_SERVICE_SELECT_ONE, ref, emit_service_row, &w, &rows); break;
	default: e = walk(r, Q_REFERRAL_SELECT_ONE, ref, emit_referral_row, &w, &rows); break;
	}
	return e == ERR_OK && rows == 0 ? ERR_NOT_FOUND : e;
}

err_t registry_reseal_key_check(registry *r)
{
	unsigned char *check = NULL;
	size_t len;
	err_t e = crypto_seal(r->kr, KEY_CHECK_CONTEXT, KEY_CHECK_TEXT, strlen(KEY_CHECK_TEXT), &check,
			      &len);
	if (e == ERR_OK)
		e = meta_put(r->db, "key_check", check, len);
	free(check);
	return e;
}

/* ---- erasure -------------------------------------------------------------- */

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
	char formbuf[1024];
	size_t nforms;
	db_stmt *st = NULL;
	err_t e;
	erased.given_name = erased.family_name = REGISTRY_ERASED_NAME;
	erased.patronymic = erased.birth_date = erased.document_number = NULL;
	erased.phone = erased.address = NULL;
	if ((e = split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms)) != ERR_OK ||
	    (e = person_digest(r, &erased, forms, nforms, digest)) != ERR_OK ||
	    (e = db_prepare(r->db, Q_PERSON_ERASE, &st)) != ERR_OK)
		return e;
	int64_t id;
	if ((e = person_id_of(r, p->ref, &id, NULL)) != ERR_OK || (e = put_index(r, id, NULL)) != ERR_OK) {
		db_finalize(st);
		return e;
	}
	if ((e = db_bind_text(st, 1, p->ref)) == ERR_OK &&
	    (e = bind_sealed(r, st, 2, "persons", p->ref, "given_name", REGISTRY_ERASED_NAME)) == ERR_OK &&
	    (e = bind_sealed(r, st, 3, "persons", p->ref, "family_name", REGISTRY_ERASED_NAME)) == ERR_OK &&
	    (e = db_bind_blob(st, 4, digest, sizeof digest)) == ERR_OK)
		e = db_bind_int(st, 5, now());
	return finish_update(st, e);
}

static err_t exec_ref(registry *r, const char *sql, const char *ref, const char *reason)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(r->db, sql, &st);
	if (e == ERR_OK)
		e = db_bind_text(st, 1, ref);
	if (e == ERR_OK && reason && (e = db_bind_int(st, 2, now())) == ERR_OK)
		e = db_bind_text(st, 3, reason);
	return st ? finish_update(st, e) : e;
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

/* ---- blind index lookups ---------------------------------------------------- */

#define CANDIDATES_MAX 100000

/* The sorted person ids holding index value (field, value). */
static err_t lookup(registry *r, int64_t field, int64_t value, int64_t **ids, size_t *n)
{
	db_stmt *st = NULL;
	size_t cap = 0;
	int rc = DB_DONE;
	err_t e = db_prepare(r->db, Q_INDEX_LOOKUP, &st);
	*ids = NULL;
	*n = 0;
	if (e == ERR_OK && (e = db_bind_int(st, 1, field)) == ERR_OK)
		e = db_bind_int(st, 2, value);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		if (*n == cap) {
			int64_t *v = cap < CANDIDATES_MAX ? realloc(*ids, (cap ? cap * 2 : 64) * sizeof *v) : NULL;
			if (!v) {
				e = cap < CANDIDATES_MAX ? ERR_NOMEM : ERR_LIMIT;
				break;
			}
			*ids = v;
			cap = cap ? cap * 2 : 64;
		}
		(*ids)[(*n)++] = db_col_int(st, 0);
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = ERR_DB;
	db_finalize(st);
	if (e != ERR_OK) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return e;
}

/* Keeps in a[] only the ids also in b[] (both sorted). */
static size_t intersect(int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	size_t i = 0, j = 0, k = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else {
			a[k++] = a[i];
			i++;
			j++;
		}
	}
	return k;
}

struct name_query {
	registry *r;
	int64_t *ids;
	size_t n;
	int first;
	err_t e;
};

static void narrow(const char *word, void *ctx)
{
	struct name_query *q = ctx;
	int64_t v = bidx_value(q->r->kr, BIDX_NAME, word), *more;
	size_t nmore;
	if (v < 0 || q->e != ERR_OK)
		return;
	if (q->first) {
		q->first = 0;
		q->e = lookup(q->r, BIDX_NAME, v, &q->ids, &q->n);
		return;
	}
	if ((q->e = lookup(q->r, BIDX_NAME, v, &more, &nmore)) == ERR_OK)
		q->n = intersect(q->ids, q->n, more, nmore);
	free(more);
}

err_t registry_name_candidates(registry *r, const char *query, int64_t **ids, size_t *n)
{
	struct name_query q = {.r = r, .first = 1};
	char words[BIDX_WORDS_MAX][256];
	size_t nw;
	bidx_words(query, words, &nw); /* only to refuse a query with no word */
	if (nw == 0)
		return ERR_INVALID;
	bidx_each_word(query, narrow, &q);
	if (q.e != ERR_OK) {
		free(q.ids);
		return q.e;
	}
	*ids = q.ids;
	*n = q.n;
	return ERR_OK;
}

err_t registry_document_candidates(registry *r, const char *query, int64_t **ids, size_t *n)
{
	int64_t v = bidx_value(r->kr, BIDX_DOCUMENT, query);
	if (v < 0)
		return ERR_INVALID;
	return lookup(r, BIDX_DOCUMENT, v, ids, n);
}
