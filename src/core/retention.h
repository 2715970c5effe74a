/*
 * retention.h - how long records are kept (checklist HUM-11).
 *
 * A person's record is kept for the years of their status
 * (retention_periods: not_confirmed 3, potential_victim 5, victim 10 by
 * default) after the last day anything happened in their family's case: the
 * person or any of their dependants identified, recognised, a decision, a
 * service given or ended, a referral sent or closed (the case's own dates,
 * not the day its rows were imported).  A dependant follows the parent's
 * status and goes with the parent.  Kept with no end: a dependant without a
 * parent in the registry, a case with no date, a status with no period (a
 * deployment's own).  A legal hold on anyone of a family keeps the whole
 * family, whatever the period.
 *
 * A purge is the erasure of HUM-09 (registry_erase_person): personal values
 * destroyed, the statistical record kept, later writes refused; one audit
 * entry ("person.erase", detail "retention period ended": not the status,
 * which the years kept would tell) per person, in the same transaction.
 */
#ifndef HAVEN_RETENTION_H
#define HAVEN_RETENTION_H

#include <stdint.h>

#include "core/codes.h"
#include "core/record.h"
#include "core/registry.h"

#define RETENTION_REASON_LIST "legal_hold_reason"

/* One person the rule decides on, as retention_each hands it over. */
struct retention_case {
	const char *ref;         /* borrowed for the call */
	const char *status;      /* the status whose period counts (the parent's) */
	int years;               /* 0: no period, kept */
	int64_t last;            /* the family's last day of activity (date.h) */
	int64_t until;           /* kept until this day; DATE_NONE with no period */
	int held;                /* a legal hold keeps the family */
};

/* Calls fn with each status that has a period and its years, by status. */
err_t retention_each_period(registry *r, err_t (*fn)(const char *status, int years, void *ctx),
			    void *ctx);

/* Calls fn for every person not erased yet whose period ended by `now` (and
 * with `all`, for every other person not erased too), in id order. */
err_t retention_each(registry *r, int64_t now, int all,
		     err_t (*fn)(const struct retention_case *c, int due, void *ctx), void *ctx);

struct retention_summary {
	int64_t purged, held, kept;
};

/*
 * Purges every person whose period ended by `now` and whom no hold keeps,
 * each in its own transaction with its audit entry; with `dry_run` only
 * counts.  `each`, when not NULL, is told of every person purged (or, dry,
 * that would be).  Then flushes the erased values out of the files
 * (registry_flush_erased).
 */
err_t retention_run(registry *r, int64_t now, int dry_run,
		    void (*each)(const struct retention_case *c, void *ctx), void *ctx,
		    struct retention_summary *out);

/* The legal hold on one person's own row (retention_case.held also counts
 * a hold on anyone of the family). */
struct retention_hold_info {
	int held;                        /* 0: none; the rest is then empty */
	char reason[CODES_CODE_MAX + 1]; /* a legal_hold_reason code */
	int64_t since;                   /* the day it was put (date.h) */
};

/* Reads the hold on person `ref` into *out (held 0 when there is none, also
 * for no such person), for lifting it and the subject access report. */
err_t retention_hold_read(registry *r, const char *ref, struct retention_hold_info *out);

/* *out from a legal_holds row's reason (NULL: no hold) and set_at, for a
 * reader that has the row already (caseview.c reads it with the person's
 * relation, in the statement every read of a person runs anyway). */
void retention_hold_of(const char *reason, int64_t set_at, struct retention_hold_info *out);

/* Puts (reason: a legal_hold_reason code) or lifts (reason NULL) the legal
 * hold on person `ref` for `set_by`, audited by the registry's actor
 * ("person.hold" / "person.release") in the same transaction.  ERR_NOT_FOUND for no such person, ERR_INVALID for an
 * unknown reason, ERR_CONFLICT to lift a hold there is not. */
err_t retention_hold(registry *r, const char *ref, const char *reason, const char *set_by,
		     int64_t now);
/* The same, inside the caller's write transaction, which audits it. */
err_t retention_hold_write(registry *r, const char *ref, const char *reason, const char *set_by,
			   int64_t now);

#endif
