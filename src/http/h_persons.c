/*
 * h_persons.c - persons and their services: list (GET /api/v1/persons),
 * search by name (POST /api/v1/persons/search: a name is personal data and
 * never travels in a URL), read, reveal a document number (reads show it
 * masked), register, change, and record a service.
 *
 * Everything about who sees what is decided in core (caseview.c asking
 * policy.c); this file turns JSON into records and records into JSON.  A
 * person's JSON carries only the members of the field groups the reader may
 * read: a field that is not shown is absent, not null.
 */
#include <stdio.h>
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
#include "util/money.h"

#define PAGE_DEFAULT 50
#define LIST_TEXT_MAX 1024 /* bytes of a joined exploitation list */
#define CODE_MAX READERS_CODE_MAX

/* ---- JSON in ------------------------------------------------------------------ */

static void field_problem(void *ctx, const char *field, const char *message)
{
	reply_field_error(ctx, field, "%s", message);
}

static struct validate validator(struct request *rq, struct reply *out)
{
	return (struct validate){.codes = registry_codes(rq->reg), .report = field_problem,
				 .ctx = out};
}

static struct caseview_ctx ctx_of(struct request *rq)
{
	return (struct caseview_ctx){.r = rq->reg, .who = request_who(rq),
				     .request_id = rq->request_id, .now = clock_now(),
				     .ticket = &rq->ticket,
				     .turn = http_server_turn(rq->srv)};
}

static err_t created(struct reply *out, const char *ref)
{
	out->status = 201;
	out->json = json_pack("{s:s}", "id", ref);
	return out->json ? ERR_OK : ERR_NOMEM;
}

/* ---- JSON out: a person with its services and referrals ----------------------- */

/* A read's person, services and referrals, or a list's persons, each
 * written as text as caseview hands them on, then put together. */
struct gather {
	struct json_writer persons, services, referrals;
};

static err_t add_person(const struct caseview_person *cp, void *ctx)
{
	struct gather *g = ctx;
	json_out_person(&g->persons, cp);
	return g->persons.failed ? ERR_NOMEM : ERR_OK;
}

static err_t add_service(const struct service *s, void *ctx)
{
	struct gather *g = ctx;
	json_out_service(&g->services, s);
	return g->services.failed ? ERR_NOMEM : ERR_OK;
}

static err_t add_referral(const struct referral *f, void *ctx)
{
	struct gather *g = ctx;
	json_out_referral(&g->referrals, f);
	return g->referrals.failed ? ERR_NOMEM : ERR_OK;
}

static void gather_free(struct gather *g)
{
	jw_free(&g->persons);
	jw_free(&g->services);
	jw_free(&g->referrals);
}

/* ---- handlers --------------------------------------------------------------------- */

err_t h_person_read(struct request *rq, struct reply *out)
{
	struct gather g = {JSON_WRITER_INIT, JSON_WRITER_INIT, JSON_WRITER_INIT};
	struct json_writer doc = JSON_WRITER_INIT;
	struct caseview_sink sink = {add_person, add_service, add_referral, &g};
	struct caseview_hold hold = {0};
	struct caseview_ctx c = ctx_of(rq);
	const char *reason;
	err_t e = readers_access_reason(rq, out, &reason);
	jw_begin_array(&g.services);
	jw_begin_array(&g.referrals);
	if (e == ERR_OK)
		e = caseview_read_held(&c, rq->param, reason, &sink, &hold);
	if (e == ERR_OK) {
		jw_end_array(&g.services);
		jw_end_array(&g.referrals);
		jw_begin_object(&doc);
		jw_key(&doc, "person");
		jw_part(&doc, &g.persons);
		jw_key(&doc, "services");
		jw_part(&doc, &g.services);
		jw_key(&doc, "referrals");
		jw_part(&doc, &g.referrals);
		if (hold.shown) { /* absent, not null, for everyone else */
			jw_key(&doc, "legal_hold");
			json_out_legal_hold(&doc, &hold.hold);
			jw_key(&doc, "family_hold");
			jw_bool(&doc, hold.family_held);
		}
		jw_end_object(&doc);
		e = reply_json_text(out, &doc);
	}
	gather_free(&g);
	jw_free(&doc);
	return e;
}

err_t h_person_reveal(struct request *rq, struct reply *out)
{
	struct caseview_ctx c = ctx_of(rq);
	const char *reason;
	char *doc = NULL;
	err_t e = readers_access_reason(rq, out, &reason);
	if (e == ERR_OK)
		e = caseview_reveal(&c, rq->param, reason, &doc);
	if (e == ERR_OK) {
		out->json = json_pack("{s:s, s:s?}", "id", rq->param, "document_number", doc);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	caseview_secret_free(doc);
	return e;
}

err_t h_person_subject_access(struct request *rq, struct reply *out)
{
	struct caseview_ctx c = ctx_of(rq);
	return caseview_subject_access(&c, rq->param, &out->json);
}

/* POST puts a legal hold with {"reason"}, DELETE lifts it; both answer the
 * hold as it now is, in the shape of the person's read. */
err_t h_legal_hold(struct request *rq, struct reply *out)
{
	struct caseview_ctx c = ctx_of(rq);
	struct validate v = validator(rq, out);
	struct retention_hold_info now_held = {0};
	struct json_writer doc = JSON_WRITER_INIT;
	const char *reason = NULL;
	json_t *body = NULL;
	err_t e = ERR_OK;
	if (strcmp(rq->method, "POST") == 0) {
		if ((e = body_object(rq, out, &body)) != ERR_OK)
			return e;
		reason = body_string(body, "reason", 1, READERS_CODE_MAX, out);
		e = body_ok(out) ? ERR_OK : ERR_INVALID;
	}
	if (e == ERR_OK)
		e = caseview_legal_hold(&c, rq->param, reason, &v, &now_held);
	if (e == ERR_CONFLICT)
		out->detail = "there is no legal hold on this person";
	if (e == ERR_OK) {
		jw_begin_object(&doc);
		jw_key(&doc, "id");
		jw_string(&doc, rq->param);
		jw_key(&doc, "legal_hold");
		json_out_legal_hold(&doc, &now_held);
		jw_end_object(&doc);
		e = reply_json_text(out, &doc);
	}
	jw_free(&doc);
	json_decref(body);
	return e;
}

/* The page size from text (NULL: the default). */
static unsigned page_size(const char *text, struct reply *out)
{
	char *end;
	long v;
	if (!text)
		return PAGE_DEFAULT;
	v = strtol(text, &end, 10);
	if (!*text || *end || v < 1 || v > CASEVIEW_PAGE_MAX) {
		reply_field_error(out, "limit", "a whole number from 1 to %d", CASEVIEW_PAGE_MAX);
		return 0;
	}
	return (unsigned)v;
}

static int year_of(const char *text, struct reply *out)
{
	char *end;
	long v;
	if (!text)
		return 0;
	v = strtol(text, &end, 10);
	if (!*text || *end || v < DATE_MIN_YEAR || v > DATE_MAX_YEAR) {
		reply_field_error(out, "year", "a year from %d to %d", DATE_MIN_YEAR, DATE_MAX_YEAR);
		return 0;
	}
	return (int)v;
}

static int64_t position_of(const char *cursor, struct reply *out)
{
	int64_t pos = 0;
	if (cursor && cursor_decode(cursor, &pos) != ERR_OK) {
		reply_field_error(out, "cursor", "not a cursor this server gave (lists start over "
						 "after a restart)");
		return 0;
	}
	return pos;
}

/* Runs the list and answers {"persons": [...], "next": cursor|null}. */
static err_t answer_list(struct request *rq, const struct caseview_filter *f, struct reply *out)
{
	struct gather g = {JSON_WRITER_INIT, JSON_WRITER_INIT, JSON_WRITER_INIT};
	struct json_writer doc = JSON_WRITER_INIT;
	struct caseview_sink sink = {add_person, NULL, NULL, &g};
	struct caseview_ctx c = ctx_of(rq);
	char next_text[CURSOR_TEXT_MAX];
	int64_t next = 0;
	jw_begin_array(&g.persons);
	err_t e = caseview_list(&c, f, &sink, &next);
	if (e == ERR_OK) {
		jw_end_array(&g.persons);
		if (next)
			cursor_encode(next, next_text);
		jw_begin_object(&doc);
		jw_key(&doc, "persons");
		jw_part(&doc, &g.persons);
		jw_key(&doc, "next");
		jw_string(&doc, next ? next_text : NULL);
		jw_end_object(&doc);
		e = reply_json_text(out, &doc);
	}
	if (e == ERR_FORBIDDEN)
		out->detail = "your role or agency may not filter by this";
	gather_free(&g);
	jw_free(&doc);
	return e;
}

err_t h_persons_list(struct request *rq, struct reply *out)
{
	struct caseview_filter f = {
		.status = request_query(rq, "status"),
		.year = year_of(request_query(rq, "year"), out),
		.agency = request_query(rq, "agency"),
		.after = position_of(request_query(rq, "cursor"), out),
		.limit = page_size(request_query(rq, "limit"), out),
	};
	if (!body_ok(out))
		return ERR_INVALID;
	return answer_list(rq, &f, out);
}

/* A search text keeps at least one letter or digit once normalised. */
static int search_text_ok(const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    *p >= 0x80)
			return 1;
	return 0;
}

err_t h_persons_search(struct request *rq, struct reply *out)
{
	char year[16] = "", limit[16] = "";
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	json_t *y = json_object_get(body, "year"), *l = json_object_get(body, "limit");
	if (y && json_is_integer(y))
		snprintf(year, sizeof year, "%lld", (long long)json_integer_value(y));
	if (l && json_is_integer(l))
		snprintf(limit, sizeof limit, "%lld", (long long)json_integer_value(l));
	if ((y && !json_is_integer(y)) || (l && !json_is_integer(l)))
		reply_field_error(out, y && !json_is_integer(y) ? "year" : "limit",
				  "must be a whole number");
	struct caseview_filter f = {
		.name = body_string(body, "name", 0, CASEVIEW_NAME_MAX, out),
		.document = body_string(body, "document_number", 0, CASEVIEW_NAME_MAX, out),
		.status = body_string(body, "status", 0, CODE_MAX, out),
		.agency = body_string(body, "agency", 0, CODE_MAX, out),
		.year = year_of(year[0] ? year : NULL, out),
		.limit = page_size(limit[0] ? limit : NULL, out),
	};
	f.after = position_of(body_string(body, "cursor", 0, CURSOR_TEXT_MAX, out), out);
	if (body_ok(out) && !f.name && !f.document)
		reply_field_error(out, "name", "give a name, a document number, or both");
	if (body_ok(out) && f.document && !search_text_ok(f.document))
		reply_field_error(out, "document_number", "letters and digits (spaces and dashes "
							   "are ignored)");
	if (body_ok(out) && f.name && !search_text_ok(f.name))
		reply_field_error(out, "name", "at least one letter");
	e = body_ok(out) ? answer_list(rq, &f, out) : ERR_INVALID;
	json_decref(body);
	return e;
}

err_t h_person_create(struct request *rq, struct reply *out)
{
	char list[LIST_TEXT_MAX], ref[RECORD_REF_MAX + 1];
	struct person_input in;
	struct validate v = validator(rq, out);
	struct caseview_ctx c = ctx_of(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	readers_person(body, &in, list, sizeof list, out);
	e = body_ok(out) ? caseview_create_person(&c, &in, &v, ref) : ERR_INVALID;
	if (e == ERR_OK)
		e = created(out, ref);
	json_decref(body);
	return e;
}

err_t h_person_update(struct request *rq, struct reply *out)
{
	char list[LIST_TEXT_MAX];
	struct person_input in;
	struct validate v = validator(rq, out);
	struct caseview_ctx c = ctx_of(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	readers_person(body, &in, list, sizeof list, out);
	if (body_ok(out) && !in.set && in.access_block < 0) {
		reply_field_error(out, "body", "name at least one field to change");
	}
	e = body_ok(out) ? caseview_update_person(&c, rq->param, &in, &v) : ERR_INVALID;
	if (e == ERR_OK) {
		out->json = json_pack("{s:s}", "id", rq->param);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	json_decref(body);
	return e;
}

/* A money amount written as a decimal string ("700.50"). */
err_t h_service_create(struct request *rq, struct reply *out)
{
	char ref[RECORD_REF_MAX + 1];
	struct validate v = validator(rq, out);
	struct caseview_ctx c = ctx_of(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct service s = {.person_ref = rq->param};
	readers_service(body, &s, out);
	e = body_ok(out) ? caseview_create_service(&c, &s, &v, ref) : ERR_INVALID;
	if (e == ERR_OK)
		e = created(out, ref);
	json_decref(body);
	return e;
}
