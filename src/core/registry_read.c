/*
 * registry_read.c - walking stored records: each row's sealed values are
 * decrypted into a plain record for the caller's callback and wiped after it.
 */
#include <string.h>

#include "core/registry_internal.h"
#include "db/queries.h"
#include "util/date.h"

static int64_t col_date(db_stmt *st, int col)
{
	return db_col_is_null(st, col) ? DATE_NONE : db_col_int(st, col);
}

err_t registry_open_col(registry *r, db_stmt *st, int col, const char *table, const char *ref,
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
	err_t e = registry_stmt(r, S_EXPL_LIST, &st);
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
	return db_done(rc);
}

static err_t emit_person(registry *r, db_stmt *st, registry_person_fn fn, void *ctx)
{
	char *secret[PERSON_SECRETS] = {0};
	char forms[FORMS_BUF_MAX];
	struct person p;
	const char *ref = db_col_text(st, 1);
	err_t e = load_forms(r, db_col_int(st, 0), forms, sizeof forms);

	for (int i = 0; e == ERR_OK && i < PERSON_SECRETS; i++)
		e = registry_open_col(r, st, 11 + i, "persons", ref, registry_person_secret_cols[i], &secret[i]);
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

err_t registry_walk(registry *r, const char *sql, const char *person_ref, registry_emit_fn emit,
		    const struct walk *w, int *rows)
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

err_t registry_emit_person_row(registry *r, db_stmt *st, const struct walk *w)
{
	return emit_person(r, st, w->person, w->ctx);
}

err_t registry_each_person(registry *r, const char *person_ref, registry_person_fn fn, void *ctx)
{
	struct walk w = {.person = fn, .ctx = ctx};
	int rows;
	err_t e = registry_walk(r, person_ref ? Q_PERSON_SELECT_ONE : Q_PERSON_SELECT_ALL, person_ref,
		       registry_emit_person_row, &w, &rows);
	if (e == ERR_OK && person_ref && rows == 0)
		return ERR_NOT_FOUND;
	return e;
}

err_t registry_emit_service_row(registry *r, db_stmt *st, const struct walk *w)
{
	char *note = NULL;
	const char *ref = db_col_text(st, 0);
	err_t e = registry_open_col(r, st, 9, "services", ref, "note", &note);
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
	return registry_walk(r, person_ref ? Q_SERVICE_SELECT_PERSON : Q_SERVICE_SELECT_ALL, person_ref,
		    registry_emit_service_row, &w, &rows);
}

err_t registry_emit_referral_row(registry *r, db_stmt *st, const struct walk *w)
{
	(void)r;
	struct referral x = {
		.ref = db_col_text(st, 0), .person_ref = db_col_text(st, 1),
		.from = db_col_text(st, 2), .to = db_col_text(st, 3), .purpose = db_col_text(st, 4),
		.date = col_date(st, 5), .status = db_col_text(st, 6), .closed_on = col_date(st, 7),
		.consent = registry_col_consent(st, 8), .override_reason = db_col_text(st, 9)};
	return w->referral(&x, w->ctx);
}

enum referral_consent registry_col_consent(db_stmt *st, int col)
{
	if (db_col_is_null(st, col))
		return CONSENT_UNRECORDED;
	return db_col_int(st, col) ? CONSENT_GIVEN : CONSENT_NOT_GIVEN;
}

err_t registry_each_referral(registry *r, const char *person_ref, registry_referral_fn fn,
			     void *ctx)
{
	struct walk w = {.referral = fn, .ctx = ctx};
	int rows;
	return registry_walk(r, person_ref ? Q_REFERRAL_SELECT_PERSON : Q_REFERRAL_SELECT_ALL, person_ref,
		    registry_emit_referral_row, &w, &rows);
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
