/*
 * render_json.c - `haven report --format json`: the figures of json.h plus,
 * for a reader, the narrative in the chosen language and the approval with
 * its restatements.  Keys are sorted so that the same figures give the same
 * bytes.
 */
#include <stdio.h>
#include <string.h>

#include "report/json.h"
#include "util/money.h"

static const char *const lang_code[REPORT_LANGS] = {"en", "az"};

/* Adds `value` (a new reference, may be NULL) to obj; remembers a failure. */
static void put(json_t *obj, const char *key, json_t *value, int *ok)
{
	if (!value || json_object_set_new(obj, key, value) != 0)
		*ok = 0;
}

static void append(json_t *arr, json_t *value, int *ok)
{
	if (!value || json_array_append_new(arr, value) != 0)
		*ok = 0;
}

static json_t *money_string(int64_t minor)
{
	char buf[MONEY_TEXT_MAX];
	money_format(minor, buf);
	return json_string(buf);
}

json_t *report_json_cell(const struct report_cell *c, enum report_unit unit)
{
	if (c->hidden)
		return json_string(REPORT_HIDDEN(unit));
	return unit == REPORT_MONEY ? money_string(c->v) : json_integer((json_int_t)c->v);
}

static json_t *labels(char *const *label)
{
	json_t *o = json_object();
	int ok = o != NULL;
	for (int l = 0; ok && l < REPORT_LANGS; l++)
		put(o, lang_code[l], json_string(label[l] ? label[l] : ""), &ok);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static const char *unit_name(const struct report_indicator *x)
{
	return x->unit == REPORT_MONEY ? x->currency : "persons";
}

static json_t *indicator(const struct report_indicator *x)
{
	json_t *o = json_object();
	int ok = o != NULL;
	if (!ok)
		return NULL;
	put(o, "value", report_json_cell(&x->value, x->unit), &ok);
	put(o, "previous", report_json_cell(&x->previous, x->unit), &ok);
	put(o, "unit", json_string(unit_name(x)), &ok);
	put(o, "label", labels(x->label), &ok);
	if (x->unit == REPORT_MONEY && x->per_person_min >= 0) {
		put(o, "per_person_min", money_string(x->per_person_min), &ok);
		put(o, "per_person_max", money_string(x->per_person_max), &ok);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *breakdown(const struct report_breakdown *b)
{
	json_t *o = json_object(), *rows = json_array();
	int ok = o && rows;
	for (size_t i = 0; ok && i < b->n; i++) {
		json_t *row = json_object();
		ok = row != NULL;
		put(row, "category", json_string(b->rows[i].category), &ok);
		put(row, "label", labels(b->rows[i].label), &ok);
		put(row, "value", report_json_cell(&b->rows[i].value, REPORT_PERSONS), &ok);
		put(row, "previous", report_json_cell(&b->rows[i].previous, REPORT_PERSONS), &ok);
		append(rows, row, &ok);
	}
	if (o) {
		put(o, "indicator", json_string(b->indicator), &ok);
		put(o, "dimension", json_string(b->dimension), &ok);
		put(o, "label", labels(b->label), &ok);
		put(o, "additive", json_boolean(b->additive), &ok);
		put(o, "rows", rows, &ok);
		rows = NULL;
	}
	json_decref(rows);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *trend(const struct report *r)
{
	json_t *o = json_object(), *years = json_array(), *rows = json_object();
	int ok = o && years && rows;
	for (int k = 0; ok && k < REPORT_TREND_YEARS; k++)
		append(years, json_integer(r->trend_first_year + k), &ok);
	for (size_t i = 0; ok && i < r->n_trend; i++) {
		const struct report_indicator *x = &r->indicators[r->trend[i].indicator];
		json_t *cells = json_array();
		ok = cells != NULL;
		for (int k = 0; ok && k < REPORT_TREND_YEARS; k++)
			append(cells, report_json_cell(&r->trend[i].cells[k], x->unit), &ok);
		put(rows, x->id, cells, &ok);
	}
	if (o) {
		put(o, "years", years, &ok);
		put(o, "indicators", rows, &ok);
	} else {
		json_decref(years);
		json_decref(rows);
	}
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

json_t *report_json_figures(const struct report *r)
{
	json_t *o = json_object(), *ind = json_object(), *order = json_array(), *bd = json_array();
	int ok = o && ind && order && bd;
	for (size_t i = 0; ok && i < r->n_indicators; i++) {
		put(ind, r->indicators[i].id, indicator(&r->indicators[i]), &ok);
		append(order, json_string(r->indicators[i].id), &ok);
	}
	for (size_t i = 0; ok && i < r->n_breakdowns; i++)
		append(bd, breakdown(&r->breakdowns[i]), &ok);
	if (!o) {
		json_decref(ind);
		json_decref(order);
		json_decref(bd);
		return NULL;
	}
	put(o, "report", json_string(r->report_id), &ok);
	put(o, "year", json_integer(r->year), &ok);
	put(o, "previous_year", json_integer(r->previous_year), &ok);
	put(o, "definitions_version", json_string(r->definitions_version), &ok);
	put(o, "title", labels(r->title), &ok);
	put(o, "public", json_boolean(r->is_public), &ok);
	put(o, "indicators", ind, &ok);
	put(o, "indicator_order", order, &ok);
	put(o, "breakdowns", bd, &ok);
	put(o, "trend", trend(r), &ok);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *approval(const struct report *r)
{
	const struct report_frozen *f = r->frozen;
	json_t *o = json_object(), *list = json_array();
	int ok = o && list;
	for (size_t i = 0; ok && i < f->n_restated; i++) {
		const struct report_restatement *s = &f->restated[i];
		json_t *row = json_object();
		ok = row != NULL;
		put(row, "indicator", json_string(s->indicator), &ok);
		put(row, "year", json_integer(s->year), &ok);
		put(row, "approved", report_json_cell(&s->approved, s->unit), &ok);
		put(row, "now", report_json_cell(&s->now, s->unit), &ok);
		append(list, row, &ok);
	}
	if (o) {
		put(o, "frozen_at", json_integer((json_int_t)f->frozen_at), &ok);
		put(o, "definitions_version", json_string(f->definitions_version), &ok);
		put(o, "hash", json_string(f->hash), &ok);
		put(o, "restatements", list, &ok);
		list = NULL;
	}
	json_decref(list);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

static json_t *narrative(const struct report *r, enum report_lang lang, char *errbuf, err_t *e)
{
	char **paras = NULL;
	size_t n = 0;
	json_t *arr;
	int ok = 1;
	if ((*e = report_narrative(r, lang, &paras, &n, errbuf)) != ERR_OK)
		return NULL;
	arr = json_array();
	ok = arr != NULL;
	for (size_t i = 0; ok && i < n; i++)
		append(arr, json_string(paras[i]), &ok);
	report_paragraphs_free(paras, n);
	if (!ok) {
		json_decref(arr);
		*e = ERR_NOMEM;
	}
	return ok ? arr : NULL;
}

err_t report_render_json(const struct report *r, enum report_lang lang, FILE *out,
			 const char *path, char *errbuf)
{
	json_t *o = report_json_figures(r), *text = NULL;
	err_t e = ERR_OK;
	int ok = o != NULL;
	(void)path;
	if (ok && !(text = narrative(r, lang, errbuf, &e)))
		ok = 0;
	if (ok) {
		put(o, "lang", json_string(lang_code[lang]), &ok);
		put(o, "narrative", text, &ok);
		if (r->frozen)
			put(o, "approved", approval(r), &ok);
	}
	if (ok && (json_dumpf(o, out, JSON_INDENT(2) | JSON_SORT_KEYS) != 0 || fputc('\n', out) == EOF)) {
		snprintf(errbuf, ERRBUF_MAX, "cannot write the report");
		e = ERR_IO;
	} else if (!ok && e == ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		e = ERR_NOMEM;
	}
	json_decref(o);
	return e;
}
