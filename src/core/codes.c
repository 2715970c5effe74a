/*
 * codes.c - the code lists and agencies, loaded once into sorted arrays so
 * that validating a million rows costs a binary search per cell, not a query.
 */
#include <stdlib.h>
#include <string.h>

#include "core/codes.h"

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
