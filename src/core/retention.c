/*
 * retention.c - how long records are kept, and the purge (retention.h).
 *
 * Every person is read once (id, status, parent, own last day of activity,
 * hold, erased), families are put together in memory, and the rule is
 * applied per family: that is one query for any size of registry, where a
 * query per person would be one per row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/retention.h"
#include "db/queries.h"
#include "util/date.h"

#define STATUS_MAX 32
#define PERIODS_MAX 32

struct period {
	char status[STATUS_MAX + 1];
	int years;
};

struct row {
	int64_t id, parent; /* parent 0: none */
	char *ref;
	char status[STATUS_MAX + 1];
	int64_t last;
	int held, erased;
	size_t family; /* index of the family's head (the parent, or itself) */
};

struct people {
	struct row *rows;
	size_t n, cap;
	struct period periods[PERIODS_MAX];
	size_t nperiods;
};

static void people_free(struct people *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->rows[i].ref);
	free(p->rows);
}

err_t retention_each_period(registry *r, err_t (*fn)(const char *status, int years, void *ctx),
			    void *ctx)
{
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = db_prepare(registry_db(r), Q_RETENTION_PERIODS, &st);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		e = fn(db_col_text(st, 0), (int)db_col_int(st, 1), ctx);
	if (e == ERR_OK && rc != DB_DONE)
		e = db_step_error(rc);
	db_finalize(st);
	return e;
}

static err_t keep_period(const char *status, int years, void *ctx)
{
	struct people *p = ctx;
	if (p->nperiods == PERIODS_MAX)
		return ERR_OK; /* more statuses than a deployment has: the rest are kept */
	struct period *x = &p->periods[p->nperiods++];
	snprintf(x->status, sizeof x->status, "%s", status);
	x->years = years;
	return ERR_OK;
}

static err_t add_row(struct people *p, db_stmt *st)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		struct row *grown = realloc(p->rows, cap * sizeof *grown);
		if (!grown)
			return ERR_NOMEM;
		p->rows = grown;
		p->cap = cap;
	}
	const char *text = db_col_text(st, 1);
	char *ref = text ? strdup(text) : NULL;
	if (!ref)
		return ERR_NOMEM;
	struct row *x = &p->rows[p->n++];
	*x = (struct row){.id = db_col_int(st, 0), .ref = ref,
			  .parent = db_col_is_null(st, 3) ? 0 : db_col_int(st, 3),
			  .last = db_col_is_null(st, 4) ? DATE_NONE : db_col_int(st, 4),
			  .held = (int)db_col_int(st, 5), .erased = (int)db_col_int(st, 6)};
	snprintf(x->status, sizeof x->status, "%s", db_col_text(st, 2));
	return ERR_OK;
}

static size_t find_id(const struct people *p, int64_t id)
{
	size_t lo = 0, hi = p->n; /* rows come in id order */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (p->rows[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < p->n && p->rows[lo].id == id ? lo : p->n;
}

/* Each family's last day and hold, gathered on its head. */
static void join_families(struct people *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct row *x = &p->rows[i];
		size_t head = x->parent ? find_id(p, x->parent) : i;
		x->family = head < p->n ? head : i;
	}
	for (size_t i = 0; i < p->n; i++) {
		struct row *x = &p->rows[i], *h = &p->rows[x->family];
		if (h == x)
			continue;
		if (x->last != DATE_NONE && (h->last == DATE_NONE || x->last > h->last))
			h->last = x->last;
		h->held |= x->held;
	}
}

static err_t load_people(registry *r, struct people *p)
{
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = retention_each_period(r, keep_period, p);
	if (e == ERR_OK)
		e = db_prepare(registry_db(r), Q_RETENTION_PERSONS, &st);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		e = add_row(p, st);
	if (e == ERR_OK && rc != DB_DONE)
		e = db_step_error(rc);
	db_finalize(st);
	if (e == ERR_OK)
		join_families(p);
	return e;
}

static int years_of(const struct people *p, const char *status)
{
	for (size_t i = 0; i < p->nperiods; i++)
		if (strcmp(p->periods[i].status, status) == 0)
			return p->periods[i].years;
	return 0;
}

/* The same day `years` later (29 February: 1 March in a common year). */
static int64_t plus_years(int64_t day, int years)
{
	time_t t = (time_t)day;
	struct tm tm;
	gmtime_r(&t, &tm);
	tm.tm_year += years;
	return (int64_t)timegm(&tm);
}

/* What the rule says of row i: its case as handed over. */
static struct retention_case case_of(const struct people *p, size_t i)
{
	const struct row *x = &p->rows[i], *h = &p->rows[x->family];
	int orphan = strcmp(x->status, "dependant") == 0 && h == x;
	struct retention_case c = {.ref = x->ref, .status = h->status, .last = h->last,
				   .years = orphan ? 0 : years_of(p, h->status),
				   .until = DATE_NONE, .held = h->held};
	if (c.years && c.last != DATE_NONE)
		c.until = plus_years(c.last, c.years);
	return c;
}

err_t retention_each(registry *r, int64_t now, int all,
		     err_t (*fn)(const struct retention_case *c, int due, void *ctx), void *ctx)
{
	struct people p = {0};
	err_t e = load_people(r, &p);
	for (size_t i = 0; e == ERR_OK && i < p.n; i++) {
		if (p.rows[i].erased)
			continue;
		struct retention_case c = case_of(&p, i);
		int due = c.until != DATE_NONE && c.until <= now;
		if (due || all)
			e = fn(&c, due, ctx);
	}
	people_free(&p);
	return e;
}

struct run {
	registry *r;
	int dry_run;
	void (*each)(const struct retention_case *c, void *ctx);
	void *ctx;
	struct retention_summary *out;
};

/* The audit entry and the erasure list say why, not the status: the years
 * kept would tell it (docs/internals/fields.md). */
#define PURGE_REASON "retention period ended"

static err_t purge(registry *r, const struct retention_case *c)
{
	db *d = registry_db(r);
	err_t e = db_begin(d);
	if (e == ERR_OK && (e = registry_erase_person(r, c->ref, PURGE_REASON)) == ERR_OK &&
	    (e = registry_audit(r, "person.erase", "person", c->ref, "ok", PURGE_REASON)) == ERR_OK &&
	    (e = db_commit(d)) == ERR_OK)
		return ERR_OK;
	db_rollback(d);
	return e;
}

static err_t purge_one(const struct retention_case *c, int due, void *ctx)
{
	struct run *x = ctx;
	err_t e = ERR_OK;
	(void)due;
	if (c->held) {
		x->out->held++;
		return ERR_OK;
	}
	if (!x->dry_run && (e = purge(x->r, c)) != ERR_OK)
		return e;
	x->out->purged++;
	if (x->each)
		x->each(c, x->ctx);
	return ERR_OK;
}

err_t retention_run(registry *r, int64_t now, int dry_run,
		    void (*each)(const struct retention_case *c, void *ctx), void *ctx,
		    struct retention_summary *out)
{
	struct run x = {r, dry_run, each, ctx, out};
	*out = (struct retention_summary){0};
	err_t e = retention_each(r, now, 0, purge_one, &x);
	if (e == ERR_OK && out->purged && !dry_run)
		(void)registry_flush_erased(r); /* committed; the files empty at the next one at worst */
	return e;
}

#define DAY_SECONDS 86400

void retention_hold_of(const char *reason, int64_t set_at, struct retention_hold_info *out)
{
	*out = (struct retention_hold_info){.held = reason != NULL};
	if (!reason)
		return;
	snprintf(out->reason, sizeof out->reason, "%s", reason);
	out->since = set_at - ((set_at % DAY_SECONDS) + DAY_SECONDS) % DAY_SECONDS;
}

err_t retention_hold_read(registry *r, const char *ref, struct retention_hold_info *out)
{
	db_stmt *st = NULL;
	int rc;
	err_t e = db_prepare(registry_db(r), Q_HOLD_GET, &st);
	*out = (struct retention_hold_info){0};
	if (e == ERR_OK && (e = db_bind_text(st, 1, ref)) == ERR_OK) {
		rc = db_step(st);
		if (rc == DB_ROW)
			retention_hold_of(db_col_text(st, 0), db_col_int(st, 1), out);
		else
			e = db_done(rc);
	}
	db_finalize(st);
	return e;
}

err_t retention_hold_write(registry *r, const char *ref, const char *reason, const char *set_by,
			   int64_t now)
{
	db_stmt *st = NULL;
	const char *status;
	err_t e;
	if (reason && !codes_has(registry_codes(r), RETENTION_REASON_LIST, reason))
		return ERR_INVALID;
	if ((e = registry_person_status(r, ref, &status)) != ERR_OK)
		return e;
	if (!reason) {
		struct retention_hold_info now_held = {0};
		if ((e = retention_hold_read(r, ref, &now_held)) != ERR_OK)
			return e;
		if (!now_held.held)
			return ERR_CONFLICT;
	}
	e = db_prepare(registry_db(r), reason ? Q_HOLD_PUT : Q_HOLD_DROP, &st);
	if (e == ERR_OK && (e = db_bind_text(st, 1, ref)) == ERR_OK && reason &&
	    (e = db_bind_text(st, 2, reason)) == ERR_OK && (e = db_bind_text(st, 3, set_by)) == ERR_OK)
		e = db_bind_int(st, 4, now);
	if (e == ERR_OK)
		e = db_done(db_step(st));
	db_finalize(st);
	return e;
}

err_t retention_hold(registry *r, const char *ref, const char *reason, const char *set_by,
		     int64_t now)
{
	db *d = registry_db(r);
	err_t e = db_begin(d);
	if (e != ERR_OK)
		return e;
	if ((e = retention_hold_write(r, ref, reason, set_by, now)) == ERR_OK)
		e = registry_audit(r, reason ? "person.hold" : "person.release", "person", ref, "ok",
				   reason ? reason : "");
	if (e == ERR_OK && (e = db_commit(d)) == ERR_OK)
		return ERR_OK;
	db_rollback(d);
	return e;
}
