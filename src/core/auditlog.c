/*
 * auditlog.c - reading the audit log a page at a time, and verifying it on
 * an auditor's request (auditlog.h).  The chain's rules are audit.c's.
 */
#include <stdio.h>
#include <string.h>

#include "core/auditlog.h"
#include "db/http_queries.h"

/* A row of Q_AUDITLOG_PAGE or Q_AUDITLOG_ACCOUNT; strings borrowed from st. */
static struct auditlog_entry row_entry(db_stmt *st)
{
	return (struct auditlog_entry){
		.seq = db_col_int(st, 0),       .at = db_col_int(st, 1),
		.actor = db_col_text(st, 2),    .agency = db_col_text(st, 3),
		.role = db_col_text(st, 4),     .action = db_col_text(st, 5),
		.object_type = db_col_text(st, 6), .object_ref = db_col_text(st, 7),
		.outcome = db_col_text(st, 8)};
}

err_t auditlog_page(registry *r, int64_t before, unsigned limit, auditlog_fn fn, void *ctx,
		    int64_t *next)
{
	db_stmt *st = NULL;
	int64_t last = 0;
	unsigned n = 0;
	err_t e;
	int rc;
	if (limit < 1 || limit > AUDITLOG_PAGE_MAX || before < 0)
		return ERR_INVALID;
	if ((e = db_prepare(registry_db(r), Q_AUDITLOG_PAGE, &st)) != ERR_OK ||
	    (e = db_bind_int(st, 1, before)) != ERR_OK ||
	    (e = db_bind_int(st, 2, limit)) != ERR_OK)
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		struct auditlog_entry x = row_entry(st);
		if ((e = fn(&x, ctx)) != ERR_OK)
			goto out;
		last = x.seq;
		n++;
	}
	e = rc == DB_DONE ? ERR_OK : rc < 0 ? (err_t)-rc : ERR_DB;
	if (e == ERR_OK)
		*next = n == limit && last > 1 ? last : 0;
out:
	db_finalize(st);
	return e;
}

/* What a user should be told of: a refusal, or someone else's doing (but
 * the account's own making, which is no news to its first sign-in). */
static int notable(const struct auditlog_entry *x, const char *username)
{
	if (strcmp(x->outcome, "ok") != 0)
		return 1;
	return strcmp(x->actor, username) != 0 && strcmp(x->action, "user.add") != 0;
}

err_t auditlog_account(registry *r, const char *username, unsigned limit, auditlog_account_fn fn,
		       void *ctx)
{
	db_stmt *st = NULL;
	int signins = 0, rc = DB_DONE;
	err_t e;
	if (limit < 1 || limit > AUDITLOG_PAGE_MAX)
		return ERR_INVALID;
	if ((e = db_prepare(registry_db(r), Q_AUDITLOG_ACCOUNT, &st)) != ERR_OK ||
	    (e = db_bind_text(st, 1, username)) != ERR_OK ||
	    (e = db_bind_int(st, 2, limit)) != ERR_OK)
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		struct auditlog_entry x = row_entry(st);
		/* the latest successful sign-in is the user's own, this one */
		signins += strcmp(x.action, "signin") == 0 && strcmp(x.outcome, "ok") == 0;
		if ((e = fn(&x, signins < 2 && notable(&x, username), ctx)) != ERR_OK)
			goto out;
	}
	e = rc == DB_DONE ? ERR_OK : rc < 0 ? (err_t)-rc : ERR_DB;
out:
	db_finalize(st);
	return e;
}

err_t auditlog_verify(registry *r, const struct audit_entry *by, struct audit_verdict *out)
{
	struct audit_verdict v;
	char detail[64];
	err_t e = audit_verify(registry_db(r), &v);
	if (e != ERR_OK)
		return e;
	snprintf(detail, sizeof detail, "entries=%lld first_bad=%lld", (long long)v.entries,
		 (long long)v.first_bad);
	struct audit_entry a = *by;
	a.action = "audit.verify";
	a.object_type = "audit";
	a.object_ref = "";
	a.outcome = v.first_bad ? "failed" : "ok";
	a.detail = detail;
	if ((e = audit_record(registry_db(r), &a)) == ERR_OK)
		*out = v;
	return e;
}
