/*
 * erasure.c - the four-eyes erasure of erasure.h over `erasure_requests`.
 */
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/erasure.h"
#include "db/http_queries.h"

static err_t step_err(int rc)
{
	return rc == DB_DONE || rc == DB_ROW ? ERR_OK : db_step_error(rc);
}

/* 1 when the statement of `sql` with text $1 gives a row; -err on failure. */
static int exists(registry *r, const char *sql, const char *ref, int64_t *first)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), sql, &st);
	int rc = 0, found = 0;
	if (e == ERR_OK && (e = db_bind_text(st, 1, ref)) == ERR_OK) {
		rc = db_step(st);
		found = rc == DB_ROW;
		if (found && first)
			*first = db_col_int(st, 0);
		e = step_err(rc);
	}
	db_finalize(st);
	return e == ERR_OK ? found : -(int)e;
}

static err_t audit(registry *r, const struct principal *who, const char *action, const char *ref,
		   const char *request_id, const char *detail)
{
	struct audit_entry a = {.actor = who->username, .agency = who->agency,
				.role = policy_role_name(who->role), .action = action,
				.object_type = "person", .object_ref = ref,
				.request_id = request_id, .outcome = "ok", .detail = detail};
	return audit_append(registry_db(r), &a, NULL);
}

static err_t finish(db *d, err_t e)
{
	if (e == ERR_OK)
		e = db_commit(d);
	if (e != ERR_OK)
		db_rollback(d);
	return e;
}

err_t erasure_ask(registry *r, const struct principal *who, const char *ref, const char *reason,
		  const char *request_id, int64_t now, int64_t *id)
{
	char detail[AUDIT_FIELD_MAX];
	db *d = registry_db(r);
	db_stmt *st = NULL;
	err_t e = db_begin(d);
	int found;
	if (e != ERR_OK)
		return e;
	if ((found = exists(r, Q_ERASURE_PERSON, ref, NULL)) < 0) {
		e = (err_t)-found;
		goto out;
	}
	if (!found) {
		e = ERR_NOT_FOUND;
		goto out;
	}
	if (registry_is_erased(r, ref) || (found = exists(r, Q_ERASURE_PENDING_FOR, ref, NULL)) != 0) {
		e = found < 0 ? (err_t)-found : ERR_CONFLICT;
		goto out;
	}
	if ((e = db_prepare(d, Q_ERASURE_INSERT, &st)) == ERR_OK &&
	    !((e = db_bind_text(st, 1, ref)) || (e = db_bind_text(st, 2, reason)) ||
	      (e = db_bind_text(st, 3, who->username)) || (e = db_bind_int(st, 4, now)))) {
		int rc = db_step(st);
		if (rc == DB_ROW)
			*id = db_col_int(st, 0);
		e = rc == DB_ROW ? ERR_OK : step_err(rc) == ERR_OK ? ERR_DB : step_err(rc);
	}
	db_finalize(st);
	snprintf(detail, sizeof detail, "request %lld: %s", (long long)*id, reason);
	if (e == ERR_OK)
		e = audit(r, who, "person.erase.request", ref, request_id, detail);
out:
	return finish(d, e);
}

static err_t read_request(db_stmt *st, struct erasure_request *q)
{
	const char *ref = db_col_text(st, 1), *reason = db_col_text(st, 2),
		   *by = db_col_text(st, 3), *state = db_col_text(st, 5);
	memset(q, 0, sizeof *q);
	if (!ref || !reason || !by || !state || strlen(ref) > RECORD_REF_MAX ||
	    strlen(reason) > ERASURE_REASON_MAX || strlen(by) > PRINCIPAL_NAME_MAX)
		return ERR_DB;
	q->id = db_col_int(st, 0);
	memcpy(q->person_ref, ref, strlen(ref) + 1);
	memcpy(q->reason, reason, strlen(reason) + 1);
	memcpy(q->requested_by, by, strlen(by) + 1);
	q->requested_at = db_col_int(st, 4);
	q->approved = strcmp(state, "approved") == 0;
	return ERR_OK;
}

static err_t load(registry *r, int64_t id, struct erasure_request *q)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_ERASURE_GET, &st);
	if (e == ERR_OK && (e = db_bind_int(st, 1, id)) == ERR_OK) {
		int rc = db_step(st);
		e = rc == DB_ROW ? read_request(st, q) : rc == DB_DONE ? ERR_NOT_FOUND : step_err(rc);
	}
	db_finalize(st);
	return e;
}

static err_t decide(registry *r, const struct principal *who, int64_t id, int64_t now)
{
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_ERASURE_DECIDE, &st);
	if (e == ERR_OK && !((e = db_bind_int(st, 1, id)) || (e = db_bind_text(st, 2, who->username)) ||
			     (e = db_bind_int(st, 3, now)))) {
		int rc = db_step(st);
		e = rc == DB_DONE ? ERR_CONFLICT : step_err(rc);
	}
	db_finalize(st);
	return e;
}

err_t erasure_approve(registry *r, const struct principal *who, int64_t id,
		      const char *request_id, int64_t now, struct erasure_request *out)
{
	char detail[AUDIT_FIELD_MAX];
	struct erasure_request q;
	db *d = registry_db(r);
	err_t e = db_begin(d);
	if (e != ERR_OK)
		return e;
	if ((e = load(r, id, &q)) != ERR_OK)
		goto out;
	if (q.approved) {
		e = ERR_CONFLICT;
		goto out;
	}
	if (strcmp(q.requested_by, who->username) == 0) {
		e = ERR_FORBIDDEN; /* four eyes: never one's own request */
		goto out;
	}
	if ((e = decide(r, who, id, now)) != ERR_OK)
		goto out;
	if ((e = registry_erase_person(r, q.person_ref, q.reason)) == ERR_NOT_FOUND)
		e = ERR_CONFLICT;
	snprintf(detail, sizeof detail, "request %lld of %s: %s", (long long)id, q.requested_by,
		 q.reason);
	if (e == ERR_OK)
		e = audit(r, who, "person.erase", q.person_ref, request_id, detail);
out:
	if ((e = finish(d, e)) != ERR_OK)
		return e;
	if (out)
		*out = q;
	(void)registry_flush_erased(r); /* committed; the logs empty at the next one at worst */
	return ERR_OK;
}

err_t erasure_pending(registry *r, erasure_fn fn, void *ctx)
{
	struct erasure_request q;
	db_stmt *st = NULL;
	err_t e = db_prepare(registry_db(r), Q_ERASURE_PENDING, &st);
	int rc = DB_DONE;
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW)
		if ((e = read_request(st, &q)) == ERR_OK)
			e = fn(&q, ctx);
	if (e == ERR_OK)
		e = step_err(rc);
	db_finalize(st);
	return e;
}
