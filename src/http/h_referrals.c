/*
 * h_referrals.c - referrals between agencies: send (POST /api/v1/referrals),
 * an agency's inbox (GET /api/v1/referrals?to=mine&status=sent), and the
 * receiver's answer (PATCH /api/v1/referrals/{id}: accepted, declined,
 * completed).  Who may do which is decided in core (caseview.c, policy.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/caseview.h"
#include "core/clock.h"
#include "http/body.h"
#include "http/cursor.h"
#include "http/handlers.h"
#include "http/readers.h"
#include "http/json_out.h"
#include "http/reply.h"
#include "http/routes.h"
#include "http/server.h"
#include "util/date.h"

#define CODE_MAX READERS_CODE_MAX
#define PAGE_DEFAULT 50

static void field_problem(void *ctx, const char *field, const char *message)
{
	reply_field_error(ctx, field, "%s", message);
}

static struct caseview_ctx ctx_of(struct request *rq)
{
	return (struct caseview_ctx){.r = rq->reg, .who = request_who(rq),
				     .request_id = rq->request_id, .now = clock_now(),
				     .ticket = &rq->ticket,
				     .turn = http_server_turn(rq->srv)};
}

err_t h_referral_create(struct request *rq, struct reply *out)
{
	char ref[RECORD_REF_MAX + 1];
	struct validate v = {.codes = registry_codes(rq->reg), .report = field_problem, .ctx = out};
	struct caseview_ctx c = ctx_of(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct referral f;
	readers_referral(body, &f, out);
	e = body_ok(out) ? caseview_create_referral(&c, &f, &v, ref) : ERR_INVALID;
	if (e == ERR_OK) {
		out->status = 201;
		out->json = json_pack("{s:s}", "id", ref);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	json_decref(body);
	return e;
}

static err_t add_referral(const struct referral *f, void *ctx)
{
	struct json_writer *list = ctx;
	json_out_referral(list, f);
	return list->failed ? ERR_NOMEM : ERR_OK;
}

/* Reads the inbox's query; ERR_INVALID with field errors. */
static err_t read_inbox(struct request *rq, struct caseview_inbox *q, struct reply *out)
{
	const char *to = request_query(rq, "to"), *limit = request_query(rq, "limit");
	const char *cursor = request_query(rq, "cursor");
	*q = (struct caseview_inbox){.status = request_query(rq, "status"), .limit = PAGE_DEFAULT};
	if (to && strcmp(to, "mine") != 0)
		reply_field_error(out, "to", "only 'mine' (your agency's inbox)");
	q->to_mine = to != NULL;
	if (q->status && !codes_has(registry_codes(rq->reg), "referral_status", q->status))
		reply_field_error(out, "status", "not a referral status");
	if (limit) {
		char *end;
		long n = strtol(limit, &end, 10);
		if (!*limit || *end || n < 1 || n > CASEVIEW_PAGE_MAX)
			reply_field_error(out, "limit", "a whole number from 1 to %d",
					  CASEVIEW_PAGE_MAX);
		else
			q->limit = (unsigned)n;
	}
	if (cursor && cursor_decode(cursor, &q->after) != ERR_OK)
		reply_field_error(out, "cursor", "not a cursor this server gave");
	return body_ok(out) ? ERR_OK : ERR_INVALID;
}

err_t h_referrals_list(struct request *rq, struct reply *out)
{
	struct caseview_inbox q;
	struct caseview_ctx c = ctx_of(rq);
	struct json_writer doc = JSON_WRITER_INIT;
	struct caseview_sink sink = {NULL, NULL, add_referral, &doc};
	char next_text[CURSOR_TEXT_MAX];
	int64_t next = 0;
	err_t e = read_inbox(rq, &q, out);
	if (e != ERR_OK)
		return e;
	/* the referrals are written into the answer as they come */
	jw_begin_object(&doc);
	jw_key(&doc, "referrals");
	jw_begin_array(&doc);
	e = caseview_referrals(&c, &q, &sink, &next);
	if (e == ERR_OK) {
		jw_end_array(&doc);
		if (next)
			cursor_encode(next, next_text);
		jw_key(&doc, "next");
		jw_string(&doc, next ? next_text : NULL);
		jw_end_object(&doc);
		e = reply_json_text(out, &doc);
	}
	jw_free(&doc);
	return e;
}

err_t h_referral_update(struct request *rq, struct reply *out)
{
	struct validate v = {.codes = registry_codes(rq->reg), .report = field_problem, .ctx = out};
	struct caseview_ctx c = ctx_of(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	const char *status = NULL;
	int64_t closed_on = DATE_NONE;
	readers_referral_answer(body, &status, &closed_on, out);
	e = body_ok(out) ? caseview_update_referral(&c, rq->param, status, closed_on, &v)
			 : ERR_INVALID;
	if (e == ERR_CONFLICT)
		out->detail = "the referral is not in a state that allows this answer";
	if (e == ERR_OK) {
		out->json = json_pack("{s:s, s:s}", "id", rq->param, "status", status);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	json_decref(body);
	return e;
}
