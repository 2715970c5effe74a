/*
 * h_duplicates.c - GET /api/v1/duplicates?year=Y: the unduplicated count of
 * persons across agencies and the probable-duplicate pairs between each two
 * agencies (core/duplicates.h), for the coordinator and analysts: counts
 * only.  Officers, who see every record (access.md), also get the groups'
 * record ids, to merge or mark them (policy_duplicates_refs).  Analysts get
 * the per-agency counts from 1 to 4 withheld, as in the published report
 * (policy_report_suppressed).  Every run is audited before it is sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/duplicates.h"
#include "http/handlers.h"
#include "http/reply.h"
#include "util/date.h"

#define SMALL_CELL_MAX 4 /* counts from 1 to this are withheld from analysts */

static err_t read_year(struct request *rq, int *year, struct reply *out)
{
	const char *y = request_query(rq, "year");
	char *end = NULL;
	long v = y ? strtol(y, &end, 10) : 0;
	*year = 0;
	if (!y)
		return ERR_OK;
	if (!*y || *end || v < DATE_MIN_YEAR || v > DATE_MAX_YEAR) {
		reply_field_error(out, "year", "a year from %d to %d", DATE_MIN_YEAR, DATE_MAX_YEAR);
		return ERR_INVALID;
	}
	*year = (int)v;
	return ERR_OK;
}

static err_t audit_run(struct request *rq, int year, int refs)
{
	struct audit_entry a = request_audit_entry(rq);
	char ref[32];
	if (year)
		snprintf(ref, sizeof ref, "duplicates/%d", year);
	else
		snprintf(ref, sizeof ref, "duplicates");
	a.action = "report";
	a.object_type = "report";
	a.object_ref = ref;
	a.outcome = "ok";
	a.detail = refs ? "counts and record ids" : "counts";
	return audit_record(registry_db(rq->reg), &a);
}

static json_t *agency_rows(const struct dup_result *d, int suppress)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < d->n_agencies; i++) {
		const struct dup_agency_pair *p = &d->agencies[i];
		int hide = suppress && p->pairs <= SMALL_CELL_MAX;
		json_t *row = json_pack("{s:s, s:s, s:o, s:b}", "agency_a", p->a, "agency_b", p->b,
					"pairs", hide ? json_null() : json_integer(p->pairs),
					"suppressed", hide);
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

/* The groups of records taken for one person, by record id (officers). */
static json_t *group_rows(const struct dup_result *d)
{
	json_t *rows = json_array();
	for (size_t i = 0; rows && i < d->n_list; i++) {
		json_t *ids = json_array(), *row;
		for (size_t k = 0; ids && k < d->list[i].n_refs; k++)
			json_array_append_new(ids, json_string(d->list[i].refs[k]));
		row = ids ? json_pack("{s:I, s:o}", "size", (json_int_t)d->list[i].n, "person_ids", ids)
			  : NULL;
		if (!row || json_array_append_new(rows, row) != 0) {
			json_decref(rows);
			return NULL;
		}
	}
	return rows;
}

static json_t *to_json(const struct dup_result *d, int year, int refs, int suppress)
{
	json_t *agencies = agency_rows(d, suppress);
	json_t *j = agencies ? json_pack("{s:o, s:I, s:I, s:I, s:I, s:o}", "year",
					 year ? json_integer(year) : json_null(), "records",
					 (json_int_t)d->records, "persons", (json_int_t)d->persons,
					 "pairs", (json_int_t)d->pairs, "groups",
					 (json_int_t)d->clusters, "by_agency", agencies)
			     : NULL;
	json_t *groups = j && refs ? group_rows(d) : NULL;
	if (j && refs && (!groups || json_object_set_new(j, "groups_list", groups) != 0 ||
			  json_object_set_new(j, "groups_truncated", json_boolean(d->truncated)))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

err_t h_duplicates(struct request *rq, struct reply *out)
{
	const struct principal *who = request_who(rq);
	int refs = policy_duplicates_refs(who), year;
	struct dup_result *d = NULL;
	err_t e = read_year(rq, &year, out);
	if (e != ERR_OK)
		return e;
	if ((e = duplicates_find(rq->reg, year, refs ? DUP_WITH_REFS : 0, &d)) == ERR_OK &&
	    (e = audit_run(rq, year, refs)) == ERR_OK &&
	    !(out->json = to_json(d, year, refs, !refs && policy_report_suppressed(who))))
		e = ERR_NOMEM;
	duplicates_free(d);
	return e;
}
