/*
 * validate.c - the interchange rules of validate.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "util/date.h"
#include "util/money.h"

#define ALLOWED_MAX 1024

static void problem(struct validate *v, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct validate *v, const char *field, const char *fmt, ...)
{
	char msg[VALIDATE_MESSAGE_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	v->problems++;
	if (v->report)
		v->report(v->ctx, field, msg);
}

int validate_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > RECORD_REF_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == ':' || c == '-'))
			return 0;
	}
	return 1;
}

static int alpha3(const char *s)
{
	return strlen(s) == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

/* Characters of valid UTF-8, or -1 when it is not, or holds a control
 * character (tab and line breaks allowed when `multiline`). */
static long text_chars(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;
	for (; *p; p++) {
		if ((*p < 0x20 && !(multiline && (*p == '\t' || *p == '\n' || *p == '\r'))) ||
		    *p == 0x7f)
			return -1;
		if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			return -1;
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static void check_code(struct validate *v, const char *field, const char *list, const char *value,
		       int required)
{
	char allowed[ALLOWED_MAX];
	if (!value) {
		if (required) {
			codes_allowed(v->codes, list, allowed, sizeof allowed);
			problem(v, field, "required value is missing (allowed: %s)", allowed);
		}
		return;
	}
	int ok = strcmp(list, "agency") == 0 ? codes_agency_exists(v->codes, value)
					     : codes_has(v->codes, list, value);
	if (!ok) {
		codes_allowed(v->codes, list, allowed, sizeof allowed);
		problem(v, field, "not a known %s (allowed: %s)",
			strcmp(list, "agency") == 0 ? "agency" : "code", allowed);
	}
}

static void check_text(struct validate *v, const char *field, const char *value, int required,
		       int note)
{
	long max = note ? VALIDATE_NOTE_MAX : VALIDATE_TEXT_MAX, n;
	if (!value || !*value) {
		if (required)
			problem(v, field, "required value is missing (text of at most %ld characters)",
				max);
		return;
	}
	if ((n = text_chars(value, note)) < 0)
		problem(v, field, "text contains a control character (%s)",
			note ? "only tab and line breaks are allowed" : "no tabs or line breaks");
	else if (n > max)
		problem(v, field, "text is %ld characters long (at most %ld)", n, max);
}

static void check_country(struct validate *v, const char *field, const char *value)
{
	if (value && !alpha3(value))
		problem(v, field, "not an ISO 3166-1 alpha-3 country code (three capital letters, "
				  "like AZE; XXA for stateless)");
}

static void check_date(struct validate *v, const char *field, int64_t d, int required,
		       const char *why)
{
	char today[DATE_TEXT_MAX];
	if (d == DATE_NONE) {
		if (required)
			problem(v, field, "required value is missing%s%s (a day written YYYY-MM-DD)",
				*why ? " " : "", why);
		return;
	}
	if (v->today != DATE_NONE && d > v->today) {
		date_format(v->today, today);
		problem(v, field, "a date in the future (not after %s)", today);
	}
}

static void forbid(struct validate *v, const char *field, int present, const char *why)
{
	if (present)
		problem(v, field, "only allowed %s (leave it empty)", why);
}

static void not_before(struct validate *v, const char *later_field, int64_t later,
		       const char *earlier_field, int64_t earlier)
{
	if (later != DATE_NONE && earlier != DATE_NONE && later < earlier)
		problem(v, later_field, "before %s (not before %s)", earlier_field, earlier_field);
}

static void check_ref(struct validate *v, const char *field, const char *ref, int required)
{
	if (!ref) {
		if (required)
			problem(v, field, "required value is missing (an id: 1-64 characters of "
					  "A-Z a-z 0-9 . _ : -)");
	} else if (!validate_id(ref)) {
		problem(v, field, "not a valid id (1-64 characters of A-Z a-z 0-9 . _ : -)");
	}
}

static void check_birth(struct validate *v, const char *value)
{
	int64_t earliest, latest;
	check_text(v, "birth_date", value, 0, 0);
	if (!value)
		return;
	if (date_parse_partial(value, &earliest, &latest) != ERR_OK)
		problem(v, "birth_date", "not a valid birth date (YYYY-MM-DD, YYYY-MM or YYYY naming "
					 "a day, month or year that exists, years 1900-2200)");
	else if (v->today != DATE_NONE && earliest > v->today)
		problem(v, "birth_date", "a birth date in the future");
}

/* Each ';'-separated exploitation form must be a code; at most LIST_MAX. */
static void check_forms(struct validate *v, const char *list)
{
	char one[RECORD_REF_MAX + 1], allowed[ALLOWED_MAX];
	size_t count = 0;
	if (!list)
		return;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ";");
		if (n > 0) {
			if (n < sizeof one) {
				memcpy(one, p, n);
				one[n] = '\0';
			}
			if (n >= sizeof one || !codes_has(v->codes, "exploitation", one)) {
				codes_allowed(v->codes, "exploitation", allowed, sizeof allowed);
				problem(v, "exploitation", "not a known code (allowed: %s)", allowed);
				return;
			}
			if (++count > VALIDATE_LIST_MAX) {
				problem(v, "exploitation", "more than %d values", VALIDATE_LIST_MAX);
				return;
			}
		}
		p += n;
		if (*p == ';')
			p++;
	}
}

static void person_status_rules(struct validate *v, const struct person *p)
{
	int dependant = p->status && strcmp(p->status, "dependant") == 0;
	int victim = p->status && strcmp(p->status, "victim") == 0;
	int not_confirmed = p->status && strcmp(p->status, "not_confirmed") == 0;
	if (!p->status || !codes_has(v->codes, "status", p->status))
		return;
	if (dependant) {
		check_ref(v, "parent_id", p->parent_ref, 1);
	} else {
		forbid(v, "parent_id", p->parent_ref != NULL, "for status dependant");
		check_date(v, "identified_on", p->identified_on, 1, "unless status is dependant");
		check_code(v, "identification_source", "source", p->identification_source, 1);
	}
	if (victim)
		check_date(v, "recognized_on", p->recognized_on, 1, "for status victim");
	else
		forbid(v, "recognized_on", p->recognized_on != DATE_NONE, "for status victim");
	if (not_confirmed)
		check_date(v, "decided_on", p->decided_on, 1, "for status not_confirmed");
	else
		forbid(v, "decided_on", p->decided_on != DATE_NONE, "for status not_confirmed");
}

void validate_person(struct validate *v, const struct person *p)
{
	check_ref(v, "id", p->ref, 1);
	check_code(v, "status", "status", p->status, 1);
	check_ref(v, "parent_id", p->parent_ref, 0);
	check_text(v, "given_name", p->given_name, 1, 0);
	check_text(v, "family_name", p->family_name, 1, 0);
	check_text(v, "patronymic", p->patronymic, 0, 0);
	check_code(v, "sex", "sex", p->sex, 1);
	check_birth(v, p->birth_date);
	check_country(v, "citizenship", p->citizenship);
	check_text(v, "document_number", p->document_number, 0, 0);
	check_text(v, "phone", p->phone, 0, 0);
	check_text(v, "address", p->address, 0, 0);
	check_date(v, "identified_on", p->identified_on, 0, "");
	check_code(v, "identification_source", "source", p->identification_source, 0);
	check_date(v, "recognized_on", p->recognized_on, 0, "");
	check_date(v, "decided_on", p->decided_on, 0, "");
	check_forms(v, p->exploitation);
	check_country(v, "country_of_exploitation", p->country_of_exploitation);
	person_status_rules(v, p);
	not_before(v, "recognized_on", p->recognized_on, "identified_on", p->identified_on);
	not_before(v, "decided_on", p->decided_on, "identified_on", p->identified_on);
}

void validate_service(struct validate *v, const struct service *s)
{
	check_ref(v, "id", s->ref, 1);
	check_ref(v, "person_id", s->person_ref, 1);
	check_code(v, "service", "service", s->service, 1);
	check_code(v, "provider", "agency", s->provider, 1);
	check_date(v, "date", s->date, 1, "");
	check_date(v, "end_date", s->end_date, 0, "");
	if (s->has_amount && (s->amount < 0 || s->amount > MONEY_MAX))
		problem(v, "amount", "not an amount of at least 0");
	if (s->currency && !alpha3(s->currency))
		problem(v, "currency", "not an ISO 4217 currency code (three capital letters, like "
				       "AZN)");
	check_code(v, "phase", "phase", s->phase, 0);
	check_text(v, "note", s->note, 0, 1);
	if (s->service && codes_has(v->codes, "service", s->service)) {
		int money = codes_is_money(v->codes, s->service);
		if (money && !s->has_amount)
			problem(v, "amount", "required for a money service (a decimal amount like "
					     "700 or 700.50)");
		forbid(v, "amount", !money && s->has_amount, "for the money services");
		if (strcmp(s->service, "legal_aid") == 0 && !s->phase)
			problem(v, "phase", "required for service legal_aid (investigation or court)");
		forbid(v, "phase", strcmp(s->service, "legal_aid") != 0 && s->phase,
		       "for service legal_aid");
	}
	forbid(v, "currency", !s->has_amount && s->currency, "with an amount");
	not_before(v, "end_date", s->end_date, "date", s->date);
}

void validate_referral(struct validate *v, const struct referral *f)
{
	const char *st = f->status ? f->status : "sent";
	check_ref(v, "id", f->ref, 1);
	check_ref(v, "person_id", f->person_ref, 1);
	check_code(v, "from", "agency", f->from, 1);
	check_code(v, "to", "agency", f->to, 1);
	check_code(v, "purpose", "service", f->purpose, 1);
	check_date(v, "date", f->date, 1, "");
	check_code(v, "status", "referral_status", st, 0);
	check_date(v, "closed_on", f->closed_on, 0, "");
	forbid(v, "closed_on",
	       f->closed_on != DATE_NONE && (strcmp(st, "sent") == 0 || strcmp(st, "accepted") == 0),
	       "for status declined or completed");
	not_before(v, "closed_on", f->closed_on, "date", f->date);
}
