/*
 * queries.h - the report engine's aggregate SQL, one fixed text per kind of
 * count, every filter a bound parameter (src/report/queries.c).  Nothing of
 * a definition or of any input ever becomes SQL text.
 *
 * The indicator queries share one parameter layout and return REPORT_TREND_YEARS
 * columns, one per year window, oldest first:
 *   $1..$6  window bounds: window k is [$(k+1), $(k+2)), Unix seconds
 *   $7      population: 0 all, 1 subjects, 2 dependants
 *   $8      1: children only          $9  1: foreign only
 *   $10     1: only persons recognised in the same window
 * then, by kind:
 *   service (RQ_SERVICE_*)   $11 service, $12 provider or NULL, $13 phase or NULL
 *   money (RQ_SERVICE_SUM)   as service, $14 currency; two more columns: the
 *                            least and greatest total of one recipient in window 5
 *   referral (RQ_REFERRAL_*) $11 from or NULL, $12 to or NULL, $13 purpose or NULL
 *   identified               $11..$14 identification sources (all NULL: any),
 *                            $15 1: not recognised by the window's end,
 *                            $16 1: with a service in the window
 * A count that needs only two years binds windows 1-3 empty ($1=$2=$3=$4), so
 * the scan covers two years and each year still comes from the same pass.
 *
 * Breakdown queries take $1 start of Y-1, $2 start of Y, $3 start of Y+1,
 * $4..$6 as $7..$9 above.  RQ_CUBE[event] returns one row per group of
 * persons: sex, age, origin, citizenship, country of exploitation, source
 * (the dimensions' cube_column), count in Y, count in Y-1.  RQ_FORMS[event]
 * returns (form of exploitation, count in Y, count in Y-1).
 */
#ifndef HAVEN_REPORT_QUERIES_H
#define HAVEN_REPORT_QUERIES_H

#include <stddef.h>
#include <stdint.h>

#include "report/definition.h"

enum rq_dimension {
	RQ_DIM_SEX,
	RQ_DIM_AGE,
	RQ_DIM_ORIGIN,
	RQ_DIM_CITIZENSHIP,
	RQ_DIM_EXPLOITATION,
	RQ_DIM_COUNTRY_OF_EXPLOITATION,
	RQ_DIM_SOURCE,
	RQ_DIM_COUNT
};

enum rq_breakdown_event { RQ_BY_RECOGNIZED, RQ_BY_IDENTIFIED, RQ_BY_COUNT };

/* A breakdown dimension: its name in definitions and output, the code list
 * that labels its categories (or NULL), and whether its rows add up to the
 * indicator.  Indexed by enum rq_dimension. */
struct rq_dimension_info {
	const char *name;
	const char *codes;
	int additive;
	int cube_column; /* its column in RQ_CUBE, or -1 (RQ_FORMS) */
};
extern const struct rq_dimension_info RQ_DIMENSIONS[RQ_DIM_COUNT];

/* The dimension called `name`, or -1. */
int rq_dimension_find(const char *name);

extern const char RQ_RECOGNIZED_PERSONS[];
extern const char RQ_IDENTIFIED_PERSONS[];
extern const char RQ_SERVICE_PERSONS[];
extern const char RQ_SERVICE_PARENTS[];
extern const char RQ_SERVICE_SUM[];
extern const char RQ_REFERRAL_PERSONS[];
extern const char RQ_REFERRAL_PARENTS[];

#define RQ_CUBE_DIMS 6
extern const char *const RQ_CUBE[RQ_BY_COUNT];
extern const char *const RQ_FORMS[RQ_BY_COUNT];

/* Labels of a code list ($1: "sex", "source", "exploitation"): code, en, az. */
extern const char RQ_CODE_LABELS[];
/* One row when code $2 is in list $1. */
extern const char RQ_CODE_EXISTS[];
/* One row when agency $1 exists. */
extern const char RQ_AGENCY_EXISTS[];

/* Approved reports (migration 003). */
extern const char RQ_FREEZE_INSERT[];
extern const char RQ_FREEZE_GET[];

/* ---- the plan: every statement a report runs, with its bound values (plan.c) ---- */

#define RQ_PARAMS_MAX 16

enum rq_param_kind { RQ_NULL, RQ_INT, RQ_TEXT };

struct rq_param {
	enum rq_param_kind kind;
	int64_t i;
	const char *s; /* borrowed from the definition or static */
};

enum rq_purpose {
	RQ_CHECK_CODE,   /* a code the definition names exists: RQ_CODE_EXISTS */
	RQ_CHECK_AGENCY, /* an agency it names exists: RQ_AGENCY_EXISTS */
	RQ_LABELS,       /* the labels of one code list: RQ_CODE_LABELS */
	RQ_INDICATOR,    /* one indicator, every window */
	RQ_CUBE_OF,      /* one indicator's persons by every single-valued dimension */
	RQ_FORMS_OF      /* one indicator's persons by form of exploitation */
};

struct rq_query {
	enum rq_purpose purpose;
	const char *sql;
	struct rq_param param[RQ_PARAMS_MAX]; /* $1 .. $n */
	int n;
	size_t indicator;     /* index in the definition (not for RQ_LABELS) */
	const char *what;     /* RQ_CHECK_*: the definition's key ("service", "to") */
	const char *list;     /* RQ_LABELS: the code list */
};

typedef err_t (*rq_visit_fn)(const struct rq_query *q, void *ctx);

/* Calls fn, in order, with every statement report_compute runs for `year`:
 * the code checks, the code labels, each indicator, each breakdown.  Stops at
 * the first answer other than ERR_OK and returns it.  A tool can replay the
 * same statements elsewhere (bench/report.c times them in the sqlite3 shell). */
err_t rq_plan(const struct report_def *def, int year, rq_visit_fn fn, void *ctx);

#endif
