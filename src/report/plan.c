/*
 * plan.c - which statements a report runs, and with what values (rq_plan of
 * queries.h).  The definition decides only which fixed SQL text of queries.c
 * is used and what is bound to its parameters; report_compute walks this
 * plan, and so can a tool that wants to replay it.
 */
#include <string.h>

#include "report/queries.h"
#include "util/date.h"

struct planner {
	const struct report_def *def;
	int year;
	rq_visit_fn fn;
	void *ctx;
};

static struct rq_param p_int(int64_t v)
{
	return (struct rq_param){RQ_INT, v, NULL};
}

static struct rq_param p_text(const char *s)
{
	return s ? (struct rq_param){RQ_TEXT, 0, s} : (struct rq_param){RQ_NULL, 0, NULL};
}

/* ---- code checks and labels -------------------------------------------------------- */

static err_t check(struct planner *p, size_t i, const char *what, const char *list,
		   const char *code)
{
	struct rq_query q = {.purpose = list ? RQ_CHECK_CODE : RQ_CHECK_AGENCY,
			     .sql = list ? RQ_CODE_EXISTS : RQ_AGENCY_EXISTS,
			     .indicator = i, .what = what, .list = list};
	if (!code)
		return ERR_OK;
	if (list)
		q.param[q.n++] = p_text(list);
	q.param[q.n++] = p_text(code);
	return p->fn(&q, p->ctx);
}

static err_t checks(struct planner *p, size_t i)
{
	const struct def_indicator *x = &p->def->ind[i];
	err_t e;
	if ((e = check(p, i, "service", "service", x->service)) ||
	    (e = check(p, i, "provider", NULL, x->provider)) ||
	    (e = check(p, i, "phase", "phase", x->phase)) || (e = check(p, i, "from", NULL, x->from)) ||
	    (e = check(p, i, "to", NULL, x->to)) ||
	    (e = check(p, i, "purpose", "service", x->purpose)))
		return e;
	for (size_t k = 0; k < x->n_sources; k++)
		if ((e = check(p, i, "source", "source", x->sources[k])) != ERR_OK)
			return e;
	return ERR_OK;
}

static err_t labels(struct planner *p)
{
	for (int i = 0; i < RQ_DIM_COUNT; i++) {
		struct rq_query q = {.purpose = RQ_LABELS, .sql = RQ_CODE_LABELS,
				     .list = RQ_DIMENSIONS[i].codes};
		err_t e;
		if (!q.list)
			continue;
		q.param[q.n++] = p_text(q.list);
		if ((e = p->fn(&q, p->ctx)) != ERR_OK)
			return e;
	}
	return ERR_OK;
}

/* ---- indicators ---------------------------------------------------------------------- */

static const char *sql_of(const struct def_indicator *x)
{
	switch (x->event) {
	case DEF_EV_RECOGNIZED: return RQ_RECOGNIZED_PERSONS;
	case DEF_EV_IDENTIFIED: return RQ_IDENTIFIED_PERSONS;
	case DEF_EV_REFERRAL:
		return x->measure == DEF_M_PARENTS ? RQ_REFERRAL_PARENTS : RQ_REFERRAL_PERSONS;
	case DEF_EV_SERVICE:
	default:
		return x->measure == DEF_M_SUM       ? RQ_SERVICE_SUM
		       : x->measure == DEF_M_PARENTS ? RQ_SERVICE_PARENTS
						     : RQ_SERVICE_PERSONS;
	}
}

/* $1..$10: the window bounds (five years for a trend; else three empty
 * windows, then Y-1 and Y, so the scan covers two years) and the population. */
static void common(struct rq_query *q, const struct def_indicator *x, int year)
{
	for (int k = 0; k <= REPORT_TREND_YEARS; k++) {
		int y = year - REPORT_TREND_YEARS + 1 + k;
		if (!x->trend && y < year - 1)
			y = year - 1;
		q->param[q->n++] = p_int(date_year_start(y));
	}
	q->param[q->n++] = p_int((int64_t)x->population);
	q->param[q->n++] = p_int(x->child_only);
	q->param[q->n++] = p_int(x->foreign_only);
	q->param[q->n++] = p_int(x->recognized_in_year);
}

/* $11..: what each kind of statement filters on (queries.h). */
static void specific(struct rq_query *q, const struct def_indicator *x)
{
	if (x->event == DEF_EV_SERVICE) {
		q->param[q->n++] = p_text(x->service);
		q->param[q->n++] = p_text(x->provider);
		q->param[q->n++] = p_text(x->phase);
		if (x->measure == DEF_M_SUM)
			q->param[q->n++] = p_text(x->currency);
	} else if (x->event == DEF_EV_REFERRAL) {
		q->param[q->n++] = p_text(x->from);
		q->param[q->n++] = p_text(x->to);
		q->param[q->n++] = p_text(x->purpose);
	} else if (x->event == DEF_EV_IDENTIFIED) {
		for (size_t k = 0; k < DEF_SOURCES_MAX; k++)
			q->param[q->n++] = p_text(k < x->n_sources ? x->sources[k] : NULL);
		q->param[q->n++] = p_int(x->not_recognized);
		q->param[q->n++] = p_int(x->with_service);
	}
}

static err_t indicator(struct planner *p, size_t i)
{
	const struct def_indicator *x = &p->def->ind[i];
	struct rq_query q = {.purpose = RQ_INDICATOR, .sql = sql_of(x), .indicator = i};
	common(&q, x, p->year);
	specific(&q, x);
	return p->fn(&q, p->ctx);
}

/* At most two statements per indicator: the cube of its single-valued
 * dimensions and its forms of exploitation, each when asked for. */
static err_t breakdowns(struct planner *p, size_t i)
{
	const struct def_indicator *x = &p->def->ind[i];
	enum rq_breakdown_event ev = x->event == DEF_EV_RECOGNIZED ? RQ_BY_RECOGNIZED
								   : RQ_BY_IDENTIFIED;
	int cube = 0, forms = 0;
	err_t e = ERR_OK;
	for (size_t k = 0; k < x->n_breakdown; k++) {
		int dim = rq_dimension_find(x->breakdown[k]);
		if (dim >= 0 && RQ_DIMENSIONS[dim].cube_column >= 0)
			cube = 1;
		else if (dim >= 0)
			forms = 1;
	}
	for (int pass = 0; pass < 2 && e == ERR_OK; pass++) {
		struct rq_query q = {.purpose = pass ? RQ_FORMS_OF : RQ_CUBE_OF,
				     .sql = pass ? RQ_FORMS[ev] : RQ_CUBE[ev], .indicator = i};
		if (!(pass ? forms : cube))
			continue;
		q.param[q.n++] = p_int(date_year_start(p->year - 1));
		q.param[q.n++] = p_int(date_year_start(p->year));
		q.param[q.n++] = p_int(date_year_start(p->year + 1));
		q.param[q.n++] = p_int((int64_t)x->population);
		q.param[q.n++] = p_int(x->child_only);
		q.param[q.n++] = p_int(x->foreign_only);
		e = p->fn(&q, p->ctx);
	}
	return e;
}

err_t rq_plan(const struct report_def *def, int year, rq_visit_fn fn, void *ctx)
{
	struct planner p = {def, year, fn, ctx};
	err_t e = ERR_OK;
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++)
		e = checks(&p, i);
	if (e == ERR_OK)
		e = labels(&p);
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++)
		e = indicator(&p, i);
	for (size_t i = 0; i < def->n_ind && e == ERR_OK; i++)
		e = breakdowns(&p, i);
	return e;
}
