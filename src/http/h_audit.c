/*
 * h_audit.c - the audit log for auditors: GET /api/v1/audit?before&limit
 * &actor&action&record&since&until (entries newest first, a page at a time,
 * filtered for a breach inquiry; each page read is itself audited) and
 * GET /api/v1/audit/verify
 * (the whole chain recomputed, audit_verify through auditlog.c); and, for
 * every signed-in user, GET /api/v1/session/activity: the entries about
 * their own account, those they should be told of marked.  Entries
 * carry who, agency, role, when, action, outcome and the record's
 * pseudonymous reference, never a personal value or free text.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "core/auditlog.h"
#include "http/handlers.h"
#include "http/reply.h"

#define AUDIT_PAGE_DEFAULT 50

/* A whole number in [lo, hi] from query text (NULL: `dflt`); -1 when not. */
static long long number(const char *text, long long lo, long long hi, long long dflt)
{
	char *end = NULL;
	long long v;
	if (!text)
		return dflt;
	v = strtoll(text, &end, 10);
	return *text && !*end && v >= lo && v <= hi ? v : -1;
}

static json_t *entry_json(const struct auditlog_entry *x)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "seq",
				 (json_int_t)x->seq, "at", (json_int_t)x->at, "actor",
				 x->actor ? x->actor : "", "agency", x->agency ? x->agency : "",
				 "role", x->role ? x->role : "", "action", x->action ? x->action : "",
				 "object_type", x->object_type ? x->object_type : "", "object_id",
				 x->object_ref ? x->object_ref : "", "outcome",
				 x->outcome ? x->outcome : "");
}

static err_t add_entry(const struct auditlog_entry *x, void *ctx)
{
	json_t *item = entry_json(x);
	return item && json_array_append_new(ctx, item) == 0 ? ERR_OK : ERR_NOMEM;
}

static err_t add_account_entry(const struct auditlog_entry *x, int notice, void *ctx)
{
	json_t *item = entry_json(x);
	if (item && json_object_set_new(item, "notice", json_boolean(notice)) != 0) {
		json_decref(item);
		item = NULL;
	}
	return item && json_array_append_new(ctx, item) == 0 ? ERR_OK : ERR_NOMEM;
}

err_t h_session_activity(struct request *rq, struct reply *out)
{
	long long limit = number(request_query(rq, "limit"), 1, AUDITLOG_PAGE_MAX,
				 AUDIT_PAGE_DEFAULT);
	json_t *list;
	err_t e;
	if (limit < 0) {
		reply_field_error(out, "limit", "a whole number from 1 to %d", AUDITLOG_PAGE_MAX);
		return ERR_INVALID;
	}
	if (!(list = json_array()))
		return ERR_NOMEM;
	e = auditlog_account(rq->reg, request_who(rq)->username, (unsigned)limit,
			     add_account_entry, list);
	if (e != ERR_OK) {
		json_decref(list);
		return e;
	}
	out->json = json_pack("{s:o}", "entries", list);
	return out->json ? ERR_OK : ERR_NOMEM;
}

/* The filter from the query; each bad field named in out. */
static int read_filter(struct request *rq, struct auditlog_filter *f, struct reply *out)
{
	const char *since = request_query(rq, "since"), *until = request_query(rq, "until");
	int64_t ignored;
	int ok = 1;
	*f = (struct auditlog_filter){.actor = request_query(rq, "actor"),
				      .action = request_query(rq, "action"),
				      .record = request_query(rq, "record")};
	if (since && *since && auditlog_parse_time(since, &f->since, &ignored) != ERR_OK) {
		reply_field_error(out, "since", "a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ (UTC)");
		ok = 0;
	}
	if (until && *until && auditlog_parse_time(until, &ignored, &f->until) != ERR_OK) {
		reply_field_error(out, "until", "a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ (UTC)");
		ok = 0;
	}
	return ok;
}

err_t h_audit_list(struct request *rq, struct reply *out)
{
	long long before = number(request_query(rq, "before"), 1, INT64_MAX, 0);
	long long limit = number(request_query(rq, "limit"), 1, AUDITLOG_PAGE_MAX,
				 AUDIT_PAGE_DEFAULT);
	struct auditlog_filter f;
	int64_t next = 0;
	json_t *list;
	err_t e;
	int ok = read_filter(rq, &f, out);
	if (before < 0)
		reply_field_error(out, "before", "a sequence number from 1");
	if (limit < 0)
		reply_field_error(out, "limit", "a whole number from 1 to %d", AUDITLOG_PAGE_MAX);
	if (before < 0 || limit < 0 || !ok)
		return ERR_INVALID;
	if (!(list = json_array()))
		return ERR_NOMEM;
	e = auditlog_page(rq->reg, &f, before, (unsigned)limit, add_entry, list, &next);
	if (e == ERR_OK) /* the auditor's reading is on record before it is shown (AUD-11) */
		e = auditlog_record_read(rq->reg, &f, request_audit_entry(rq));
	if (e != ERR_OK) {
		json_decref(list);
		return e;
	}
	out->json = json_pack("{s:o}", "entries", list);
	if (out->json && next && json_object_set_new(out->json, "next", json_integer(next)) != 0)
		return ERR_NOMEM;
	return out->json ? ERR_OK : ERR_NOMEM;
}

err_t h_audit_verify(struct request *rq, struct reply *out)
{
	struct audit_entry by = request_audit_entry(rq);
	struct audit_verdict v;
	char head[2 * AUDIT_HASH_BYTES + 1], root[2 * AUDIT_HASH_BYTES + 1];
	err_t e = auditlog_verify(rq->reg, &by, &v);
	if (e != ERR_OK)
		return e;
	sodium_bin2hex(head, sizeof head, v.head, AUDIT_HASH_BYTES);
	sodium_bin2hex(root, sizeof root, v.root, AUDIT_HASH_BYTES);
	out->json = json_pack("{s:b, s:I, s:s, s:s, s:I}", "intact", v.first_bad == 0, "entries",
			      (json_int_t)v.entries, "head", head, "root", root, "clock_regressions",
			      (json_int_t)v.clock_regressions);
	if (out->json && v.first_bad &&
	    (json_object_set_new(out->json, "first_bad", json_integer(v.first_bad)) != 0 ||
	     json_object_set_new(out->json, "reason", json_string(v.reason)) != 0))
		return ERR_NOMEM;
	return out->json ? ERR_OK : ERR_NOMEM;
}
