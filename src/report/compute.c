/*
 * compute.c - the report engine: runs the plan of plan.c (every statement,
 * with its bound values) on the database and turns the answers into a struct
 * report; and owns struct report's memory.
 *
 * Each indicator is one statement run once: both years (five for a main
 * indicator's trend) counted in the same pass, no record ever loaded into
 * memory.  Statements are prepared once per SQL text and reset between uses.
 * Codes the definition names are checked against the database first, so a
 * misspelt service is an error, not a silent zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/queries.h"
#include "util/date.h"

#define CACHE_MAX 32        /* distinct SQL texts of one report */
#define CODE_LABELS_MAX 1024

/* A label of a code list, read once from the database. */
struct code_label {
	const char *list; /* static: one of RQ_DIMENSIONS[].codes */
	char *code;
	char *label[REPORT_LANGS];
};

struct engine {
	db *d;
	const struct report_def *def;
	struct report *r;
	struct {
		const char *sql;
		db_stmt *st;
	} cache[CACHE_MAX];
	size_t n_cache;
	struct code_label *labels;
	size_t n_labels;
	char *errbuf;
};

/* ---- memory ------------------------------------------------------------------------- */

static err_t dup_into(char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return ERR_OK;
	*dst = strdup(src);
	return *dst ? ERR_OK : ERR_NOMEM;
}

static err_t dup_labels(char **dst, char *const *src)
{
	err_t e = ERR_OK;
	for (int l = 0; l < REPORT_LANGS && e == ERR_OK; l++)
		e = dup_into(&dst[l], src[l]);
	return e;
}

static void free_labels(char **labels)
{
	for (int l = 0; l < REPORT_LANGS; l++)
		free(labels[l]);
}

static void free_breakdown(struct report_breakdown *b)
{
	free(b->indicator);
	free(b->dimension);
	free_labels(b->label);
	for (size_t i = 0; i < b->n; i++) {
		free(b->rows[i].category);
		free_labels(b->rows[i].label);
	}
	free(b->rows);
}

void report_free(struct report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_indicators; i++) {
		free(r->indicators[i].id);
		free(r->indicators[i].currency);
		free_labels(r->indicators[i].label);
	}
	for (size_t i = 0; i < r->n_breakdowns; i++)
		free_breakdown(&r->breakdowns[i]);
	if (r->frozen) {
		for (size_t i = 0; i < r->frozen->n_restated; i++)
			free(r->frozen->restated[i].indicator);
		free(r->frozen->restated);
		free(r->frozen->definitions_version);
		free(r->frozen);
	}
	free(r->indicators);
	free(r->breakdowns);
	free(r->trend);
	free(r->report_id);
	free(r->definitions_version);
	free_labels(r->title);
	free(r);
}

const struct report_indicator *report_find(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->n_indicators; i++)
		if (strcmp(r->indicators[i].id, id) == 0)
			return &r->indicators[i];
	return NULL;
}

/* ---- running one statement ------------------------------------------------------------- */

/* The statement for q's SQL, prepared on first use, reset and bound. */
static err_t prepared(struct engine *g, const struct rq_query *q, db_stmt **out)
{
	db_stmt *st = NULL;
	err_t e = ERR_OK;
	for (size_t i = 0; i < g->n_cache && !st; i++)
		if (g->cache[i].sql == q->sql)
			st = g->cache[i].st;
	if (!st) {
		if (g->n_cache == CACHE_MAX)
			return ERR_LIMIT;
		if ((e = db_prepare(g->d, q->sql, &st)) != ERR_OK)
			return e;
		g->cache[g->n_cache].sql = q->sql;
		g->cache[g->n_cache++].st = st;
	}
	if ((e = db_reset(st)) != ERR_OK)
		return e;
	for (int k = 0; k < q->n && e == ERR_OK; k++) {
		const struct rq_param *p = &q->param[k];
		e = p->kind == RQ_INT    ? db_bind_int(st, k + 1, p->i)
		    : p->kind == RQ_TEXT ? db_bind_text(st, k + 1, p->s)
					 : db_bind_null(st, k + 1);
	}
	if (e == ERR_OK)
		*out = st;
	return e;
}

/* db_step's answer as an error code: ERR_OK for a row or the end. */
static err_t step_err(int rc)
{
	return rc == DB_ROW ? ERR_OK : db_done(rc);
}

/* ---- what each statement is for ----------------------------------------------------- */

static err_t run_check(struct engine *g, const struct rq_query *q)
{
	const struct def_indicator *x = &g->def->ind[q->indicator];
	db_stmt *st;
	int rc;
	err_t e = prepared(g, q, &st);
	if (e != ERR_OK || (e = step_err(rc = db_step(st))) != ERR_OK)
		return e;
	if (rc == DB_ROW)
		return db_reset(st);
	snprintf(g->errbuf, ERRBUF_MAX, "%s: [indicator %s]: %s '%s' is not a code of this database",
		 g->def->source, x->id, q->what, q->param[q->n - 1].s);
	return ERR_INVALID;
}

static err_t run_labels(struct engine *g, const struct rq_query *q)
{
	db_stmt *st;
	int rc = 0;
	err_t e = prepared(g, q, &st);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		struct code_label *c = &g->labels[g->n_labels];
		if (g->n_labels == CODE_LABELS_MAX)
			return ERR_LIMIT;
		c->list = q->list;
		g->n_labels++;
		if ((e = dup_into(&c->code, db_col_text(st, 0))) == ERR_OK &&
		    (e = dup_into(&c->label[REPORT_EN], db_col_text(st, 1))) == ERR_OK)
			e = dup_into(&c->label[REPORT_AZ], db_col_text(st, 2));
	}
	return e == ERR_OK ? step_err(rc) : e;
}

/* Columns: one figure per window, then for money the least and greatest total
 * of one recipient in Y (NULL when nobody: -1). */
static err_t run_indicator(struct engine *g, const struct rq_query *q)
{
	const struct def_indicator *x = &g->def->ind[q->indicator];
	struct report_indicator *out = &g->r->indicators[q->indicator];
	const int last = REPORT_TREND_YEARS - 1;
	db_stmt *st;
	int rc;
	err_t e = prepared(g, q, &st);
	if (e != ERR_OK || (e = step_err(rc = db_step(st))) != ERR_OK)
		return e;
	if (rc != DB_ROW)
		return ERR_DB;
	out->value.v = db_col_int(st, last);
	out->previous.v = db_col_int(st, last - 1);
	out->per_person_min = out->per_person_max = -1;
	if (x->measure == DEF_M_SUM && !db_col_is_null(st, last + 1)) {
		out->per_person_min = db_col_int(st, last + 1);
		out->per_person_max = db_col_int(st, last + 2);
	}
	if (x->trend) {
		struct report_trend_row *t = &g->r->trend[g->r->n_trend++];
		t->indicator = q->indicator;
		for (int c = 0; c <= last; c++)
			t->cells[c].v = db_col_int(st, c);
	}
	return db_reset(st);
}

/* The label of one category in `lang`: the code list's label, the
 * definition's "country.X" or "cat.X", else the code itself.  Borrowed. */
static const char *category_label(struct engine *g, enum rq_dimension dim, const char *code,
				  enum report_lang lang)
{
	const char *list = RQ_DIMENSIONS[dim].codes, *v;
	int country = dim == RQ_DIM_CITIZENSHIP || dim == RQ_DIM_COUNTRY_OF_EXPLOITATION;
	char key[REPORT_ID_MAX + 16];
	for (size_t i = 0; list && i < g->n_labels; i++)
		if (strcmp(g->labels[i].list, list) == 0 && strcmp(g->labels[i].code, code) == 0 &&
		    g->labels[i].label[lang] && g->labels[i].label[lang][0])
			return g->labels[i].label[lang];
	snprintf(key, sizeof key, "%s.%s", country ? "country" : "cat", code);
	if ((v = report_def_label(g->def, lang, key)) != NULL)
		return v;
	snprintf(key, sizeof key, "cat.%s", code);
	v = report_def_label(g->def, lang, key);
	return v ? v : code;
}

/* The row of `code` in b, added (with its labels) when new. */
static err_t row_of(struct engine *g, struct report_breakdown *b, enum rq_dimension dim,
		    const char *code, struct report_breakdown_row **out)
{
	struct report_breakdown_row *row;
	err_t e;
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->rows[i].category, code) == 0) {
			*out = &b->rows[i];
			return ERR_OK;
		}
	if (b->n == 0 || (b->n >= 8 && (b->n & (b->n - 1)) == 0)) { /* full: double */
		void *p = realloc(b->rows, (b->n ? 2 * b->n : 8) * sizeof *b->rows);
		if (!p)
			return ERR_NOMEM;
		b->rows = p;
	}
	row = &b->rows[b->n++];
	*row = (struct report_breakdown_row){0};
	e = dup_into(&row->category, code);
	for (int l = 0; l < REPORT_LANGS && e == ERR_OK; l++)
		e = dup_into(&row->label[l], category_label(g, dim, code, (enum report_lang)l));
	*out = row;
	return e;
}

static err_t add_counts(struct engine *g, struct report_breakdown *b, enum rq_dimension dim,
			const char *code, int64_t value, int64_t previous)
{
	struct report_breakdown_row *row;
	err_t e = row_of(g, b, dim, code ? code : "unknown", &row);
	if (e == ERR_OK) {
		row->value.v += value;
		row->previous.v += previous;
	}
	return e;
}

/* Adds one row of RQ_CUBE (groups of persons) or RQ_FORMS into every
 * breakdown of the indicator that the statement answers. */
static err_t add_groups(struct engine *g, const struct rq_query *q, db_stmt *st)
{
	const char *id = g->def->ind[q->indicator].id;
	int counts = q->purpose == RQ_CUBE_OF ? RQ_CUBE_DIMS : 1;
	err_t e = ERR_OK;
	for (size_t i = 0; i < g->r->n_breakdowns && e == ERR_OK; i++) {
		struct report_breakdown *b = &g->r->breakdowns[i];
		int dim = rq_dimension_find(b->dimension), col;
		if (strcmp(b->indicator, id) != 0 || dim < 0)
			continue;
		col = RQ_DIMENSIONS[dim].cube_column;
		if ((q->purpose == RQ_CUBE_OF) != (col >= 0))
			continue;
		e = add_counts(g, b, (enum rq_dimension)dim, db_col_text(st, col >= 0 ? col : 0),
			       db_col_int(st, counts), db_col_int(st, counts + 1));
	}
	return e;
}

static err_t run_groups(struct engine *g, const struct rq_query *q)
{
	db_stmt *st;
	int rc = 0;
	err_t e = prepared(g, q, &st);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		e = add_groups(g, q, st);
	return e == ERR_OK ? step_err(rc) : e;
}

/* Largest first, then by the previous year, then by code. */
static int by_size(const void *a, const void *b)
{
	const struct report_breakdown_row *x = a, *y = b;
	if (x->value.v != y->value.v)
		return x->value.v > y->value.v ? -1 : 1;
	if (x->previous.v != y->previous.v)
		return x->previous.v > y->previous.v ? -1 : 1;
	return strcmp(x->category, y->category);
}

static err_t visit(const struct rq_query *q, void *ctx)
{
	struct engine *g = ctx;
	const char *what = q->purpose == RQ_LABELS ? "code labels" : g->def->ind[q->indicator].id;
	err_t e;
	switch (q->purpose) {
	case RQ_CHECK_CODE:
	case RQ_CHECK_AGENCY: e = run_check(g, q); break;
	case RQ_LABELS: e = run_labels(g, q); break;
	case RQ_INDICATOR: e = run_indicator(g, q); break;
	case RQ_CUBE_OF:
	case RQ_FORMS_OF:
	default: e = run_groups(g, q); break;
	}
	if (e != ERR_OK && e != ERR_INVALID)
		snprintf(g->errbuf, ERRBUF_MAX, "%s: %s", what,
			 e == ERR_DB ? db_errmsg(g->d) : err_str(e));
	return e;
}

/* ---- the whole report ------------------------------------------------------------------ */

/* An empty breakdown of indicator x by `dimension`, labelled. */
static err_t new_breakdown(struct report *r, const struct def_indicator *x, const char *dimension)
{
	struct report_breakdown *b = &r->breakdowns[r->n_breakdowns++];
	int dim = rq_dimension_find(dimension);
	char key[48];
	err_t e;
	if (dim < 0)
		return ERR_INVALID; /* definition.c refuses unknown dimensions */
	b->additive = RQ_DIMENSIONS[dim].additive;
	snprintf(key, sizeof key, "dim.%s", dimension);
	if ((e = dup_into(&b->indicator, x->id)) != ERR_OK ||
	    (e = dup_into(&b->dimension, dimension)) != ERR_OK)
		return e;
	for (int l = 0; l < REPORT_LANGS && e == ERR_OK; l++) {
		const char *v = report_def_label(r->def, (enum report_lang)l, key);
		e = dup_into(&b->label[l], v ? v : dimension);
	}
	return e;
}

/* A report with every indicator named and labelled, and every breakdown,
 * no figure yet. */
static err_t new_report(const struct report_def *def, int year, struct report **out)
{
	struct report *r = calloc(1, sizeof *r);
	size_t n_bd = 0, n = def->n_ind ? def->n_ind : 1;
	err_t e;
	if (!r)
		return ERR_NOMEM;
	for (size_t i = 0; i < def->n_ind; i++)
		n_bd += def->ind[i].n_breakdown;
	r->def = def;
	r->year = year;
	r->previous_year = year - 1;
	r->trend_first_year = year - REPORT_TREND_YEARS + 1;
	r->indicators = calloc(n, sizeof *r->indicators);
	r->breakdowns = calloc(n_bd ? n_bd : 1, sizeof *r->breakdowns);
	r->trend = calloc(n, sizeof *r->trend);
	e = r->indicators && r->breakdowns && r->trend ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK && (e = dup_into(&r->report_id, def->report_id)) == ERR_OK &&
	    (e = dup_into(&r->definitions_version, def->version)) == ERR_OK)
		e = dup_labels(r->title, def->title);
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++)
		for (size_t k = 0; k < def->ind[i].n_breakdown && e == ERR_OK; k++)
			e = new_breakdown(r, &def->ind[i], def->ind[i].breakdown[k]);
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++) {
		struct report_indicator *x = &r->indicators[i];
		r->n_indicators = i + 1;
		x->unit = def->ind[i].measure == DEF_M_SUM ? REPORT_MONEY : REPORT_PERSONS;
		x->per_person_min = x->per_person_max = -1;
		if ((e = dup_into(&x->id, def->ind[i].id)) == ERR_OK &&
		    (e = dup_labels(x->label, def->ind[i].label)) == ERR_OK)
			e = dup_into(&x->currency, def->ind[i].currency);
	}
	if (e != ERR_OK) {
		report_free(r);
		return e;
	}
	*out = r;
	return ERR_OK;
}

static void free_engine(struct engine *g)
{
	for (size_t i = 0; i < g->n_cache; i++)
		db_finalize(g->cache[i].st);
	for (size_t i = 0; i < g->n_labels; i++) {
		free(g->labels[i].code);
		free_labels(g->labels[i].label);
	}
	free(g->labels);
}

err_t report_compute(db *d, const struct report_def *def, int year, struct report **out,
		     char *errbuf)
{
	struct engine g = {.d = d, .def = def, .errbuf = errbuf};
	err_t e;
	if (year < DATE_MIN_YEAR + REPORT_TREND_YEARS || year >= DATE_MAX_YEAR) {
		snprintf(errbuf, ERRBUF_MAX, "the year must be between %d and %d",
			 DATE_MIN_YEAR + REPORT_TREND_YEARS, DATE_MAX_YEAR - 1);
		return ERR_INVALID;
	}
	if (!(g.labels = calloc(CODE_LABELS_MAX, sizeof *g.labels)) ||
	    new_report(def, year, &g.r) != ERR_OK) {
		free(g.labels);
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return ERR_NOMEM;
	}
	e = rq_plan(def, year, visit, &g);
	free_engine(&g);
	for (size_t i = 0; e == ERR_OK && i < g.r->n_breakdowns; i++)
		if (g.r->breakdowns[i].n)
			qsort(g.r->breakdowns[i].rows, g.r->breakdowns[i].n,
			      sizeof *g.r->breakdowns[i].rows, by_size);
	if (e != ERR_OK) {
		report_free(g.r);
		return e;
	}
	*out = g.r;
	return ERR_OK;
}
