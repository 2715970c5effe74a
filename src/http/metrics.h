/*
 * metrics.h - the server's counters in Prometheus text format (GET /metrics):
 * requests by route and status, a latency histogram, sign-in failures and
 * requests in flight.  No label ever holds a request's values: routes are
 * named by their pattern, never by the URL.
 *
 * Every counter is atomic; any thread records, any thread renders.
 */
#ifndef HAVEN_HTTP_METRICS_H
#define HAVEN_HTTP_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES_MAX 64    /* routes of the table, plus one for "no route" */
#define METRICS_STATUSES 16      /* the statuses counted one by one, plus "other" */
#define METRICS_BUCKETS 12       /* latency buckets, plus +Inf */
#define METRICS_TEXT_MAX (1 << 20)

struct metrics {
	_Atomic uint64_t requests[METRICS_ROUTES_MAX][METRICS_STATUSES];
	_Atomic uint64_t latency[METRICS_BUCKETS + 1];
	_Atomic uint64_t latency_sum_us;
	_Atomic uint64_t signin_failures;
	_Atomic int64_t in_flight;
	/* the group commit of read audits (core/auditqueue.h), copied in by
	 * metrics_group_commit before each rendering */
	_Atomic uint64_t audit_commits, audit_entries;
};

/* Zeroes every counter. */
void metrics_init(struct metrics *m);

/* Counts a finished request: `route` is its index in the route table, or -1
 * when none matched; `us` its duration in microseconds. */
void metrics_request(struct metrics *m, int route, unsigned status, int64_t us);

void metrics_signin_failure(struct metrics *m);

/* Sets the group commit's totals: transactions committed, entries in them. */
void metrics_group_commit(struct metrics *m, uint64_t commits, uint64_t entries);

/* The exposition text, malloc'd (caller frees) with its length; NULL when out
 * of memory. */
char *metrics_render(struct metrics *m, size_t *len);

#endif
