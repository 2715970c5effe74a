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
 * Breakdown queries (RQ_BREAKDOWN[dimension][event]) return (category, count
 * in Y, count in Y-1), largest first, with
 *   $1 start of Y-1, $2 start of Y, $3 start of Y+1, $4..$6 as $7..$9 above.
 */
#ifndef HAVEN_REPORT_QUERIES_H
#define HAVEN_REPORT_QUERIES_H

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

extern const char RQ_RECOGNIZED_PERSONS[];
extern const char RQ_IDENTIFIED_PERSONS[];
extern const char RQ_SERVICE_PERSONS[];
extern const char RQ_SERVICE_PARENTS[];
extern const char RQ_SERVICE_SUM[];
extern const char RQ_REFERRAL_PERSONS[];
extern const char RQ_REFERRAL_PARENTS[];

extern const char *const RQ_BREAKDOWN[RQ_DIM_COUNT][RQ_BY_COUNT];

/* Labels of a code list ($1: "sex", "source", "exploitation"): code, en, az. */
extern const char RQ_CODE_LABELS[];
/* One row when code $2 is in list $1. */
extern const char RQ_CODE_EXISTS[];
/* One row when agency $1 exists. */
extern const char RQ_AGENCY_EXISTS[];

/* Approved reports (migration 003). */
extern const char RQ_FREEZE_INSERT[];
extern const char RQ_FREEZE_GET[];

#endif
