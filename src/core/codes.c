/*
 * codes.c - the code lists and agencies, loaded once into sorted arrays so
 * that validating a million rows costs a binary search per cell, not a query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/codes.h"
#include "core/validate.h"
#include "util/wordlist.h"

#define AGENCY_LIST "agency"

struct code_entry {
	char *list, *code, *label_en, *label_az, *kind;
	int money;
};

struct codes {
	struct code_entry *v;
	size_t n, cap;
};

static const char SQL_CODES[] =
	"SELECT list, code, money, label_en, label_az, NULL FROM codes "
	"UNION ALL SELECT 'agency', code, 0, name_en, name_az, kind FROM agencies";

static int entry_cmp(const void *a, const void *b)
{
	const struct code_entry *x = a, *y = b;
	int c = strcmp(x->list, y->list);
	return c ? c : strcmp(x->code, y->code);
}

static void entry_free(struct code_entry *e)
{
	free(e->list);
	free(e->code);
	free(e->label_en);
	free(e->label_az);
	free(e->kind);
}

void codes_free(codes *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->v[i]);
	free(c->v);
	free(c);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static err_t add_row(codes *c, db_stmt *st)
{
	struct code_entry e = {0};
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct code_entry *v = realloc(c->v, cap * sizeof *v);
		if (!v)
			return ERR_NOMEM;
		c->v = v;
		c->cap = cap;
	}
	e.list = strdup(db_col_text(st, 0));
	e.code = strdup(db_col_text(st, 1));
	e.money = (int)db_col_int(st, 2);
	e.label_en = strdup(db_col_text(st, 3));
	e.label_az = strdup(db_col_text(st, 4));
	e.kind = dup_or_null(db_col_text(st, 5));
	if (!e.list || !e.code || !e.label_en || !e.label_az || (!e.kind && !db_col_is_null(st, 5))) {
		entry_free(&e);
		return ERR_NOMEM;
	}
	c->v[c->n++] = e;
	return ERR_OK;
}

err_t codes_load(db *d, codes **out)
{
	db_stmt *st = NULL;
	codes *c = calloc(1, sizeof *c);
	err_t e = ERR_NOMEM;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((e = db_prepare(d, SQL_CODES, &st)) != ERR_OK)
		goto out;
	while ((rc = db_step(st)) == DB_ROW)
		if ((e = add_row(c, st)) != ERR_OK)
			goto out;
	e = rc == DB_DONE ? ERR_OK : (err_t)-rc;
	if (e == ERR_OK && c->n > 0) /* qsort's base may not be NULL, even for no rows */
		qsort(c->v, c->n, sizeof *c->v, entry_cmp);
out:
	db_finalize(st);
	if (e == ERR_OK)
		*out = c;
	else
		codes_free(c);
	return e;
}

static const struct code_entry *find(const codes *c, const char *list, const char *code)
{
	struct code_entry key = {.list = (char *)list, .code = (char *)code};
	if (!code)
		return NULL;
	return bsearch(&key, c->v, c->n, sizeof *c->v, entry_cmp);
}

int codes_has(const codes *c, const char *list, const char *code)
{
	return find(c, list, code) != NULL;
}

int codes_agency_exists(const codes *c, const char *agency)
{
	return find(c, AGENCY_LIST, agency) != NULL;
}

int codes_is_money(const codes *c, const char *service)
{
	const struct code_entry *e = find(c, "service", service);
	return e && e->money;
}

const char *codes_agency_kind(const codes *c, const char *agency)
{
	const struct code_entry *e = find(c, AGENCY_LIST, agency);
	return e ? e->kind : NULL;
}

const char *codes_label(const codes *c, const char *list, const char *code, const char *lang)
{
	const struct code_entry *e = find(c, list, code);
	if (!e)
		return code;
	return strcmp(lang, "az") == 0 ? e->label_az : e->label_en;
}

const char *codes_agency_name(const codes *c, const char *agency, const char *lang)
{
	return codes_label(c, AGENCY_LIST, agency, lang);
}

err_t codes_each(const codes *c, codes_fn fn, void *ctx)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct code_entry *e = &c->v[i];
		struct codes_item it = {e->list, e->code, e->label_en, e->label_az, e->kind,
					e->money};
		err_t rc = fn(&it, ctx);
		if (rc != ERR_OK)
			return rc;
	}
	return ERR_OK;
}

void codes_allowed(const codes *c, const char *list, char *buf, size_t len)
{
	size_t used = 0;
	if (len == 0)
		return;
	buf[0] = '\0';
	for (size_t i = 0; i < c->n; i++) {
		if (strcmp(c->v[i].list, list) != 0)
			continue;
		size_t need = strlen(c->v[i].code) + (used ? 2 : 0);
		if (used + need + 4 >= len) {
			memcpy(buf + used, "...", 4);
			return;
		}
		if (used) {
			memcpy(buf + used, ", ", 2);
			used += 2;
		}
		memcpy(buf + used, c->v[i].code, strlen(c->v[i].code) + 1);
		used += strlen(c->v[i].code);
	}
}

/* ---- adding ----------------------------------------------------------------- */

static const char SQL_CODE_ADD[] =
	"INSERT INTO codes (list, code, money, label_en, label_az) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_AGENCY_ADD[] =
	"INSERT INTO agencies (code, kind, name_en, name_az) VALUES ($1, $2, $3, $4)";

const char *const codes_extensible[] = {"service", "source", "exploitation", NULL};
/* the kinds policy.c tells apart, and those it treats alike */
const char *const codes_agency_kinds[] = {
	"coordinator", "police", "shelter", "support_fund", "service",        "employment",
	"bar",         "ngo",    "education", "civil_registry", "other", NULL};

/* "FIELD: one of a, b, c" into errbuf. */
static void one_of(char *errbuf, const char *field, const char *const *list)
{
	char words[ERRBUF_MAX / 2];
	wordlist_join(list, words, sizeof words);
	snprintf(errbuf, ERRBUF_MAX, "%s: one of %s", field, words);
}

static int code_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > CODES_CODE_MAX || s[0] < 'a' || s[0] > 'z')
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static err_t check_new(const codes *known, const struct codes_new *n, char *errbuf)
{
	int agency = n->list && strcmp(n->list, AGENCY_LIST) == 0;
	if (!n->list || (!agency && !wordlist_has(codes_extensible, n->list)))
		one_of(errbuf, "list", codes_extensible);
	else if (!n->code || !code_valid(n->code))
		snprintf(errbuf, ERRBUF_MAX, "code: 2 to %d of a-z, 0-9 and _, beginning with a letter",
			 CODES_CODE_MAX);
	else if (!validate_label(n->label_en, CODES_LABEL_MAX))
		snprintf(errbuf, ERRBUF_MAX, "en: 1 to %d printable characters", CODES_LABEL_MAX);
	else if (!validate_label(n->label_az, CODES_LABEL_MAX))
		snprintf(errbuf, ERRBUF_MAX, "az: 1 to %d printable characters", CODES_LABEL_MAX);
	else if (agency && (!n->kind || !wordlist_has(codes_agency_kinds, n->kind)))
		one_of(errbuf, "kind", codes_agency_kinds);
	else if (!agency && n->kind)
		snprintf(errbuf, ERRBUF_MAX, "kind: for agencies only");
	else if (n->money && strcmp(n->list, "service") != 0)
		snprintf(errbuf, ERRBUF_MAX, "money: for services only");
	else if (agency ? codes_agency_exists(known, n->code) : codes_has(known, n->list, n->code)) {
		snprintf(errbuf, ERRBUF_MAX, "code: %s exists already", n->code);
		return ERR_CONFLICT;
	} else
		return ERR_OK;
	return ERR_INVALID;
}

static err_t insert(db *d, const struct codes_new *n)
{
	int agency = strcmp(n->list, AGENCY_LIST) == 0;
	db_stmt *st = NULL;
	err_t e = db_prepare(d, agency ? SQL_AGENCY_ADD : SQL_CODE_ADD, &st);
	if (e == ERR_OK && agency)
		e = db_bind_text(st, 1, n->code) || db_bind_text(st, 2, n->kind) ||
				    db_bind_text(st, 3, n->label_en) || db_bind_text(st, 4, n->label_az)
			    ? ERR_DB
			    : ERR_OK;
	else if (e == ERR_OK)
		e = db_bind_text(st, 1, n->list) || db_bind_text(st, 2, n->code) ||
				    db_bind_int(st, 3, n->money != 0) || db_bind_text(st, 4, n->label_en) ||
				    db_bind_text(st, 5, n->label_az)
			    ? ERR_DB
			    : ERR_OK;
	if (e == ERR_OK) {
		int rc = db_step(st);
		e = db_done(rc);
	}
	db_finalize(st);
	return e;
}

err_t codes_add(db *d, const codes *known, const struct audit_entry *by, const struct codes_new *n,
		char *errbuf)
{
	char detail[CODES_CODE_MAX + 64];
	struct audit_entry a = *by;
	err_t e = check_new(known, n, errbuf);
	if (e != ERR_OK)
		return e;
	snprintf(detail, sizeof detail, "%s %s", n->list, n->code);
	a.action = "code.add";
	a.object_type = "code";
	a.object_ref = n->code;
	a.outcome = "ok";
	a.detail = detail;
	if ((e = db_begin(d)) != ERR_OK)
		return e;
	if ((e = insert(d, n)) == ERR_OK && (e = audit_append(d, &a, NULL)) == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK) {
		db_rollback(d);
		/* added meanwhile through another connection: the key says so */
		snprintf(errbuf, ERRBUF_MAX, "cannot add %s: %s", n->code, db_errmsg(d));
	}
	return e;
}
