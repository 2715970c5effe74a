/*
 * queries.c - the report's SQL texts (queries.h gives the parameter layout).
 *
 * They are assembled from the macros below by the compiler: every text is a
 * constant fixed at build time.  Written for SQLite and PostgreSQL alike:
 * `$n` placeholders, CASE, COALESCE, CAST, COUNT(DISTINCT ...), EXISTS; no
 * engine-specific function.  Each counts both report years (or the five of
 * the trend) in one pass over the date range, reading only the covering
 * indexes of migration 003: services by (service, date, ...), persons by
 * recognized_on and by identified_on, referrals by date.  An optional filter is
 * written "column = $n OR $n IS NULL", the comparison first: PostgreSQL gives
 * a parameter the type of its first use.
 */
#include <string.h>

#include "report/queries.h"

/* Population filter on p, with its three parameters. */
#define POP(P, C, F)                                                                           \
	" AND (" P " = 0 OR (" P " = 1 AND p.status <> 'dependant') OR (" P " = 2 AND"         \
	" p.status = 'dependant')) AND (" C " = 0 OR p.is_child = 1)"                           \
	" AND (" F " = 0 OR p.is_foreign = 1)"

/* The record's date `col` in window [a, b), the person recognised in it if $10. */
#define IN_WINDOW(col, a, b)                                                                   \
	col " >= " a " AND " col " < " b " AND ($10 = 0 OR (p.recognized_on >= " a             \
	" AND p.recognized_on < " b "))"

#define DISTINCT(col, what, a, b) "COUNT(DISTINCT CASE WHEN " IN_WINDOW(col, a, b) " THEN " what " END)"

/* Identified in the window; if $15 not recognised by its end; if $16 served in it. */
#define IDENTIFIED(col, what, a, b)                                                            \
	"COUNT(DISTINCT CASE WHEN " IN_WINDOW(col, a, b)                                        \
	" AND ($15 = 0 OR p.recognized_on IS NULL OR p.recognized_on >= " b ")"                \
	" AND ($16 = 0 OR EXISTS (SELECT 1 FROM services s WHERE s.person_id = p.id"          \
	" AND s.date >= " a " AND s.date < " b ")) THEN " what " END)"

/* One aggregate per window, oldest first. */
#define FIVE(M, col, what)                                                                     \
	M(col, what, "$1", "$2") ", " M(col, what, "$2", "$3") ", " M(col, what, "$3", "$4")  \
	", " M(col, what, "$4", "$5") ", " M(col, what, "$5", "$6")

#define SERVICE_WHERE                                                                          \
	" FROM services s JOIN persons p ON p.id = s.person_id"                                 \
	" WHERE s.service = $11 AND s.date >= $1 AND s.date < $6"                             \
	" AND (s.provider = $12 OR $12 IS NULL) AND (s.phase = $13 OR $13 IS NULL)"           \
	POP("$7", "$8", "$9")

#define REFERRAL_WHERE                                                                         \
	" FROM referrals f JOIN persons p ON p.id = f.person_id"                               \
	" WHERE f.date >= $1 AND f.date < $6 AND (f.from_agency = $11 OR $11 IS NULL)"        \
	" AND (f.to_agency = $12 OR $12 IS NULL) AND (f.purpose = $13 OR $13 IS NULL)"        \
	POP("$7", "$8", "$9")

const char RQ_RECOGNIZED_PERSONS[] =
	"SELECT " FIVE(DISTINCT, "p.recognized_on", "p.id")
	" FROM persons p WHERE p.recognized_on >= $1 AND p.recognized_on < $6"
	POP("$7", "$8", "$9");

const char RQ_IDENTIFIED_PERSONS[] =
	"SELECT " FIVE(IDENTIFIED, "p.identified_on", "p.id")
	" FROM persons p WHERE p.identified_on >= $1 AND p.identified_on < $6"
	" AND (p.identification_source IN ($11, $12, $13, $14) OR $11 IS NULL)"
	POP("$7", "$8", "$9");

const char RQ_SERVICE_PERSONS[] = "SELECT " FIVE(DISTINCT, "s.date", "s.person_id") SERVICE_WHERE;

const char RQ_SERVICE_PARENTS[] = "SELECT " FIVE(DISTINCT, "s.date", "p.parent_id") SERVICE_WHERE;

/* Per recipient first (to know the least and greatest one got), then totals. */
#define PER_PERSON(a, b, t) "SUM(CASE WHEN " IN_WINDOW("s.date", a, b) " THEN s.amount END) AS " t
#define TOTAL(t) "CAST(COALESCE(SUM(" t "), 0) AS BIGINT)"
const char RQ_SERVICE_SUM[] =
	"SELECT " TOTAL("t1") ", " TOTAL("t2") ", " TOTAL("t3") ", " TOTAL("t4") ", " TOTAL("t5")
	", CAST(MIN(t5) AS BIGINT), CAST(MAX(t5) AS BIGINT) FROM (SELECT "
	PER_PERSON("$1", "$2", "t1") ", " PER_PERSON("$2", "$3", "t2") ", "
	PER_PERSON("$3", "$4", "t3") ", " PER_PERSON("$4", "$5", "t4") ", "
	PER_PERSON("$5", "$6", "t5")
	SERVICE_WHERE " AND s.amount IS NOT NULL AND COALESCE(s.currency, $14) = $14"
	" GROUP BY s.person_id) x";

const char RQ_REFERRAL_PERSONS[] = "SELECT " FIVE(DISTINCT, "f.date", "f.person_id") REFERRAL_WHERE;

const char RQ_REFERRAL_PARENTS[] = "SELECT " FIVE(DISTINCT, "f.date", "p.parent_id") REFERRAL_WHERE;

/* ---- breakdowns ------------------------------------------------------------------
 *
 * Persons are rows of `persons`, so grouping them by every single-valued
 * dimension at once (a cube) counts each person in exactly one group; the
 * engine adds the groups up per dimension.  Forms of exploitation are many per
 * person and have their own statement. */

#define AGE "CASE WHEN p.is_child = 1 THEN 'child' WHEN p.is_child = 0 THEN 'adult' ELSE 'unknown' END"
#define ORIGIN                                                                                 \
	"CASE WHEN p.is_foreign = 1 THEN 'foreign' WHEN p.citizenship IS NULL THEN 'unknown'"  \
	" ELSE 'domestic' END"

#define TWO_YEARS(col)                                                                         \
	" COUNT(CASE WHEN " col " >= $2 THEN 1 END), COUNT(CASE WHEN " col " < $2 THEN 1 END)"

#define CUBE(col)                                                                              \
	"SELECT p.sex, " AGE ", " ORIGIN ", COALESCE(p.citizenship, 'unknown'),"               \
	" COALESCE(p.country_of_exploitation, 'unknown'),"                                      \
	" COALESCE(p.identification_source, 'unknown')," TWO_YEARS(col)                       \
	" FROM persons p WHERE " col " >= $1 AND " col " < $3" POP("$4", "$5", "$6")          \
	" GROUP BY 1, 2, 3, 4, 5, 6"

#define FORMS(col)                                                                             \
	"SELECT COALESCE(e.form, 'unknown')," TWO_YEARS(col)                                   \
	" FROM persons p LEFT JOIN person_exploitation e ON e.person_id = p.id"                \
	" WHERE " col " >= $1 AND " col " < $3" POP("$4", "$5", "$6") " GROUP BY 1"

const char *const RQ_CUBE[RQ_BY_COUNT] = {CUBE("p.recognized_on"), CUBE("p.identified_on")};

const char *const RQ_FORMS[RQ_BY_COUNT] = {FORMS("p.recognized_on"), FORMS("p.identified_on")};

const struct rq_dimension_info RQ_DIMENSIONS[RQ_DIM_COUNT] = {
	[RQ_DIM_SEX] = {"sex", "sex", 1, 0},
	[RQ_DIM_AGE] = {"age", NULL, 1, 1},
	[RQ_DIM_ORIGIN] = {"origin", NULL, 1, 2},
	[RQ_DIM_CITIZENSHIP] = {"citizenship", NULL, 1, 3},
	[RQ_DIM_EXPLOITATION] = {"exploitation", "exploitation", 0, -1},
	[RQ_DIM_COUNTRY_OF_EXPLOITATION] = {"country_of_exploitation", NULL, 1, 4},
	[RQ_DIM_SOURCE] = {"source", "source", 1, 5},
};

int rq_dimension_find(const char *name)
{
	for (int i = 0; i < RQ_DIM_COUNT; i++)
		if (strcmp(RQ_DIMENSIONS[i].name, name) == 0)
			return i;
	return -1;
}

/* ---- codes, approval -------------------------------------------------------------- */

const char RQ_CODE_LABELS[] = "SELECT code, label_en, label_az FROM codes WHERE list = $1";

const char RQ_CODE_EXISTS[] = "SELECT 1 FROM codes WHERE list = $1 AND code = $2";

const char RQ_AGENCY_EXISTS[] = "SELECT 1 FROM agencies WHERE code = $1";

const char RQ_FREEZE_INSERT[] =
	"INSERT INTO report_freezes (report, year, definitions_version, definitions_digest,"
	" frozen_at, figures, hash) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const char RQ_FREEZE_GET[] =
	"SELECT definitions_version, definitions_digest, frozen_at, figures, hash"
	" FROM report_freezes WHERE report = $1 AND year = $2";
