/*
 * subject.c - subject access: everything held on one person (subject.h).
 */
#include <string.h>
#include <time.h>

#include "core/family.h"
#include "core/retention.h"
#include "core/subject.h"
#include "db/queries.h"
#include "util/date.h"
#include "util/money.h"

/* A date as "YYYY-MM-DD", or null. */
static json_t *day_of(int64_t t)
{
	char buf[DATE_TEXT_MAX];
	if (t == DATE_NONE)
		return json_null();
	date_format(t, buf);
	return json_string(buf);
}

/* "a;b" as ["a","b"]. */
static json_t *list_of(const char *s)
{
	json_t *a = json_array();
	while (a && s && *s) {
		size_t n = strcspn(s, ";");
		if (n)
			json_array_append_new(a, json_stringn(s, n));
		s += n + (s[n] == ';');
	}
	return a;
}

static err_t add(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0 ? ERR_OK : ERR_NOMEM;
}

static err_t add_person(const struct person *p, void *ctx)
{
	json_t *o = json_pack(
	    "{s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?}",
	    "id", p->ref, "status", p->status, "parent_id", p->parent_ref, "given_name",
	    p->given_name, "family_name", p->family_name, "patronymic", p->patronymic, "sex",
	    p->sex, "birth_date", p->birth_date, "citizenship", p->citizenship, "document_number",
	    p->document_number, "phone", p->phone, "address", p->address,
	    "identification_source", p->identification_source, "country_of_exploitation",
	    p->country_of_exploitation);
	err_t e = o ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK && (e = add(o, "identified_on", day_of(p->identified_on))) == ERR_OK &&
	    (e = add(o, "recognized_on", day_of(p->recognized_on))) == ERR_OK &&
	    (e = add(o, "decided_on", day_of(p->decided_on))) == ERR_OK)
		e = add(o, "exploitation", list_of(p->exploitation));
	return e == ERR_OK ? add(ctx, "person", o) : (json_decref(o), e);
}

static err_t add_service(const struct service *s, void *ctx)
{
	char amount[MONEY_TEXT_MAX] = "";
	if (s->has_amount)
		money_format(s->amount, amount);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?}", "id", s->ref, "service",
			      s->service, "provider", s->provider, "amount",
			      s->has_amount ? amount : NULL, "currency", s->currency, "phase",
			      s->phase, "note", s->note);
	err_t e = o ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK && (e = add(o, "date", day_of(s->date))) == ERR_OK)
		e = add(o, "end_date", day_of(s->end_date));
	if (e == ERR_OK && json_array_append_new(ctx, o) == 0)
		return ERR_OK;
	json_decref(o);
	return ERR_NOMEM;
}

static err_t add_referral(const struct referral *f, void *ctx)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:s?}", "id", f->ref, "from",
			      f->from, "to", f->to, "purpose", f->purpose, "status",
			      f->status ? f->status : "sent", "consent_override",
			      f->override_reason != NULL, "override_reason", f->override_reason);
	err_t e = o ? ERR_OK : ERR_NOMEM;
	if (e == ERR_OK && (e = add(o, "date", day_of(f->date))) == ERR_OK &&
	    (e = add(o, "closed_on", day_of(f->closed_on))) == ERR_OK)
		e = add(o, "consent", f->consent == CONSENT_UNRECORDED ? json_null()
						    : json_boolean(f->consent == CONSENT_GIVEN));
	if (e == ERR_OK && json_array_append_new(ctx, o) == 0)
		return ERR_OK;
	json_decref(o);
	return ERR_NOMEM;
}

static err_t add_child(const char *ref, void *ctx)
{
	return json_array_append_new(ctx, json_string(ref)) == 0 ? ERR_OK : ERR_NOMEM;
}

struct kept {
	const char *ref;
	json_t *out;
};

static err_t find_kept(const struct retention_case *c, int due, void *ctx)
{
	struct kept *k = ctx;
	(void)due;
	if (strcmp(c->ref, k->ref) != 0)
		return ERR_OK;
	k->out = json_pack("{s:o, s:b}", "kept_until", day_of(c->until), "held", c->held);
	return k->out ? ERR_OK : ERR_NOMEM;
}

/* The hold on the person's own row (retention.h), or null. */
static err_t add_hold(registry *r, const char *ref, json_t *doc)
{
	struct retention_hold_info h;
	err_t e = retention_hold_read(r, ref, &h);
	if (e != ERR_OK)
		return e;
	return add(doc, "legal_hold", h.held ? json_pack("{s:s, s:o}", "reason", h.reason, "since",
							 day_of(h.since))
					     : json_null());
}

/* Every audit entry on the person, their services and referrals. */
static err_t add_accesses(registry *r, const char *ref, json_t *doc)
{
	json_t *list = json_array();
	db_stmt *st = NULL;
	int rc = DB_DONE;
	err_t e = list ? db_prepare(registry_db(r), Q_SUBJECT_ACCESSES, &st) : ERR_NOMEM;
	if (e == ERR_OK)
		e = db_bind_text(st, 1, ref);
	while (e == ERR_OK && (rc = db_step(st)) == DB_ROW) {
		char when[32];
		time_t t = (time_t)db_col_int(st, 0);
		struct tm tm;
		gmtime_r(&t, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "at", when, "agency",
				      db_col_text(st, 1), "role", db_col_text(st, 2), "action",
				      db_col_text(st, 3), "record", db_col_text(st, 4), "outcome",
				      db_col_text(st, 5));
		if (!o || json_array_append_new(list, o) != 0)
			e = ERR_NOMEM;
	}
	if (e == ERR_OK && rc != DB_DONE)
		e = db_step_error(rc);
	db_finalize(st);
	if (e != ERR_OK) {
		json_decref(list);
		return e;
	}
	return add(doc, "accesses", list);
}

err_t subject_report(registry *r, const char *ref, int64_t now, json_t **out)
{
	const char *status;
	json_t *doc = json_object(), *services = json_array(), *referrals = json_array();
	json_t *children = json_array();
	struct kept k = {ref, NULL};
	err_t e = doc && services && referrals && children ? ERR_OK : ERR_NOMEM;
	*out = NULL;
	if (e == ERR_OK)
		e = registry_person_status(r, ref, &status);
	if (e == ERR_OK && (e = registry_each_person(r, ref, add_person, doc)) == ERR_OK &&
	    (e = registry_each_service(r, ref, add_service, services)) == ERR_OK &&
	    (e = registry_each_referral(r, ref, add_referral, referrals)) == ERR_OK &&
	    (e = family_children(r, ref, add_child, children)) == ERR_OK &&
	    (e = retention_each(r, now, 1, find_kept, &k)) == ERR_OK &&
	    (e = add(doc, "erased", json_boolean(registry_is_erased(r, ref)))) == ERR_OK &&
	    (e = add(doc, "dependants", json_incref(children))) == ERR_OK &&
	    (e = add(doc, "services", json_incref(services))) == ERR_OK &&
	    (e = add(doc, "referrals", json_incref(referrals))) == ERR_OK &&
	    (e = add(doc, "retention", k.out ? json_incref(k.out) : json_null())) == ERR_OK &&
	    (e = add_hold(r, ref, doc)) == ERR_OK && (e = add_accesses(r, ref, doc)) == ERR_OK)
		e = add(doc, "generated_on", day_of(now / 86400 * 86400));
	json_decref(services);
	json_decref(referrals);
	json_decref(children);
	json_decref(k.out);
	if (e != ERR_OK) {
		json_decref(doc);
		return e;
	}
	*out = doc;
	return ERR_OK;
}
