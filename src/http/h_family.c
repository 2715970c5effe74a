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
	json_t *person; /* the last person read */
	char parent[RECORD_REF_MAX + 1];
	json_t *children;
};

static err_t take_person(const struct caseview_person *cp, void *ctx)
{
	struct family *f = ctx;
	const char *parent = cp->p->parent_ref;
	json_decref(f->person);
	if (!(f->person = json_person(cp)))
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
	json_decref(f->person);
	f->person = NULL;
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
	if (e == ERR_OK && json_array_append(f->children, f->person) != 0)
		e = ERR_NOMEM;
	return e;
}

err_t h_person_children(struct request *rq, struct reply *out)
{
	struct caseview_ctx c = {.r = rq->reg, .who = request_who(rq), .request_id = rq->request_id,
				 .now = clock_now(), .ticket = &rq->ticket,
				     .turn = http_server_turn(rq->srv)};
	struct family f = {.c = &c, .children = json_array()};
	json_t *parent = NULL;
	err_t e = f.children ? readers_access_reason(rq, out, &f.reason) : ERR_NOMEM;
	if (e == ERR_OK)
		e = read_one(&f, rq->param);
	if (e == ERR_OK && f.parent[0]) {
		e = read_one(&f, f.parent);
		if (e == ERR_OK)
			parent = json_incref(f.person);
		else if (e == ERR_NOT_FOUND)
			e = ERR_OK; /* a parent out of sight is absent */
	}
	if (e == ERR_OK)
		e = family_children(rq->reg, rq->param, add_child, &f);
	if (e == ERR_OK) {
		out->json = json_pack("{s:O}", "children", f.children);
		if (out->json && parent && json_object_set(out->json, "parent", parent) != 0)
			e = ERR_NOMEM;
		e = out->json ? e : ERR_NOMEM;
	}
	json_decref(parent);
	json_decref(f.person);
	json_decref(f.children);
	return e;
}
