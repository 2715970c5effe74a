/*
 * h_erasures.c - erasure with four eyes (core/erasure.h): an officer asks
 * (POST /api/v1/persons/{id}/erasure), the pending requests are listed (GET
 * /api/v1/erasure-requests), another officer approves (POST
 * /api/v1/erasure-requests/{id}/approve) and only then is the person erased.
 * All three need an authentication of the last five minutes (step-up).
 */
#include <stdlib.h>

#include "core/clock.h"
#include "core/erasure.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/routes.h"

static json_t *request_json(const struct erasure_request *q)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "id", (json_int_t)q->id, "person_id",
			 q->person_ref, "reason", q->reason, "requested_by", q->requested_by,
			 "requested_at", (json_int_t)q->requested_at, "state",
			 q->approved ? "approved" : "pending");
}

err_t h_erasure_request(struct request *rq, struct reply *out)
{
	const struct principal *who = request_who(rq);
	json_t *body = NULL;
	int64_t id = 0;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	const char *reason = body_string(body, "reason", 1, ERASURE_REASON_MAX, out);
	if (!body_ok(out)) {
		json_decref(body);
		return ERR_INVALID;
	}
	e = erasure_ask(rq->reg, who, rq->param, reason, rq->request_id, clock_now(), &id);
	if (e == ERR_CONFLICT)
		out->detail = "this person is erased already or an erasure of it is waiting for "
			      "approval";
	if (e == ERR_OK) {
		out->status = 202;
		out->json = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "person_id", rq->param,
				      "state", "pending");
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	json_decref(body);
	return e;
}

static err_t add_request(const struct erasure_request *q, void *ctx)
{
	json_t *item = request_json(q);
	return item && json_array_append_new(ctx, item) == 0 ? ERR_OK : ERR_NOMEM;
}

err_t h_erasures_list(struct request *rq, struct reply *out)
{
	json_t *list = json_array();
	err_t e;
	if (!list)
		return ERR_NOMEM;
	if ((e = erasure_pending(rq->reg, add_request, list)) != ERR_OK) {
		json_decref(list);
		return e;
	}
	out->json = json_pack("{s:o}", "requests", list);
	return out->json ? ERR_OK : ERR_NOMEM;
}

err_t h_erasure_approve(struct request *rq, struct reply *out)
{
	struct erasure_request q;
	char *end = NULL;
	long long id = strtoll(rq->param, &end, 10);
	err_t e;
	if (!end || *end || id <= 0)
		return ERR_NOT_FOUND;
	e = erasure_approve(rq->reg, request_who(rq), (int64_t)id, rq->request_id, clock_now(), &q);
	if (e == ERR_FORBIDDEN)
		out->detail = "four eyes: another officer must approve the erasure you asked for";
	else if (e == ERR_CONFLICT)
		out->detail = "this request was approved already, or the person is erased";
	if (e == ERR_OK) {
		q.approved = 1;
		out->json = request_json(&q);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	return e;
}
