/*
 * h_codes.c - GET /api/v1/codes: the code lists and agencies with their
 * labels in both languages, for the forms and the pages of the interface
 * (which then hard-codes no vocabulary), and the lists the policy fixes:
 * the purposes a record is opened for, the kinds of agency, the lists that
 * take new codes.  Not personal: any signed-in user.
 * POST /api/v1/codes and /api/v1/agencies: an administrator adds one
 * (codes_add says what may be added).
 */
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/codes.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "http/routes.h"
#include "http/server.h"

static err_t add_item(const struct codes_item *it, void *ctx)
{
	json_t *root = ctx, *item, *list;
	if (strcmp(it->list, "agency") == 0) {
		list = json_object_get(root, "agencies");
		item = json_pack("{s:s, s:s, s:s, s:s}", "code", it->code, "kind",
				 it->kind ? it->kind : "", "en", it->label_en, "az", it->label_az);
	} else {
		json_t *lists = json_object_get(root, "codes");
		if (!(list = json_object_get(lists, it->list))) {
			if (json_object_set_new(lists, it->list, json_array()) != 0)
				return ERR_NOMEM;
			list = json_object_get(lists, it->list);
		}
		item = json_pack("{s:s, s:s, s:s, s:b}", "code", it->code, "en", it->label_en, "az",
				 it->label_az, "money", it->money);
	}
	return item && list && json_array_append_new(list, item) == 0 ? ERR_OK : ERR_NOMEM;
}

static json_t *words_json(const char *const *list)
{
	json_t *a = json_array();
	for (size_t i = 0; a && list[i]; i++)
		if (json_array_append_new(a, json_string(list[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

err_t h_codes(struct request *rq, struct reply *out)
{
	/* and the lists the policy fixes in code, so that no form copies them */
	json_t *root = json_pack("{s:o, s:o, s:{s:o*, s:o*, s:o*}}", "codes", json_object(),
				 "agencies", json_array(), "policy", "access_reasons",
				 words_json(policy_read_reasons), "agency_kinds",
				 words_json(codes_agency_kinds), "extensible",
				 words_json(codes_extensible));
	err_t e = root ? codes_each(registry_codes(rq->reg), add_item, root) : ERR_NOMEM;
	if (e != ERR_OK) {
		json_decref(root);
		return e;
	}
	out->json = root;
	return ERR_OK;
}

/* The field and message of codes_add's "field: what is allowed". */
static void field_problem(struct reply *out, const char *errbuf)
{
	const char *colon = strstr(errbuf, ": ");
	if (!colon) {
		reply_field_error(out, "code", "%s", errbuf);
		return;
	}
	char field[32];
	snprintf(field, sizeof field, "%.*s", (int)(colon - errbuf), errbuf);
	reply_field_error(out, field, "%s", colon + 2);
}

/* POST /api/v1/codes {"list","code","en","az","money"} and POST
 * /api/v1/agencies {"code","kind","en","az"}: codes_add, then every worker
 * reloads the lists. */
static err_t add(struct request *rq, struct reply *out, int agency)
{
	struct audit_entry by = request_audit_entry(rq);
	char errbuf[ERRBUF_MAX] = "";
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct codes_new n = {
		.list = agency ? "agency" : body_string(body, "list", 1, CODES_CODE_MAX, out),
		.code = body_string(body, "code", 1, CODES_CODE_MAX, out),
		.label_en = body_string(body, "en", 1, CODES_LABEL_MAX, out),
		.label_az = body_string(body, "az", 1, CODES_LABEL_MAX, out),
		.kind = agency ? body_string(body, "kind", 1, CODES_CODE_MAX, out) : NULL,
		.money = agency ? 0 : body_bool(body, "money", out) == 1};
	e = body_ok(out) ? codes_add(registry_db(rq->reg), registry_codes(rq->reg), &by, &n, errbuf)
			 : ERR_INVALID;
	if (e == ERR_INVALID && errbuf[0])
		field_problem(out, errbuf);
	if (e == ERR_OK) {
		http_server_codes_changed(rq->srv);
		out->status = 201;
		out->json = json_pack("{s:s, s:s}", "list", n.list, "code", n.code);
		e = out->json ? ERR_OK : ERR_NOMEM;
	}
	json_decref(body);
	return e;
}

err_t h_code_add(struct request *rq, struct reply *out)
{
	return add(rq, out, 0);
}

err_t h_agency_add(struct request *rq, struct reply *out)
{
	return add(rq, out, 1);
}
