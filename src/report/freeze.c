/*
 * freeze.c - approving a report (`haven report freeze`), reading an approved
 * report back, and the restatements: which approved figures the records now
 * contradict, and by how much.
 *
 * An approval stores the figures as canonical JSON (json.h, keys sorted,
 * compact), the definitions' version and digest, the time, and a BLAKE2b-256
 * hash over all of them, each field length-prefixed so that no two approvals
 * hash the same bytes.  The hash is unkeyed on purpose: it can be published
 * with the report and checked by anyone holding the figures.  It guards
 * against accidental or naive alteration; the table's triggers refuse UPDATE
 * and DELETE (migration 003).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "report/definition.h"
#include "report/json.h"
#include "report/queries.h"
#include "util/date.h"
#include "util/money.h"

#define FREEZE_DOMAIN "haven report freeze, version 1"
#define HASH_BYTES 32
#define FIGURES_MAX (16u << 20) /* stored figures larger than 16 MiB are refused */

/* ---- the hash ------------------------------------------------------------------ */

static void feed(crypto_generichash_state *s, const void *data, size_t len)
{
	unsigned char n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	crypto_generichash_update(s, n, sizeof n);
	crypto_generichash_update(s, data, len);
}

static void feed_int(crypto_generichash_state *s, int64_t v)
{
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)v);
	feed(s, text, strlen(text));
}

static void freeze_hash(const char *report_id, int year, const char *version,
			const unsigned char *def_digest, size_t def_len, int64_t frozen_at,
			const char *figures, unsigned char out[HASH_BYTES])
{
	crypto_generichash_state s;
	crypto_generichash_init(&s, NULL, 0, HASH_BYTES);
	feed(&s, FREEZE_DOMAIN, strlen(FREEZE_DOMAIN));
	feed(&s, report_id, strlen(report_id));
	feed_int(&s, year);
	feed(&s, version, strlen(version));
	feed(&s, def_digest, def_len);
	feed_int(&s, frozen_at);
	feed(&s, figures, strlen(figures));
	crypto_generichash_final(&s, out, HASH_BYTES);
}

static err_t set_frozen(struct report *r, int64_t at, const char *version,
			const unsigned char *hash)
{
	struct report_frozen *f = calloc(1, sizeof *f);
	if (!f || !(f->definitions_version = strdup(version))) {
		free(f);
		return ERR_NOMEM;
	}
	f->frozen_at = at;
	sodium_bin2hex(f->hash, sizeof f->hash, hash, HASH_BYTES);
	r->frozen = f;
	return ERR_OK;
}

/* ---- freezing ------------------------------------------------------------------- */

static err_t insert(db *d, const struct report *r, int64_t at, const char *figures,
		    const unsigned char *hash)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, RQ_FREEZE_INSERT, &st);
	int rc;
	if (e == ERR_OK && (e = db_bind_text(st, 1, r->report_id)) == ERR_OK &&
	    (e = db_bind_int(st, 2, r->year)) == ERR_OK &&
	    (e = db_bind_text(st, 3, r->def->version)) == ERR_OK &&
	    (e = db_bind_blob(st, 4, r->def->digest, DEF_DIGEST_BYTES)) == ERR_OK &&
	    (e = db_bind_int(st, 5, at)) == ERR_OK && (e = db_bind_text(st, 6, figures)) == ERR_OK &&
	    (e = db_bind_blob(st, 7, hash, HASH_BYTES)) == ERR_OK) {
		rc = db_step(st);
		if (rc != DB_DONE)
			e = db_step_error(rc);
	}
	db_finalize(st);
	return e;
}

/* The approval of r as one INSERT, inside the caller's transaction when
 * `own_txn` is 0, else in a transaction of its own. */
static err_t freeze(db *d, struct report *r, int own_txn, char *errbuf)
{
	unsigned char hash[HASH_BYTES];
	json_t *j;
	char *figures = NULL;
	int64_t at = (int64_t)time(NULL);
	err_t e;
	if (r->is_public || r->frozen || !r->def) {
		snprintf(errbuf, ERRBUF_MAX, "only live, exact figures can be approved");
		return ERR_INVALID;
	}
	j = report_json_figures(r);
	figures = j ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(j);
	if (!figures) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	freeze_hash(r->report_id, r->year, r->def->version, r->def->digest, DEF_DIGEST_BYTES, at,
		    figures, hash);
	if (!own_txn) {
		e = insert(d, r, at, figures, hash);
	} else if ((e = db_begin(d)) == ERR_OK) {
		e = insert(d, r, at, figures, hash);
		if (e == ERR_OK)
			e = db_commit(d);
		if (e != ERR_OK)
			db_rollback(d);
	}
	free(figures);
	if (e == ERR_CONFLICT)
		snprintf(errbuf, ERRBUF_MAX, "the %s report of %d is approved already: an approved "
			 "report is never changed ('haven report --year %d' shows it with any "
			 "restatements)", r->report_id, r->year, r->year);
	else if (e != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "cannot store the approval: %s", db_errmsg(d));
	else if ((e = set_frozen(r, at, r->def->version, hash)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
	return e;
}

err_t report_freeze(db *d, struct report *r, char *errbuf)
{
	return freeze(d, r, 1, errbuf);
}

err_t report_freeze_in(db *d, struct report *r, char *errbuf)
{
	return freeze(d, r, 0, errbuf);
}

/* ---- reading the figures back ---------------------------------------------------- */

static err_t dup_str(const json_t *o, const char *key, char **out)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		return ERR_INVALID;
	return (*out = strdup(s)) ? ERR_OK : ERR_NOMEM;
}

static err_t get_labels(const json_t *o, char **out)
{
	static const char *const code[REPORT_LANGS] = {"en", "az"};
	const json_t *l = json_object_get(o, "label");
	err_t e = ERR_OK;
	if (!l)
		l = json_object_get(o, "title");
	for (int i = 0; i < REPORT_LANGS && e == ERR_OK; i++)
		e = dup_str(l, code[i], &out[i]);
	return e;
}

static err_t get_cell(const json_t *v, enum report_unit unit, struct report_cell *c)
{
	c->hidden = 0;
	if (unit == REPORT_PERSONS && json_is_integer(v)) {
		c->v = (int64_t)json_integer_value(v);
		return ERR_OK;
	}
	if (unit == REPORT_MONEY && json_is_string(v))
		return money_parse(json_string_value(v), &c->v) == ERR_OK ? ERR_OK : ERR_INVALID;
	return ERR_INVALID;
}

static err_t get_money(const json_t *o, const char *key, int64_t *out)
{
	const json_t *v = json_object_get(o, key);
	struct report_cell c;
	if (!v) {
		*out = -1;
		return ERR_OK;
	}
	if (get_cell(v, REPORT_MONEY, &c) != ERR_OK)
		return ERR_INVALID;
	*out = c.v;
	return ERR_OK;
}

static err_t read_indicator(const json_t *o, const char *id, struct report_indicator *x)
{
	const char *unit = json_string_value(json_object_get(o, "unit"));
	err_t e;
	if (!o || !unit)
		return ERR_INVALID;
	if (!(x->id = strdup(id)))
		return ERR_NOMEM;
	x->unit = strcmp(unit, "persons") == 0 ? REPORT_PERSONS : REPORT_MONEY;
	if (x->unit == REPORT_MONEY && !(x->currency = strdup(unit)))
		return ERR_NOMEM;
	if ((e = get_labels(o, x->label)) != ERR_OK ||
	    (e = get_cell(json_object_get(o, "value"), x->unit, &x->value)) != ERR_OK ||
	    (e = get_cell(json_object_get(o, "previous"), x->unit, &x->previous)) != ERR_OK ||
	    (e = get_money(o, "per_person_min", &x->per_person_min)) != ERR_OK)
		return e;
	return get_money(o, "per_person_max", &x->per_person_max);
}

static err_t read_indicators(const json_t *j, struct report *r)
{
	const json_t *order = json_object_get(j, "indicator_order"),
		     *all = json_object_get(j, "indicators");
	size_t n = json_array_size(order);
	err_t e = ERR_OK;
	if (!json_is_array(order) || !json_is_object(all))
		return ERR_INVALID;
	if (!(r->indicators = calloc(n ? n : 1, sizeof *r->indicators)))
		return ERR_NOMEM;
	for (size_t i = 0; i < n && e == ERR_OK; i++) {
		const char *id = json_string_value(json_array_get(order, i));
		r->n_indicators = i + 1;
		e = id ? read_indicator(json_object_get(all, id), id, &r->indicators[i]) : ERR_INVALID;
	}
	return e;
}

static err_t read_rows(const json_t *rows, struct report_breakdown *b)
{
	size_t n = json_array_size(rows);
	err_t e = ERR_OK;
	if (!json_is_array(rows))
		return ERR_INVALID;
	if (!(b->rows = calloc(n ? n : 1, sizeof *b->rows)))
		return ERR_NOMEM;
	for (size_t i = 0; i < n && e == ERR_OK; i++) {
		const json_t *o = json_array_get(rows, i);
		struct report_breakdown_row *w = &b->rows[i];
		b->n = i + 1;
		if ((e = dup_str(o, "category", &w->category)) == ERR_OK &&
		    (e = get_labels(o, w->label)) == ERR_OK &&
		    (e = get_cell(json_object_get(o, "value"), REPORT_PERSONS, &w->value)) == ERR_OK)
			e = get_cell(json_object_get(o, "previous"), REPORT_PERSONS, &w->previous);
	}
	return e;
}

static err_t read_breakdowns(const json_t *j, struct report *r)
{
	const json_t *all = json_object_get(j, "breakdowns");
	size_t n = json_array_size(all);
	err_t e = ERR_OK;
	if (!json_is_array(all))
		return ERR_INVALID;
	if (!(r->breakdowns = calloc(n ? n : 1, sizeof *r->breakdowns)))
		return ERR_NOMEM;
	for (size_t i = 0; i < n && e == ERR_OK; i++) {
		const json_t *o = json_array_get(all, i);
		struct report_breakdown *b = &r->breakdowns[i];
		r->n_breakdowns = i + 1;
		b->additive = json_is_true(json_object_get(o, "additive"));
		if ((e = dup_str(o, "indicator", &b->indicator)) == ERR_OK &&
		    (e = dup_str(o, "dimension", &b->dimension)) == ERR_OK &&
		    (e = get_labels(o, b->label)) == ERR_OK)
			e = read_rows(json_object_get(o, "rows"), b);
	}
	return e;
}

/* Trend rows follow the indicators' order. */
static err_t read_trend(const json_t *j, struct report *r)
{
	const json_t *rows = json_object_get(json_object_get(j, "trend"), "indicators");
	if (!json_is_object(rows))
		return ERR_INVALID;
	if (!(r->trend = calloc(r->n_indicators ? r->n_indicators : 1, sizeof *r->trend)))
		return ERR_NOMEM;
	for (size_t i = 0; i < r->n_indicators; i++) {
		const json_t *cells = json_object_get(rows, r->indicators[i].id);
		struct report_trend_row *t = &r->trend[r->n_trend];
		if (!cells)
			continue;
		if (json_array_size(cells) != REPORT_TREND_YEARS)
			return ERR_INVALID;
		t->indicator = i;
		for (int k = 0; k < REPORT_TREND_YEARS; k++)
			if (get_cell(json_array_get(cells, (size_t)k), r->indicators[i].unit,
				     &t->cells[k]) != ERR_OK)
				return ERR_INVALID;
		r->n_trend++;
	}
	return ERR_OK;
}

static err_t from_json(const char *text, const struct report_def *def, struct report **out)
{
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	struct report *r = calloc(1, sizeof *r);
	err_t e = j && r ? ERR_OK : (r ? ERR_INVALID : ERR_NOMEM);
	if (e == ERR_OK) {
		r->def = def;
		r->year = (int)json_integer_value(json_object_get(j, "year"));
		r->previous_year = (int)json_integer_value(json_object_get(j, "previous_year"));
		r->trend_first_year = r->year - REPORT_TREND_YEARS + 1;
		if ((e = dup_str(j, "report", &r->report_id)) == ERR_OK &&
		    (e = dup_str(j, "definitions_version", &r->definitions_version)) == ERR_OK &&
		    (e = get_labels(j, r->title)) == ERR_OK &&
		    (e = read_indicators(j, r)) == ERR_OK && (e = read_breakdowns(j, r)) == ERR_OK)
			e = read_trend(j, r);
	}
	json_decref(j);
	if (e != ERR_OK) {
		report_free(r);
		return e;
	}
	*out = r;
	return ERR_OK;
}

/* ---- loading ---------------------------------------------------------------------- */

struct stored {
	char *version, *figures;
	unsigned char def_digest[DEF_DIGEST_BYTES];
	size_t def_len;
	unsigned char hash[HASH_BYTES];
	size_t hash_len;
	int64_t at;
};

static err_t copy_text(db_stmt *st, int col, char **out)
{
	const char *s = db_col_text(st, col);
	size_t n = s ? strlen(s) : 0;
	if (!s || n > FIGURES_MAX)
		return ERR_INVALID;
	return (*out = strdup(s)) ? ERR_OK : ERR_NOMEM;
}

static err_t fetch(db *d, const char *report_id, int year, struct stored *s)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(d, RQ_FREEZE_GET, &st);
	int rc;
	if (e == ERR_OK && (e = db_bind_text(st, 1, report_id)) == ERR_OK &&
	    (e = db_bind_int(st, 2, year)) == ERR_OK) {
		rc = db_step(st);
		if (rc == DB_ROW) {
			size_t dl, hl;
			const void *dg = db_col_blob(st, 1, &dl), *h = db_col_blob(st, 4, &hl);
			s->at = db_col_int(st, 2);
			s->def_len = dl <= sizeof s->def_digest ? dl : sizeof s->def_digest;
			s->hash_len = hl <= sizeof s->hash ? hl : 0;
			if (dg)
				memcpy(s->def_digest, dg, s->def_len);
			if (h && s->hash_len)
				memcpy(s->hash, h, s->hash_len);
			if ((e = copy_text(st, 0, &s->version)) == ERR_OK)
				e = copy_text(st, 3, &s->figures);
		} else {
			e = rc == DB_DONE ? ERR_NOT_FOUND : db_step_error(rc);
		}
	}
	db_finalize(st);
	return e;
}

err_t report_freeze_load(db *d, const struct report_def *def, int year, struct report **out,
			 char *errbuf)
{
	struct stored s = {0};
	unsigned char hash[HASH_BYTES];
	struct report *r = NULL;
	err_t e = fetch(d, def->report_id, year, &s);
	if (e == ERR_NOT_FOUND)
		goto out;
	if (e != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "cannot read the approved report of %d: %s", year,
			 e == ERR_DB ? db_errmsg(d) : err_str(e));
		goto out;
	}
	freeze_hash(def->report_id, year, s.version, s.def_digest, s.def_len, s.at, s.figures, hash);
	if (s.hash_len != HASH_BYTES || sodium_memcmp(hash, s.hash, HASH_BYTES) != 0) {
		snprintf(errbuf, ERRBUF_MAX, "the approved report of %d fails its hash check: the "
			 "stored figures were altered after approval", year);
		e = ERR_CRYPTO;
		goto out;
	}
	if ((e = from_json(s.figures, def, &r)) != ERR_OK || r->year != year) {
		snprintf(errbuf, ERRBUF_MAX, "the approved figures of %d cannot be read", year);
		e = e == ERR_OK ? ERR_INVALID : e;
		goto out;
	}
	if ((e = set_frozen(r, s.at, s.version, s.hash)) != ERR_OK)
		goto out;
	*out = r;
	r = NULL;
out:
	report_free(r);
	free(s.version);
	free(s.figures);
	return e;
}

/* ---- restatements ------------------------------------------------------------------ */

static err_t add_restated(struct report_frozen *f, const struct report_indicator *x, int year,
			  int64_t approved, int64_t now)
{
	struct report_restatement *s;
	void *p = realloc(f->restated, (f->n_restated + 1) * sizeof *f->restated);
	if (!p)
		return ERR_NOMEM;
	f->restated = p;
	s = &f->restated[f->n_restated];
	*s = (struct report_restatement){.year = year, .unit = x->unit};
	s->approved.v = approved;
	s->now.v = now;
	if (!(s->indicator = strdup(x->id)))
		return ERR_NOMEM;
	f->n_restated++;
	return ERR_OK;
}

err_t report_restate(struct report *frozen, const struct report *live)
{
	struct report_frozen *f = frozen->frozen;
	err_t e = ERR_OK;
	if (!f)
		return ERR_INVALID;
	for (size_t i = 0; i < frozen->n_indicators && e == ERR_OK; i++) {
		const struct report_indicator *a = &frozen->indicators[i];
		const struct report_indicator *b = report_find(live, a->id);
		if (!b || b->unit != a->unit)
			continue;
		if (b->value.v != a->value.v)
			e = add_restated(f, a, frozen->year, a->value.v, b->value.v);
		if (e == ERR_OK && b->previous.v != a->previous.v)
			e = add_restated(f, a, frozen->previous_year, a->previous.v, b->previous.v);
	}
	return e;
}

err_t report_for_year(db *d, const struct report_def *def, int year, int live,
		      struct report **out, char *errbuf)
{
	struct report *now = NULL, *approved = NULL;
	err_t e = report_compute(d, def, year, &now, errbuf);
	if (e != ERR_OK || live) {
		if (e == ERR_OK)
			*out = now;
		return e;
	}
	e = report_freeze_load(d, def, year, &approved, errbuf);
	if (e == ERR_NOT_FOUND) {
		*out = now;
		return ERR_OK;
	}
	if (e == ERR_OK && (e = report_restate(approved, now)) != ERR_OK)
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
	report_free(now);
	if (e != ERR_OK) {
		report_free(approved);
		return e;
	}
	*out = approved;
	return ERR_OK;
}
