/*
 * auditlog.c - reading the audit log a page at a time, and verifying it on
 * an auditor's request (auditlog.h).  The chain's rules are audit.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/auditlog.h"
#include "db/http_queries.h"
#include "util/date.h"

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

static const char *text_or_any(const char *s)
{
	return s ? s : "";
}

err_t auditlog_page(registry *r, const struct auditlog_filter *f, int64_t before, unsigned limit,
		    auditlog_fn fn, void *ctx, int64_t *next)
{
	static const struct auditlog_filter all = {0};
	db_stmt *st = NULL;
	int64_t last = 0;
	unsigned n = 0;
	err_t e;
	int rc;
	if (!f)
		f = &all;
	if (limit < 1 || limit > AUDITLOG_PAGE_MAX || before < 0)
		return ERR_INVALID;
	if ((e = db_prepare(registry_db(r), Q_AUDITLOG_PAGE, &st)) != ERR_OK ||
	    (e = db_bind_int(st, 1, before)) != ERR_OK || (e = db_bind_int(st, 2, limit)) != ERR_OK ||
	    (e = db_bind_text(st, 3, text_or_any(f->actor))) != ERR_OK ||
	    (e = db_bind_text(st, 4, text_or_any(f->action))) != ERR_OK ||
	    (e = db_bind_text(st, 5, text_or_any(f->record))) != ERR_OK ||
	    (e = db_bind_int(st, 6, f->since)) != ERR_OK ||
	    (e = db_bind_int(st, 7, f->until ? f->until : INT64_MAX)) != ERR_OK)
		goto out;
	while ((rc = db_step(st)) == DB_ROW) {
		struct auditlog_entry x = row_entry(st);
		if ((e = fn(&x, ctx)) != ERR_OK)
			goto out;
		last = x.seq;
		n++;
	}
	e = db_done(rc);
	if (e == ERR_OK)
		*next = n == limit && last > 1 ? last : 0;
out:
	db_finalize(st);
	return e;
}

err_t auditlog_parse_time(const char *s, int64_t *start, int64_t *end)
{
	char day[DATE_TEXT_MAX];
	int64_t d;
	size_t n = s ? strlen(s) : 0;
	if (n < DATE_TEXT_MAX - 1)
		return ERR_INVALID;
	memcpy(day, s, DATE_TEXT_MAX - 1);
	day[DATE_TEXT_MAX - 1] = '\0';
	if (date_parse(day, &d) != ERR_OK)
		return ERR_INVALID;
	if (n == DATE_TEXT_MAX - 1) {
		*start = d;
		*end = d + 86400;
		return ERR_OK;
	}
	/* "THH:MM:SSZ", every digit where it belongs */
	const char *t = s + DATE_TEXT_MAX - 1, *shape = "T00:00:00Z";
	if (strlen(t) != strlen(shape))
		return ERR_INVALID;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == '0' ? t[i] < '0' || t[i] > '9' : t[i] != shape[i])
			return ERR_INVALID;
	int hh = (t[1] - '0') * 10 + t[2] - '0', mm = (t[4] - '0') * 10 + t[5] - '0',
	    ss = (t[7] - '0') * 10 + t[8] - '0';
	if (hh > 23 || mm > 59 || ss > 59)
		return ERR_INVALID;
	*start = d + hh * 3600 + mm * 60 + ss;
	*end = *start + 1;
	return ERR_OK;
}

err_t auditlog_record_read(registry *r, const struct auditlog_filter *f, struct audit_entry by)
{
	char detail[AUDIT_FIELD_MAX];
	snprintf(detail, sizeof detail, "actor=%s action=%s record=%s since=%lld until=%lld",
		 text_or_any(f->actor), text_or_any(f->action), text_or_any(f->record),
		 (long long)f->since, (long long)f->until);
	by.action = "audit.read";
	by.object_type = "audit";
	by.object_ref = "";
	by.outcome = "ok";
	by.detail = detail;
	return audit_record(registry_db(r), &by);
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
	e = db_done(rc);
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
