/*
 * registry_write.c - storing persons, services and referrals: each upsert
 * seals the personal values, digests the canonical form (an unchanged record
 * is left alone) and, for a person, re-makes the blind index rows.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/blindidx.h"
#include "core/registry_internal.h"
#include "db/queries.h"
#include "util/date.h"

int64_t registry_now(void)
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
err_t registry_bind_sealed(registry *r, db_stmt *st, int n, const char *table, const char *ref,
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
err_t registry_split_forms(const char *list, char *buf, size_t buflen, const char **forms, size_t *n)
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

err_t registry_person_digest(registry *r, const struct person *p, const char **forms, size_t nforms,
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
	err_t e = db_bind_text(st, 1, ref);
	if (e != ERR_OK)
		return -(int)e;
	rc = db_step(st);
	if (rc != DB_ROW)
		return rc;
	*id = db_col_int(st, 0);
	const void *stored = db_col_blob(st, 1, &len);
	*same = digest && len == CRYPTO_RECORD_DIGEST_BYTES && memcmp(stored, digest, len) == 0;
	return DB_ROW; /* the caller resets st: a pending read would block COMMIT */
}

err_t registry_person_id(registry *r, const char *ref, int64_t *id, const char **status)
{
	static const char *const statuses[] = {"potential_victim", "victim", "not_confirmed",
					       "dependant"};
	db_stmt *st;
	int same, rc;
	err_t e = registry_stmt(r, S_PERSON_FIND, &st);
	if (e != ERR_OK)
		return e;
	rc = find_by_ref(st, ref, NULL, id, &same);
	if (rc == DB_DONE)
		return ERR_NOT_FOUND;
	if (rc != DB_ROW)
		return db_step_error(rc);
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
	return registry_person_id(r, ref, &id, status);
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
err_t registry_bind_person_secrets(registry *r, db_stmt *st, int first, const struct person *p,
				 const unsigned char *digest)
{
	const char *value[PERSON_SECRETS] = {p->given_name, p->family_name, p->patronymic,
					     p->birth_date,  p->document_number, p->phone,
					     p->address};
	err_t e = ERR_OK;
	for (int i = 0; e == ERR_OK && i < PERSON_SECRETS; i++)
		e = registry_bind_sealed(r, st, first + i, "persons", p->ref, registry_person_secret_cols[i], value[i]);
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
	    (e = registry_bind_person_secrets(r, st, 13, p, digest)) ||
	    (e = bind_import(st, 21, import_id)) || (e = db_bind_int(st, 22, registry_now())))
		return e;
	return ERR_OK;
}

/* The person's blind index rows, made again from the plain record (p), or
 * removed (p NULL: an erased person is not to be found by name). */
err_t registry_put_index(registry *r, int64_t person_id, const struct person *p)
{
	int64_t names[BIDX_WORDS_MAX], doc = -1;
	size_t n = 0;
	db_stmt *st;
	err_t e = registry_stmt(r, S_INDEX_CLEAR, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, person_id)) == ERR_OK)
		e = db_done(db_step(st));
	if (e != ERR_OK || !p)
		return e;
	bidx_person(r->kr, p, names, &n, &doc);
	for (size_t i = 0; e == ERR_OK && i <= n; i++) {
		int64_t field = i < n ? BIDX_NAME : BIDX_DOCUMENT, value = i < n ? names[i] : doc;
		if (value < 0)
			continue;
		if ((e = registry_stmt(r, S_INDEX_ADD, &st)) == ERR_OK &&
		    (e = db_bind_int(st, 1, person_id)) == ERR_OK &&
		    (e = db_bind_int(st, 2, field)) == ERR_OK && (e = db_bind_int(st, 3, value)) == ERR_OK)
			e = db_done(db_step(st));
	}
	return e;
}

static err_t put_forms(registry *r, int64_t person_id, const char **forms, size_t n)
{
	db_stmt *st;
	err_t e = registry_stmt(r, S_EXPL_CLEAR, &st);
	if (e != ERR_OK || (e = db_bind_int(st, 1, person_id)) != ERR_OK)
		return e;
	if (db_step(st) != DB_DONE)
		return ERR_DB;
	for (size_t i = 0; i < n; i++) {
		if ((e = registry_stmt(r, S_EXPL_ADD, &st)) != ERR_OK ||
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
	char formbuf[FORMS_BUF_MAX];
	const char *forms[EXPLOITATION_MAX];
	size_t nforms;
	int64_t id = 0, parent_id = 0;
	int same = 0, rc;
	db_stmt *st;
	err_t e;

	if (registry_is_erased(r, p->ref))
		return ERR_FORBIDDEN;
	if ((e = registry_split_forms(p->exploitation, formbuf, sizeof formbuf, forms, &nforms)) != ERR_OK ||
	    (e = registry_person_digest(r, p, forms, nforms, digest)) != ERR_OK)
		return e;
	if (p->parent_ref) {
		const char *parent_status;
		if ((e = registry_person_id(r, p->parent_ref, &parent_id, &parent_status)) != ERR_OK)
			return e;
		/* interchange.md: a dependant's parent is a victim or potential victim */
		if (strcmp(parent_status, "victim") != 0 && strcmp(parent_status, "potential_victim") != 0)
			return ERR_INVALID;
	}
	if ((e = registry_stmt(r, S_PERSON_FIND, &st)) != ERR_OK)
		return e;
	rc = find_by_ref(st, p->ref, digest, &id, &same);
	if (rc < 0 || (e = db_reset(st)) != ERR_OK)
		return rc < 0 ? (err_t)-rc : e;
	if (rc == DB_ROW && same) {
		*out = PUT_UNCHANGED;
		return ERR_OK;
	}
	enum stmt_id which = rc == DB_ROW ? S_PERSON_UPDATE : S_PERSON_INSERT;
	if ((e = registry_stmt(r, which, &st)) != ERR_OK ||
	    (e = bind_person(r, st, p, parent_id, digest, import_id)) != ERR_OK)
		return e;
	if ((rc = db_step(st)) != DB_ROW)
		return db_step_error(rc);
	id = db_col_int(st, 0);
	if ((e = db_reset(st)) != ERR_OK || (e = put_forms(r, id, forms, nforms)) != ERR_OK ||
	    (e = registry_put_index(r, id, p)) != ERR_OK)
		return e;
	*out = which == S_PERSON_UPDATE ? PUT_UPDATED : PUT_ADDED;
	return ERR_OK;
}

void registry_service_digest(registry *r, const struct service *s, unsigned char *out, err_t *e)
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
	if (rc == -ERR_CONFLICT && registry_person_id(r, person_ref, &id, NULL) == ERR_NOT_FOUND)
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
	registry_service_digest(r, s, digest, &e);
	if (e != ERR_OK || (e = registry_stmt(r, S_SERVICE_UPSERT, &st)) != ERR_OK)
		return e;
	if ((e = db_bind_text(st, 1, s->ref)) || (e = db_bind_text(st, 2, s->person_ref)) ||
	    (e = db_bind_text(st, 3, s->service)) || (e = db_bind_text(st, 4, s->provider)) ||
	    (e = bind_date(st, 5, s->date)) || (e = bind_date(st, 6, s->end_date)) ||
	    (e = s->has_amount ? db_bind_int(st, 7, s->amount) : db_bind_null(st, 7)) ||
	    (e = db_bind_text(st, 8, s->currency)) || (e = db_bind_text(st, 9, s->phase)) ||
	    (e = registry_bind_sealed(r, st, 10, "services", s->ref, "note", s->note)) ||
	    (e = db_bind_blob(st, 11, digest, sizeof digest)) ||
	    (e = bind_import(st, 12, import_id)) || (e = db_bind_int(st, 13, registry_now())))
		return e;
	return run_upsert(r, st, s->person_ref, out);
}

void registry_referral_digest(registry *r, const struct referral *f, unsigned char *out, err_t *e)
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
	registry_referral_digest(r, f, digest, &e);
	if (e != ERR_OK || (e = registry_stmt(r, S_REFERRAL_UPSERT, &st)) != ERR_OK)
		return e;
	if ((e = db_bind_text(st, 1, f->ref)) || (e = db_bind_text(st, 2, f->person_ref)) ||
	    (e = db_bind_text(st, 3, f->from)) || (e = db_bind_text(st, 4, f->to)) ||
	    (e = db_bind_text(st, 5, f->purpose)) || (e = bind_date(st, 6, f->date)) ||
	    (e = db_bind_text(st, 7, f->status ? f->status : "sent")) ||
	    (e = bind_date(st, 8, f->closed_on)) ||
	    (e = db_bind_blob(st, 9, digest, sizeof digest)) ||
	    (e = bind_import(st, 10, import_id)) || (e = db_bind_int(st, 11, registry_now())) ||
	    (e = f->consent == CONSENT_UNRECORDED
		     ? db_bind_null(st, 12)
		     : db_bind_int(st, 12, f->consent == CONSENT_GIVEN)) ||
	    (e = db_bind_text(st, 13, f->override_reason)))
		return e;
	return run_upsert(r, st, f->person_ref, out);
}
