/*
 * metrics.c - the counters of metrics.h and their exposition.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/metrics.h"
#include "http/routes.h"

static const unsigned statuses[METRICS_STATUSES - 1] = {200, 201, 204, 400, 401, 403, 404, 405,
							  409, 413, 415, 429, 431, 500, 503};
static const double bounds[METRICS_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
					       0.1,   0.25,   0.5,   1,    2.5,   5};

void metrics_init(struct metrics *m)
{
	for (int r = 0; r < METRICS_ROUTES_MAX; r++)
		for (int s = 0; s < METRICS_STATUSES; s++)
			atomic_init(&m->requests[r][s], 0);
	for (int b = 0; b <= METRICS_BUCKETS; b++)
		atomic_init(&m->latency[b], 0);
	atomic_init(&m->latency_sum_us, 0);
	atomic_init(&m->signin_failures, 0);
	atomic_init(&m->audit_commits, 0);
	atomic_init(&m->audit_entries, 0);
	atomic_init(&m->in_flight, 0);
}

static int status_slot(unsigned status)
{
	for (int i = 0; i < METRICS_STATUSES - 1; i++)
		if (statuses[i] == status)
			return i;
	return METRICS_STATUSES - 1;
}

void metrics_request(struct metrics *m, int route, unsigned status, int64_t us)
{
	int slot = route >= 0 && route < METRICS_ROUTES_MAX - 1 ? route : METRICS_ROUTES_MAX - 1;
	int b = 0;
	if (us < 0)
		us = 0;
	atomic_fetch_add(&m->requests[slot][status_slot(status)], 1);
	while (b < METRICS_BUCKETS && (double)us / 1e6 > bounds[b])
		b++;
	atomic_fetch_add(&m->latency[b], 1);
	atomic_fetch_add(&m->latency_sum_us, (uint64_t)us);
}

void metrics_signin_failure(struct metrics *m)
{
	atomic_fetch_add(&m->signin_failures, 1);
}

struct text {
	char *buf;
	size_t len, cap;
	int failed;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;
	for (;;) {
		if (t->failed)
			return;
		va_start(ap, fmt);
		n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->failed = 1;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap * 2;
		char *b = cap <= METRICS_TEXT_MAX ? realloc(t->buf, cap) : NULL;
		if (!b) {
			t->failed = 1;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

static void render_requests(struct metrics *m, struct text *t)
{
	put(t, "# HELP haven_http_requests_total Requests answered, by route and status.\n"
	       "# TYPE haven_http_requests_total counter\n");
	for (int r = 0; r < METRICS_ROUTES_MAX; r++) {
		int known = r < (int)routes_count;
		if (!known && r != METRICS_ROUTES_MAX - 1)
			continue;
		for (int s = 0; s < METRICS_STATUSES; s++) {
			uint64_t n = atomic_load(&m->requests[r][s]);
			if (!n)
				continue;
			char status[8];
			if (s < METRICS_STATUSES - 1)
				snprintf(status, sizeof status, "%u", statuses[s]);
			else
				snprintf(status, sizeof status, "other");
			put(t, "haven_http_requests_total{route=\"%s %s\",status=\"%s\"} %llu\n",
			    known ? routes[r].method : "-", known ? routes[r].pattern : "unmatched",
			    status, (unsigned long long)n);
		}
	}
}

static void render_latency(struct metrics *m, struct text *t)
{
	uint64_t cumulative = 0;
	put(t, "# HELP haven_http_request_duration_seconds Time from request to response.\n"
	       "# TYPE haven_http_request_duration_seconds histogram\n");
	for (int b = 0; b < METRICS_BUCKETS; b++) {
		cumulative += atomic_load(&m->latency[b]);
		put(t, "haven_http_request_duration_seconds_bucket{le=\"%g\"} %llu\n", bounds[b],
		    (unsigned long long)cumulative);
	}
	cumulative += atomic_load(&m->latency[METRICS_BUCKETS]);
	put(t, "haven_http_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
	    (unsigned long long)cumulative);
	put(t, "haven_http_request_duration_seconds_sum %.6f\n",
	    (double)atomic_load(&m->latency_sum_us) / 1e6);
	put(t, "haven_http_request_duration_seconds_count %llu\n", (unsigned long long)cumulative);
}

void metrics_group_commit(struct metrics *m, uint64_t commits, uint64_t entries)
{
	atomic_store(&m->audit_commits, commits);
	atomic_store(&m->audit_entries, entries);
}

char *metrics_render(struct metrics *m, size_t *len)
{
	struct text t = {malloc(16384), 0, 16384, 0};
	if (!t.buf)
		return NULL;
	render_requests(m, &t);
	render_latency(m, &t);
	put(&t, "# HELP haven_signin_failures_total Sign-in attempts refused or held back.\n"
		"# TYPE haven_signin_failures_total counter\n"
		"haven_signin_failures_total %llu\n",
	    (unsigned long long)atomic_load(&m->signin_failures));
	put(&t, "# HELP haven_http_in_flight Requests being answered now.\n"
		"# TYPE haven_http_in_flight gauge\n"
		"haven_http_in_flight %lld\n",
	    (long long)atomic_load(&m->in_flight));
	put(&t, "# HELP haven_audit_group_commits_total Transactions that committed read audits.\n"
		"# TYPE haven_audit_group_commits_total counter\n"
		"haven_audit_group_commits_total %llu\n"
		"# HELP haven_audit_group_entries_total Read audits committed by them (one sync each).\n"
		"# TYPE haven_audit_group_entries_total counter\n"
		"haven_audit_group_entries_total %llu\n",
	    (unsigned long long)atomic_load(&m->audit_commits),
	    (unsigned long long)atomic_load(&m->audit_entries));
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
