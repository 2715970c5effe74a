/*
 * readers.c - request bodies read into records (readers.h).
 */
#include <string.h>

#include "core/validate.h"
#include "http/body.h"
#include "http/readers.h"
#include "http/request.h"
#include "util/wordlist.h"
#include "util/date.h"
#include "util/money.h"

static size_t max_chars(enum caseview_type t)
{
	switch (t) {
	case CV_TEXT: return VALIDATE_TEXT_MAX;
	case CV_BIRTH: return DATE_TEXT_MAX;
	case CV_COUNTRY: return 3;
	default: return READERS_CODE_MAX;
	}
}

/* An array of codes joined with ';' into buf. */
static const char *read_list(json_t *v, const char *name, char *buf, size_t len, struct reply *out)
{
	size_t used = 0, i;
	json_t *item;
	buf[0] = '\0';
	if (json_is_null(v))
		return NULL;
	if (!json_is_array(v) || json_array_size(v) > VALIDATE_LIST_MAX) {
		reply_field_error(out, name, "must be a list of at most %d codes", VALIDATE_LIST_MAX);
		return NULL;
	}
	json_array_foreach(v, i, item)
	{
		const char *s = json_string_value(item);
		size_t n = s ? strlen(s) : 0;
		if (!s || n == 0 || n > READERS_CODE_MAX || strchr(s, ';') || used + n + 2 > len) {
			reply_field_error(out, name, "must be a list of codes");
			return NULL;
		}
		if (used)
			buf[used++] = ';';
		memcpy(buf + used, s, n + 1);
		used += n;
	}
	return used ? buf : NULL;
}

void readers_person(json_t *body, struct person_input *in, char *list, size_t listlen,
		    struct reply *out)
{
	memset(in, 0, sizeof *in);
	in->p = (struct person){.identified_on = DATE_NONE, .recognized_on = DATE_NONE,
				.decided_on = DATE_NONE};
	for (size_t i = 0; i < caseview_person_nfields; i++) {
		const struct caseview_field *f = &caseview_person_fields[i];
		json_t *v = json_object_get(body, f->name);
		if (!v)
			continue;
		in->set |= 1u << i;
		if (f->type == CV_DATE)
			*caseview_date_of(&in->p, f) = body_date(body, f->name, 0, out);
		else if (f->type == CV_LIST)
			*caseview_text_of(&in->p, f) = read_list(v, f->name, list, listlen, out);
		else
			*caseview_text_of(&in->p, f) =
				body_string(body, f->name, 0, max_chars(f->type), out);
	}
	in->access_block = body_bool(body, "access_block", out);
}

static void read_amount(json_t *body, struct service *s, struct reply *out)
{
	const char *text = body_string(body, "amount", 0, MONEY_TEXT_MAX, out);
	s->has_amount = 0;
	if (!text)
		return;
	if (money_parse(text, &s->amount) != ERR_OK) {
		reply_field_error(out, "amount", "a decimal amount of at least 0 with at most two "
						 "decimals, written as a string like \"700.50\"");
		return;
	}
	s->has_amount = 1;
}

void readers_service(json_t *body, struct service *s, struct reply *out)
{
	const char *person_ref = s->person_ref;
	*s = (struct service){
		.person_ref = person_ref,
		.service = body_string(body, "service", 1, READERS_CODE_MAX, out),
		.provider = body_string(body, "provider", 1, READERS_CODE_MAX, out),
		.date = body_date(body, "date", 1, out),
		.end_date = body_date(body, "end_date", 0, out),
		.currency = body_string(body, "currency", 0, 3, out),
		.phase = body_string(body, "phase", 0, READERS_CODE_MAX, out),
		.note = body_string(body, "note", 0, VALIDATE_NOTE_MAX, out),
	};
	read_amount(body, s, out);
}

/* `consent`, and when it is false the explicit `consent_override`: a
 * referral without the person's agreement is never made by omission. */
static void read_consent(json_t *body, struct referral *f, struct reply *out)
{
	int consent = body_bool(body, "consent", out);
	int override = body_bool(body, "consent_override", out);
	f->consent = consent == 1 ? CONSENT_GIVEN : consent == 0 ? CONSENT_NOT_GIVEN
								  : CONSENT_UNRECORDED;
	if (consent == 1 && override == 1)
		reply_field_error(out, "consent_override", "only when consent is false");
	if (consent == 0 && override != 1)
		reply_field_error(out, "consent",
				  "the person has not agreed: a referral needs their consent, or "
				  "consent_override true with an override_reason");
	if (f->override_reason && override != 1)
		reply_field_error(out, "override_reason", "only with consent_override true");
}

void readers_referral(json_t *body, struct referral *f, struct reply *out)
{
	*f = (struct referral){
		.person_ref = body_string(body, "person_id", 1, RECORD_REF_MAX, out),
		.to = body_string(body, "to", 1, READERS_CODE_MAX, out),
		.purpose = body_string(body, "purpose", 1, READERS_CODE_MAX, out),
		.date = body_date(body, "date", 1, out),
		.closed_on = DATE_NONE,
		.override_reason = body_string(body, "override_reason", 0, READERS_CODE_MAX, out),
	};
	if (body_ok(out) && !validate_id(f->person_ref))
		reply_field_error(out, "person_id", "not a valid id");
	read_consent(body, f, out);
}

void readers_referral_answer(json_t *body, const char **status, int64_t *closed_on,
			     struct reply *out)
{
	*status = body_string(body, "status", 1, READERS_CODE_MAX, out);
	*closed_on = body_date(body, "closed_on", 0, out);
	if (*status && strcmp(*status, "accepted") != 0 && strcmp(*status, "declined") != 0 &&
	    strcmp(*status, "completed") != 0)
		reply_field_error(out, "status", "accepted, declined or completed");
}

err_t readers_access_reason(struct request *rq, struct reply *out, const char **reason)
{
	char allowed[256] = "";
	*reason = request_header(rq, HTTP_REASON_HEADER);
	if (*reason && !wordlist_has(policy_read_reasons, *reason)) {
		wordlist_join(policy_read_reasons, allowed, sizeof allowed);
		reply_field_error(out, HTTP_REASON_HEADER, "one of: %s", allowed);
		return ERR_INVALID;
	}
	if (!*reason && policy_read_needs_reason(request_who(rq))) {
		out->fail = HF_REASON;
		return ERR_FORBIDDEN;
	}
	return ERR_OK;
}
