/*
 * h_family.c - GET /api/v1/persons/{id}/children: a person's children and
 * parent, as far as the reader may see them.
 *
 * The person itself is read first through caseview_read (so a person out of
 * sight answers 404 like a missing one, and the read is audited); its parent
 * and each child (family.c finds their references) are read the same way,
 * and one out of sight is simply absent.  The coordinator's stated reason
 * (X-Access-Reason) goes with every read.
 */
#include <stdlib.h>
#include <string.h>

#include "core/caseview.h"
#include "core/clock.h"
#include "core/family.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/readers.h"
#include "http/json_out.h"
#include "http/reply.h"
#include "http/server.h"

struct family {
	const struct caseview_ctx *c;
	const char *reason;
	struct json_writer person; /* the last person read */
	char parent[RECORD_REF_MAX + 1];
	struct json_writer children;
};

static err_t take_person(const struct caseview_person *cp, void *ctx)
{
	struct family *f = ctx;
	const char *parent = cp->p->parent_ref;
	jw_free(&f->person);
	json_out_person(&f->person, cp);
	if (f->person.failed)
		return ERR_NOMEM;
	if (parent && strlen(parent) <= RECORD_REF_MAX)
		memcpy(f->parent, parent, strlen(parent) + 1);
	return ERR_OK;
}

static err_t skip_service(const struct service *s, void *ctx)
{
	(void)s;
	(void)ctx;
	return ERR_OK;
}

static err_t skip_referral(const struct referral *r, void *ctx)
{
	(void)r;
	(void)ctx;
	return ERR_OK;
}

/* Reads one person into f->person: ERR_NOT_FOUND when out of sight. */
static err_t read_one(struct family *f, const char *ref)
{
	struct caseview_sink sink = {take_person, skip_service, skip_referral, f};
	jw_free(&f->person);
	return caseview_read(f->c, ref, f->reason, &sink);
}

static err_t add_child(const char *ref, void *ctx)
{
	struct family *f = ctx;
	char keep[RECORD_REF_MAX + 1];
	memcpy(keep, f->parent, sizeof keep); /* a child's read sets f->parent */
	err_t e = read_one(f, ref);
	memcpy(f->parent, keep, sizeof keep);
	if (e == ERR_NOT_FOUND)
		return ERR_OK;
	if (e == ERR_OK)
		jw_part(&f->children, &f->person);
	return e;
}

err_t h_person_children(struct request *rq, struct reply *out)
{
	struct caseview_ctx c = {.r = rq->reg, .who = request_who(rq), .request_id = rq->request_id,
				 .now = clock_now(), .ticket = &rq->ticket,
				     .turn = http_server_turn(rq->srv)};
	struct family f = {.c = &c, .person = JSON_WRITER_INIT, .children = JSON_WRITER_INIT};
	struct json_writer doc = JSON_WRITER_INIT, parent = JSON_WRITER_INIT;
	err_t e = readers_access_reason(rq, out, &f.reason);
	jw_begin_array(&f.children);
	if (e == ERR_OK)
		e = read_one(&f, rq->param);
	if (e == ERR_OK && f.parent[0]) {
		e = read_one(&f, f.parent);
		if (e == ERR_OK) { /* kept: the children's reads reuse f.person */
			parent = f.person;
			f.person = (struct json_writer)JSON_WRITER_INIT;
		} else if (e == ERR_NOT_FOUND) {
			e = ERR_OK; /* a parent out of sight is absent */
		}
	}
	if (e == ERR_OK)
		e = family_children(rq->reg, rq->param, add_child, &f);
	if (e == ERR_OK) {
		jw_end_array(&f.children);
		jw_begin_object(&doc);
		jw_key(&doc, "children");
		jw_part(&doc, &f.children);
		if (parent.len) {
			jw_key(&doc, "parent");
			jw_part(&doc, &parent);
		}
		jw_end_object(&doc);
		e = reply_json_text(out, &doc);
	}
	jw_free(&parent);
	jw_free(&doc);
	jw_free(&f.person);
	jw_free(&f.children);
	return e;
}
