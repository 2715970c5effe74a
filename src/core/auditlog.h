/*
 * auditlog.h - the audit log as the auditor reads it: pages of entries,
 * newest first, and the verification of the chain (audit_verify of
 * audit.h, reused, not repeated).
 *
 * An entry here is who (actor, agency, role), when, which action with which
 * outcome, and which record by its pseudonymous reference; never the
 * entry's free-text detail (a coordinator's stated reason may name a
 * person), so nothing personal leaves this module.
 */
#ifndef HAVEN_AUDITLOG_H
#define HAVEN_AUDITLOG_H

#include <stdint.h>

#include "core/audit.h"
#include "core/registry.h"

#define AUDITLOG_PAGE_MAX 100

/* One entry as listed; strings borrowed, valid during the callback only. */
struct auditlog_entry {
	int64_t seq, at;
	const char *actor, *agency, *role, *action, *object_type, *object_ref, *outcome;
};

/* Which entries to list: who did what to which record when, for a breach
 * inquiry ("which records did user X read between t1 and t2", HUM-13). */
struct auditlog_filter {
	const char *actor, *action, *record; /* NULL or "": any */
	int64_t since, until;                /* entries at >= since and < until; 0: open */
};

/*
 * Calls fn for up to `limit` (1..AUDITLOG_PAGE_MAX) entries that pass the
 * filter (NULL: all) and are older than sequence number `before` (0: from
 * the newest), newest first.  *next gets the `before` of the following
 * page, 0 when this one reached the first entry.  A non-OK return of fn
 * stops and is returned.
 */
typedef err_t (*auditlog_fn)(const struct auditlog_entry *e, void *ctx);
err_t auditlog_page(registry *r, const struct auditlog_filter *f, int64_t before, unsigned limit,
		    auditlog_fn fn, void *ctx, int64_t *next);

/* A time as a filter takes it, UTC: "YYYY-MM-DD" (a whole day) or
 * "YYYY-MM-DDTHH:MM:SSZ" (one second).  *start is its first second, *end
 * the second after its last, so that "since" takes start and "until" end,
 * both inclusive.  ERR_INVALID when it is neither. */
err_t auditlog_parse_time(const char *s, int64_t *start, int64_t *end);

/* Writes the entry "audit.read" for the principal `by`, with the filter as
 * its detail, in a transaction of its own: reading the log is on record. */
err_t auditlog_record_read(registry *r, const struct auditlog_filter *f, struct audit_entry by);

/*
 * What happened to one's own account (ASVS 6.3.7, 6.4.6: users are told of
 * failed sign-ins and of changes others made to their account; Haven has no
 * mail server, so the telling is in the interface).  Calls fn for up to
 * `limit` (1..AUDITLOG_PAGE_MAX) entries about account `username`, newest
 * first, with `notice` set on those the user should be told of: made since
 * the sign-in before the latest one, and either refused (a wrong password,
 * a wrong reset code) or done by someone else (a reset, a new role; not the
 * account's making).
 */
typedef err_t (*auditlog_account_fn)(const struct auditlog_entry *e, int notice, void *ctx);
err_t auditlog_account(registry *r, const char *username, unsigned limit, auditlog_account_fn fn,
		       void *ctx);

/*
 * Verifies the whole chain (audit_verify) for the principal `by` and writes
 * an "audit.verify" entry with the outcome in its own transaction, after the
 * check: the verification itself is on record.  *out as audit_verify.
 */
err_t auditlog_verify(registry *r, const struct audit_entry *by, struct audit_verdict *out);

#endif
