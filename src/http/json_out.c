/* json_out.c - records into JSON (json_out.h). */
#include <stddef.h>
#include <string.h>

#include "http/json_out.h"
#include "util/date.h"
#include "util/money.h"

static void date_member(struct json_writer *w, const char *key, int64_t d)
{
	char buf[DATE_TEXT_MAX];
	jw_key(w, key);
	if (d == DATE_NONE) {
		jw_null(w);
		return;
	}
	date_format(d, buf);
	jw_string(w, buf);
}

static void text_member(struct json_writer *w, const char *key, const char *s)
{
	jw_key(w, key);
	jw_string(w, s);
}

/* "a;b;c" as ["a","b","c"] (empty items left out). */
static void list_member(struct json_writer *w, const char *key, const char *list)
{
	jw_key(w, key);
	jw_begin_array(w);
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ";");
		if (n)
			jw_stringn(w, p, n);
		p += n + (p[n] == ';');
	}
	jw_end_array(w);
}

/* The document number goes out masked only (caseview.h), under a name of its
 * own so that a client cannot send the mask back as a new number. */
#define MASKED_DOCUMENT "document_number_masked"

void json_out_person(struct json_writer *w, const struct caseview_person *cp)
{
	struct person p = *cp->p;
	jw_begin_object(w);
	text_member(w, "id", p.ref);
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		if (!(cp->shown & (1u << i)))
			continue;
		if (f->offset == offsetof(struct person, document_number))
			text_member(w, MASKED_DOCUMENT, cp->document_masked);
		else if (f->type == CV_DATE)
			date_member(w, f->name, *caseview_date_of(&p, f));
		else if (f->type == CV_LIST)
			list_member(w, f->name, *caseview_text_of(&p, f));
		else
			text_member(w, f->name, *caseview_text_of(&p, f));
	}
	if ((cp->fields & FG_PARENT_NAME) && cp->parent_given_name) {
		jw_key(w, "parent");
		jw_begin_object(w);
		text_member(w, "given_name", cp->parent_given_name);
		text_member(w, "family_name", cp->parent_family_name);
		jw_end_object(w);
	}
	if (cp->fields & FG_BLOCK) {
		jw_key(w, "access_block");
		jw_bool(w, cp->blocked);
	}
	jw_end_object(w);
}

void json_out_service(struct json_writer *w, const struct service *s)
{
	char amount[MONEY_TEXT_MAX];
	if (s->has_amount)
		money_format(s->amount, amount);
	jw_begin_object(w);
	text_member(w, "id", s->ref);
	text_member(w, "person_id", s->person_ref);
	text_member(w, "service", s->service);
	text_member(w, "provider", s->provider);
	date_member(w, "date", s->date);
	text_member(w, "amount", s->has_amount ? amount : NULL);
	text_member(w, "currency", s->currency);
	text_member(w, "phase", s->phase);
	date_member(w, "end_date", s->end_date);
	if (s->note)
		text_member(w, "note", s->note);
	jw_end_object(w);
}

void json_out_referral(struct json_writer *w, const struct referral *f)
{
	jw_begin_object(w);
	text_member(w, "id", f->ref);
	text_member(w, "person_id", f->person_ref);
	text_member(w, "from", f->from);
	text_member(w, "to", f->to);
	text_member(w, "purpose", f->purpose);
	date_member(w, "date", f->date);
	text_member(w, "status", f->status ? f->status : "sent");
	date_member(w, "closed_on", f->closed_on);
	jw_key(w, "consent");
	if (f->consent == CONSENT_UNRECORDED)
		jw_null(w);
	else
		jw_bool(w, f->consent == CONSENT_GIVEN);
	jw_key(w, "consent_override");
	jw_bool(w, f->override_reason != NULL);
	text_member(w, "override_reason", f->override_reason);
	jw_end_object(w);
}

void json_out_legal_hold(struct json_writer *w, const struct retention_hold_info *h)
{
	if (!h->held) {
		jw_null(w);
		return;
	}
	jw_begin_object(w);
	text_member(w, "reason", h->reason);
	date_member(w, "since", h->since);
	jw_end_object(w);
}
