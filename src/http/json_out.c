/* json_out.c - records into JSON (json_out.h). */
#include <stddef.h>
#include <string.h>

#include "http/json_out.h"
#include "util/date.h"
#include "util/money.h"

static json_t *date_json(int64_t d)
{
	char buf[DATE_TEXT_MAX];
	if (d == DATE_NONE)
		return json_null();
	date_format(d, buf);
	return json_string(buf);
}

static json_t *text_json(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *list_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list; a && p && *p;) {
		size_t n = strcspn(p, ";");
		if (n && json_array_append_new(a, json_stringn(p, n)) != 0) {
			json_decref(a);
			return NULL;
		}
		p += n + (p[n] == ';');
	}
	return a;
}

/* The document number goes out masked only (caseview.h), under a name of its
 * own so that a client cannot send the mask back as a new number. */
#define MASKED_DOCUMENT "document_number_masked"

json_t *json_person(const struct caseview_person *cp)
{
	struct person p = *cp->p;
	json_t *o = json_pack("{s:s}", "id", p.ref);
	int bad = !o;
	for (size_t i = 0; !bad && i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		const char *name = f->name;
		json_t *v;
		if (!(cp->shown & (1u << i)))
			continue;
		if (f->offset == offsetof(struct person, document_number)) {
			name = MASKED_DOCUMENT;
			v = text_json(cp->document_masked);
		} else if (f->type == CV_DATE)
			v = date_json(*caseview_date_of(&p, f));
		else if (f->type == CV_LIST)
			v = list_json(*caseview_text_of(&p, f));
		else
			v = text_json(*caseview_text_of(&p, f));
		bad = !v || json_object_set_new(o, name, v) != 0;
	}
	if (!bad && (cp->fields & FG_PARENT_NAME) && cp->parent_given_name)
		bad = json_object_set_new(o, "parent",
					  json_pack("{s:s?, s:s?}", "given_name",
						    cp->parent_given_name, "family_name",
						    cp->parent_family_name)) != 0;
	if (!bad && (cp->fields & FG_BLOCK))
		bad = json_object_set_new(o, "access_block", json_boolean(cp->blocked)) != 0;
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_service(const struct service *s)
{
	char amount[MONEY_TEXT_MAX];
	json_t *o;
	if (s->has_amount)
		money_format(s->amount, amount);
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:s?, s:s?}", "id", s->ref, "person_id",
		      s->person_ref, "service", s->service, "provider", s->provider, "date",
		      date_json(s->date), "amount", s->has_amount ? amount : NULL, "currency",
		      s->currency, "phase", s->phase);
	if (o && json_object_set_new(o, "end_date", date_json(s->end_date)) != 0) {
		json_decref(o);
		return NULL;
	}
	if (o && s->note && json_object_set_new(o, "note", json_string(s->note)) != 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *json_referral(const struct referral *f)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:o}", "id", f->ref, "person_id",
			 f->person_ref, "from", f->from, "to", f->to, "purpose", f->purpose, "date",
			 date_json(f->date), "status", f->status ? f->status : "sent", "closed_on",
			 date_json(f->closed_on));
}
