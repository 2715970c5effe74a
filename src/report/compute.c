/*
 * compute.c - the report engine: turns a definition into figures with the
 * aggregate SQL of queries.c, and owns struct report's memory.
 *
 * Each indicator is one statement run once: its filters bound as parameters,
 * both years (five for a main indicator's trend) counted in the same pass, no
 * record ever loaded into memory.  Statements are prepared once per kind and
 * reset between indicators.  Codes the definition names are checked against
 * the database first, so a misspelt service is an error, not a silent zero.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/definition.h"
#include "report/queries.h"
#include "util/date.h"

enum qkind {
	QK_RECOGNIZED,
	QK_IDENTIFIED,
	QK_SERVICE_PERSONS,
	QK_SERVICE_PARENTS,
	QK_SERVICE_SUM,
	QK_REFERRAL_PERSONS,
	QK_REFERRAL_PARENTS,
	QK_COUNT
};

static const char *const qk_sql[QK_COUNT] = {
	[QK_RECOGNIZED] = RQ_RECOGNIZED_PERSONS,     [QK_IDENTIFIED] = RQ_IDENTIFIED_PERSONS,
	[QK_SERVICE_PERSONS] = RQ_SERVICE_PERSONS,   [QK_SERVICE_PARENTS] = RQ_SERVICE_PARENTS,
	[QK_SERVICE_SUM] = RQ_SERVICE_SUM,           [QK_REFERRAL_PERSONS] = RQ_REFERRAL_PERSONS,
	[QK_REFERRAL_PARENTS] = RQ_REFERRAL_PARENTS,
};

static const struct {
	const char *name;
	enum rq_dimension dim;
	const char *codes; /* the code list that labels its categories, or NULL */
	int additive;
} dimensions[] = {
	{"sex", RQ_DIM_SEX, "sex", 1},
	{"age", RQ_DIM_AGE, NULL, 1},
	{"origin", RQ_DIM_ORIGIN, NULL, 1},
	{"citizenship", RQ_DIM_CITIZENSHIP, NULL, 1},
	{"exploitation", RQ_DIM_EXPLOITATION, "exploitation", 0},
	{"country_of_exploitation", RQ_DIM_COUNTRY_OF_EXPLOITATION, NULL, 1},
	{"source", RQ_DIM_SOURCE, "source", 1},
};

/* A label of a code list, read once from the database. */
struct code_label {
	const char *list; /* static: one of dimensions[].codes */
	char *code;
	char *label[REPORT_LANGS];
};

#define CODE_LABELS_MAX 1024

struct engine {
	db *d;
	const struct report_def *def;
	struct report *r;
	db_stmt *st[QK_COUNT];
	struct code_label *labels;
	size_t n_labels;
	char *errbuf;
};

/* ---- memory --------------------------------------------------------------------- */

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

/* ---- checking the definition's codes against the database ------------------------- */

static err_t exists(struct engine *g, const char *list, const char *code, int *found)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(g->d, list ? RQ_CODE_EXISTS : RQ_AGENCY_EXISTS, &st);
	int rc;
	if (e == ERR_OK && list)
		e = db_bind_text(st, 1, list);
	if (e == ERR_OK)
		e = db_bind_text(st, list ? 2 : 1, code);
	if (e == ERR_OK) {
		rc = db_step(st);
		if (rc < 0)
			e = (err_t)-rc;
		*found = rc == DB_ROW;
	}
	db_finalize(st);
	return e;
}

/* list NULL: an agency. */
static err_t check_code(struct engine *g, const struct def_indicator *x, const char *what,
			const char *list, const char *code)
{
	int found = 0;
	err_t e;
	if (!code)
		return ERR_OK;
	if ((e = exists(g, list, code, &found)) != ERR_OK) {
		snprintf(g->errbuf, ERRBUF_MAX, "cannot read the codes: %s", db_errmsg(g->d));
		return e;
	}
	if (!found) {
		snprintf(g->errbuf, ERRBUF_MAX, "%s: [indicator %s]: %s '%s' is not a code of this "
			 "database", g->def->source, x->id, what, code);
		return ERR_INVALID;
	}
	return ERR_OK;
}

static err_t check_codes(struct engine *g, const struct def_indicator *x)
{
	err_t e;
	if ((e = check_code(g, x, "service", "service", x->service)) ||
	    (e = check_code(g, x, "provider", NULL, x->provider)) ||
	    (e = check_code(g, x, "phase", "phase", x->phase)) ||
	    (e = check_code(g, x, "from", NULL, x->from)) ||
	    (e = check_code(g, x, "to", NULL, x->to)) ||
	    (e = check_code(g, x, "purpose", "service", x->purpose)))
		return e;
	for (size_t i = 0; i < x->n_sources; i++)
		if ((e = check_code(g, x, "source", "source", x->sources[i])) != ERR_OK)
			return e;
	return ERR_OK;
}

/* ---- indicators ------------------------------------------------------------------- */

static enum qkind kind_of(const struct def_indicator *x)
{
	switch (x->event) {
	case DEF_EV_RECOGNIZED: return QK_RECOGNIZED;
	case DEF_EV_IDENTIFIED: return QK_IDENTIFIED;
	case DEF_EV_REFERRAL:
		return x->measure == DEF_M_PARENTS ? QK_REFERRAL_PARENTS : QK_REFERRAL_PERSONS;
	case DEF_EV_SERVICE:
	default:
		return x->measure == DEF_M_SUM       ? QK_SERVICE_SUM
		       : x->measure == DEF_M_PARENTS ? QK_SERVICE_PARENTS
						     : QK_SERVICE_PERSONS;
	}
}

/* Window bounds $1..$6: five years for a trend, else three empty windows then
 * Y-1 and Y, so the scan covers only two years. */
static void bounds(int year, int trend, int64_t b[REPORT_TREND_YEARS + 1])
{
	for (int k = 0; k <= REPORT_TREND_YEARS; k++) {
		int y = year - REPORT_TREND_YEARS + 1 + k;
		if (!trend && y < year - 1)
			y = year - 1;
		b[k] = date_year_start(y);
	}
}

static err_t bind_common(db_stmt *st, const struct def_indicator *x, const int64_t *b)
{
	err_t e = ERR_OK;
	for (int k = 0; k <= REPORT_TREND_YEARS && e == ERR_OK; k++)
		e = db_bind_int(st, k + 1, b[k]);
	if (e == ERR_OK)
		e = db_bind_int(st, 7, (int64_t)x->population);
	if (e == ERR_OK)
		e = db_bind_int(st, 8, x->child_only);
	if (e == ERR_OK)
		e = db_bind_int(st, 9, x->foreign_only);
	if (e == ERR_OK)
		e = db_bind_int(st, 10, x->recognized_in_year);
	return e;
}

static err_t bind_kind(db_stmt *st, const struct def_indicator *x, enum qkind k)
{
	err_t e = ERR_OK;
	switch (k) {
	case QK_SERVICE_SUM:
		e = db_bind_text(st, 14, x->currency);
		/* fall through */
	case QK_SERVICE_PERSONS:
	case QK_SERVICE_PARENTS:
		if (e == ERR_OK && (e = db_bind_text(st, 11, x->service)) == ERR_OK &&
		    (e = db_bind_text(st, 12, x->provider)) == ERR_OK)
			e = db_bind_text(st, 13, x->phase);
		return e;
	case QK_REFERRAL_PERSONS:
	case QK_REFERRAL_PARENTS:
		if ((e = db_bind_text(st, 11, x->from)) == ERR_OK &&
		    (e = db_bind_text(st, 12, x->to)) == ERR_OK)
			e = db_bind_text(st, 13, x->purpose);
		return e;
	case QK_IDENTIFIED:
		for (size_t i = 0; i < DEF_SOURCES_MAX && e == ERR_OK; i++)
			e = db_bind_text(st, 11 + (int)i, i < x->n_sources ? x->sources[i] : NULL);
		if (e == ERR_OK && (e = db_bind_int(st, 15, x->not_recognized)) == ERR_OK)
			e = db_bind_int(st, 16, x->with_service);
		return e;
	default:
		return ERR_OK;
	}
}

/* Runs the indicator's statement; v[] gets one figure per window, plus the
 * least and greatest per-person total of Y for money (-1 when none). */
static err_t run_indicator(struct engine *g, const struct def_indicator *x,
			   int64_t v[REPORT_TREND_YEARS + 2])
{
	enum qkind k = kind_of(x);
	int64_t b[REPORT_TREND_YEARS + 1];
	err_t e;
	int rc;
	if (!g->st[k] && (e = db_prepare(g->d, qk_sql[k], &g->st[k])) != ERR_OK)
		return e;
	bounds(g->r->year, x->trend, b);
	if ((e = db_reset(g->st[k])) != ERR_OK || (e = bind_common(g->st[k], x, b)) != ERR_OK ||
	    (e = bind_kind(g->st[k], x, k)) != ERR_OK)
		return e;
	rc = db_step(g->st[k]);
	if (rc != DB_ROW)
		return rc < 0 ? (err_t)-rc : ERR_DB;
	for (int c = 0; c < REPORT_TREND_YEARS; c++)
		v[c] = db_col_int(g->st[k], c);
	for (int c = REPORT_TREND_YEARS; c < REPORT_TREND_YEARS + 2; c++)
		v[c] = k == QK_SERVICE_SUM && !db_col_is_null(g->st[k], c) ? db_col_int(g->st[k], c)
									   : -1;
	return db_reset(g->st[k]);
}

static err_t compute_indicator(struct engine *g, size_t i)
{
	const struct def_indicator *x = &g->def->ind[i];
	struct report_indicator *out = &g->r->indicators[i];
	int64_t v[REPORT_TREND_YEARS + 2];
	err_t e;
	if ((e = dup_into(&out->id, x->id)) != ERR_OK || (e = dup_labels(out->label, x->label)) ||
	    (e = dup_into(&out->currency, x->currency)) != ERR_OK)
		return e;
	out->unit = x->measure == DEF_M_SUM ? REPORT_MONEY : REPORT_PERSONS;
	if ((e = run_indicator(g, x, v)) != ERR_OK) {
		snprintf(g->errbuf, ERRBUF_MAX, "indicator %s: %s", x->id, db_errmsg(g->d));
		return e;
	}
	out->value.v = v[REPORT_TREND_YEARS - 1];
	out->previous.v = v[REPORT_TREND_YEARS - 2];
	out->per_person_min = v[REPORT_TREND_YEARS];
	out->per_person_max = v[REPORT_TREND_YEARS + 1];
	if (x->trend) {
		struct report_trend_row *t = &g->r->trend[g->r->n_trend++];
		t->indicator = i;
		for (int c = 0; c < REPORT_TREND_YEARS; c++)
			t->cells[c].v = v[c];
	}
	return ERR_OK;
}

/* ---- breakdowns ------------------------------------------------------------------- */

static err_t load_list(struct engine *g, db_stmt *st, const char *list)
{
	int rc = 0;
	err_t e = db_reset(st);
	if (e == ERR_OK)
		e = db_bind_text(st, 1, list);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		struct code_label *c = &g->labels[g->n_labels];
		if (g->n_labels == CODE_LABELS_MAX)
			return ERR_LIMIT;
		c->list = list;
		g->n_labels++;
		if ((e = dup_into(&c->code, db_col_text(st, 0))) == ERR_OK &&
		    (e = dup_into(&c->label[REPORT_EN], db_col_text(st, 1))) == ERR_OK)
			e = dup_into(&c->label[REPORT_AZ], db_col_text(st, 2));
	}
	if (e == ERR_OK && rc < 0)
		e = (err_t)-rc;
	return e;
}

/* Reads the labels of the code lists that name breakdown categories. */
static err_t load_labels(struct engine *g)
{
	db_stmt *st = NULL;
	err_t e;
	if (!(g->labels = calloc(CODE_LABELS_MAX, sizeof *g->labels)))
		return ERR_NOMEM;
	e = db_prepare(g->d, RQ_CODE_LABELS, &st);
	for (size_t i = 0; i < sizeof dimensions / sizeof dimensions[0] && e == ERR_OK; i++)
		if (dimensions[i].codes)
			e = load_list(g, st, dimensions[i].codes);
	db_finalize(st);
	if (e != ERR_OK)
		snprintf(g->errbuf, ERRBUF_MAX, "cannot read the code labels: %s", db_errmsg(g->d));
	return e;
}

static void free_code_labels(struct engine *g)
{
	for (size_t i = 0; i < g->n_labels; i++) {
		free(g->labels[i].code);
		free_labels(g->labels[i].label);
	}
	free(g->labels);
}

/* The label of one category in `lang`: the code list's label, the
 * definition's "country.X" or "cat.X", else the code itself.  Borrowed. */
static const char *category_label(struct engine *g, int dim, const char *code,
				  enum report_lang lang)
{
	int country = dimensions[dim].dim == RQ_DIM_CITIZENSHIP ||
		      dimensions[dim].dim == RQ_DIM_COUNTRY_OF_EXPLOITATION;
	char key[REPORT_ID_MAX + 16];
	const char *v;
	for (size_t i = 0; dimensions[dim].codes && i < g->n_labels; i++)
		if (strcmp(g->labels[i].list, dimensions[dim].codes) == 0 &&
		    strcmp(g->labels[i].code, code) == 0 && g->labels[i].label[lang] &&
		    g->labels[i].label[lang][0])
			return g->labels[i].label[lang];
	snprintf(key, sizeof key, "%s.%s", country ? "country" : "cat", code);
	if ((v = report_def_label(g->def, lang, key)) != NULL)
		return v;
	snprintf(key, sizeof key, "cat.%s", code);
	v = report_def_label(g->def, lang, key);
	return v ? v : code;
}

static err_t add_row(struct engine *g, struct report_breakdown *b, int dim, db_stmt *st,
		     size_t *cap)
{
	struct report_breakdown_row *row;
	const char *code = db_col_text(st, 0);
	err_t e;
	if (b->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		void *p = realloc(b->rows, ncap * sizeof *b->rows);
		if (!p)
			return ERR_NOMEM;
		b->rows = p;
		*cap = ncap;
	}
	row = &b->rows[b->n++];
	*row = (struct report_breakdown_row){0};
	row->value.v = db_col_int(st, 1);
	row->previous.v = db_col_int(st, 2);
	if ((e = dup_into(&row->category, code ? code : "unknown")) != ERR_OK)
		return e;
	for (int l = 0; l < REPORT_LANGS; l++)
		if ((e = dup_into(&row->label[l], category_label(g, dim, row->category,
								 (enum report_lang)l))) != ERR_OK)
			return e;
	return ERR_OK;
}

/* Runs one breakdown query into b. */
static err_t compute_breakdown(struct engine *g, const struct def_indicator *x, int dim,
			       struct report_breakdown *b)
{
	enum rq_breakdown_event ev = x->event == DEF_EV_RECOGNIZED ? RQ_BY_RECOGNIZED
								   : RQ_BY_IDENTIFIED;
	const int64_t p[] = {date_year_start(g->r->year - 1), date_year_start(g->r->year),
			     date_year_start(g->r->year + 1), (int64_t)x->population,
			     x->child_only, x->foreign_only};
	char key[48];
	db_stmt *st = NULL;
	size_t cap = 0;
	int rc = 0;
	err_t e = db_prepare(g->d, RQ_BREAKDOWN[dimensions[dim].dim][ev], &st);
	b->additive = dimensions[dim].additive;
	if (e == ERR_OK && (e = dup_into(&b->indicator, x->id)) == ERR_OK)
		e = dup_into(&b->dimension, dimensions[dim].name);
	snprintf(key, sizeof key, "dim.%s", dimensions[dim].name);
	for (int l = 0; l < REPORT_LANGS && e == ERR_OK; l++) {
		const char *v = report_def_label(g->def, (enum report_lang)l, key);
		e = dup_into(&b->label[l], v ? v : dimensions[dim].name);
	}
	for (int i = 0; i < 6 && e == ERR_OK; i++)
		e = db_bind_int(st, i + 1, p[i]);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		e = add_row(g, b, dim, st, &cap);
	if (e == ERR_OK && rc < 0)
		e = (err_t)-rc;
	if (e != ERR_OK)
		snprintf(g->errbuf, ERRBUF_MAX, "breakdown of %s by %s: %s", x->id,
			 dimensions[dim].name, db_errmsg(g->d));
	db_finalize(st);
	return e;
}

static int dimension_index(const char *name)
{
	for (size_t i = 0; i < sizeof dimensions / sizeof dimensions[0]; i++)
		if (strcmp(dimensions[i].name, name) == 0)
			return (int)i;
	return -1;
}

static err_t compute_breakdowns(struct engine *g)
{
	err_t e = load_labels(g);
	for (size_t i = 0; i < g->def->n_ind && e == ERR_OK; i++) {
		const struct def_indicator *x = &g->def->ind[i];
		for (size_t j = 0; j < x->n_breakdown && e == ERR_OK; j++) {
			int dim = dimension_index(x->breakdown[j]);
			if (dim < 0)
				continue; /* definition.c refuses unknown dimensions */
			e = compute_breakdown(g, x, dim, &g->r->breakdowns[g->r->n_breakdowns++]);
		}
	}
	return e;
}

/* ---- the whole report ---------------------------------------------------------------- */

static err_t new_report(const struct report_def *def, int year, struct report **out)
{
	struct report *r = calloc(1, sizeof *r);
	size_t n_bd = 0;
	err_t e;
	if (!r)
		return ERR_NOMEM;
	for (size_t i = 0; i < def->n_ind; i++)
		n_bd += def->ind[i].n_breakdown;
	r->def = def;
	r->year = year;
	r->previous_year = year - 1;
	r->trend_first_year = year - REPORT_TREND_YEARS + 1;
	r->indicators = calloc(def->n_ind ? def->n_ind : 1, sizeof *r->indicators);
	r->breakdowns = calloc(n_bd ? n_bd : 1, sizeof *r->breakdowns);
	r->trend = calloc(def->n_ind ? def->n_ind : 1, sizeof *r->trend);
	e = r->indicators && r->breakdowns && r->trend ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK && (e = dup_into(&r->report_id, def->report_id)) == ERR_OK &&
	    (e = dup_into(&r->definitions_version, def->version)) == ERR_OK)
		e = dup_labels(r->title, def->title);
	if (e != ERR_OK) {
		report_free(r);
		return e;
	}
	*out = r;
	return ERR_OK;
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
	if ((e = new_report(def, year, &g.r)) != ERR_OK) {
		snprintf(errbuf, ERRBUF_MAX, "out of memory");
		return e;
	}
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++)
		e = check_codes(&g, &def->ind[i]);
	/* n_indicators counts what report_free must free, even half-filled */
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++) {
		g.r->n_indicators = i + 1;
		e = compute_indicator(&g, i);
	}
	if (e == ERR_OK)
		e = compute_breakdowns(&g);
	for (int k = 0; k < QK_COUNT; k++)
		db_finalize(g.st[k]);
	free_code_labels(&g);
	if (e != ERR_OK) {
		if (e == ERR_NOMEM)
			snprintf(errbuf, ERRBUF_MAX, "out of memory");
		report_free(g.r);
		return e;
	}
	*out = g.r;
	return ERR_OK;
}
