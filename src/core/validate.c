/*
 * validate.c - the interchange rules of validate.h.
 *
 * Checks of one field come first, in the spec's column order, then the rules
 * across fields.  A rule across fields looks only at whether a value is given
 * and, for codes, whether it is a known one, never at a value already found
 * wrong: so a wrong status does not also bring "recognized_on: only allowed
 * for status victim", and a caller that drops every report after the first on
 * a field (the importer) loses nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/validate.h"
#include "util/date.h"
#include "util/money.h"

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

void validate_echo(const char *s, size_t len, char *buf, size_t buflen)
{
	size_t max = buflen - 4, i;
	for (i = 0; i < len && i < max; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7F && s[i] != '\'' ? s[i] : '?';
	if (i < len)
		memcpy(buf + i - 3, "...", 3);
	buf[i] = '\0';
}

static void echo(const char *s, char *buf)
{
	validate_echo(s, strlen(s), buf, VALIDATE_ECHO_MAX);
}

static int alpha3(const char *s)
{
	return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] >= 'A' &&
	       s[2] <= 'Z' && s[3] == '\0';
}

/* Counts the characters of UTF-8 text (the caller has checked the encoding:
 * jansson for the API, the importer for CSV cells) and tells whether it holds
 * a control character: C0, DEL or C1, other than tab and line breaks when
 * `multiline`.  One pass over the whole text, so that a text both too long
 * and holding a control character is reported as too long. */
static size_t text_chars(const char *s, int multiline, int *control)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;
	*control = 0;
	for (; *p; p++) {
		if ((*p < 0x20 && !(multiline && (*p == '\t' || *p == '\n' || *p == '\r'))) ||
		    *p == 0x7f || (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			*control = 1;
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return n;
}

int validate_label(const char *s, size_t max)
{
	int control;
	size_t n = s ? text_chars(s, 0, &control) : 0;
	return n >= 1 && n <= max && !control;
}

/* "required value is missing (what)", or "required why (what)" for a value
 * that another field makes required. */
static void required(struct validate *v, const char *field, const char *why, const char *what)
{
	if (why)
		problem(v, field, "required %s (%s)", why, what);
	else
		problem(v, field, "required value is missing (%s)", what);
}

static void forbid(struct validate *v, const char *field, int present, const char *why)
{
	if (present)
		problem(v, field, "only allowed %s (leave it empty)", why);
}

/* ---- one field ---------------------------------------------------------- */

static int is_agency_list(const char *list)
{
	return strcmp(list, "agency") == 0;
}

static int known(const struct validate *v, const char *list, const char *value)
{
	return is_agency_list(list) ? codes_agency_exists(v->codes, value)
	                            : codes_has(v->codes, list, value);
}

/* A missing value of a code list: "(allowed: a, b, c)". */
static void required_code(struct validate *v, const char *field, const char *list, const char *why)
{
	char what[VALIDATE_ALLOWED_MAX + 16], allowed[VALIDATE_ALLOWED_MAX];
	codes_allowed(v->codes, list, allowed, sizeof allowed);
	snprintf(what, sizeof what, "allowed: %s", allowed);
	required(v, field, why, what);
}

static void check_code(struct validate *v, const char *field, const char *list, const char *value,
                       int is_required)
{
	char allowed[VALIDATE_ALLOWED_MAX], shown[VALIDATE_ECHO_MAX];
	if (!value) {
		if (is_required)
			required_code(v, field, list, NULL);
		return;
	}
	if (known(v, list, value))
		return;
	codes_allowed(v->codes, list, allowed, sizeof allowed);
	echo(value, shown);
	problem(v, field, "'%s' is not a known %s (allowed: %s)", shown,
	        is_agency_list(list) ? "agency" : "code", allowed);
}

static void check_text(struct validate *v, const char *field, const char *value, int is_required,
                       int note)
{
	size_t max = note ? VALIDATE_NOTE_MAX : VALIDATE_TEXT_MAX, n;
	char what[64];
	int control;
	if (!value || !*value) {
		if (is_required) {
			snprintf(what, sizeof what, "text of at most %zu characters", max);
			required(v, field, NULL, what);
		}
		return;
	}
	n = text_chars(value, note, &control);
	if (n > max)
		problem(v, field, "text is %zu characters long (at most %zu)", n, max);
	else if (control)
		problem(v, field, "text contains a control character (%s)",
		        note ? "only tab and line breaks are allowed" : "no tabs or line breaks");
}

static void check_country(struct validate *v, const char *field, const char *value)
{
	char shown[VALIDATE_ECHO_MAX];
	if (!value || alpha3(value))
		return;
	echo(value, shown);
	problem(v, field,
	        "'%s' is not an ISO 3166-1 alpha-3 country code (three capital letters, like AZE; "
	        "XXA for stateless)",
	        shown);
}

static void check_currency(struct validate *v, const char *value)
{
	char shown[VALIDATE_ECHO_MAX];
	if (!value || alpha3(value))
		return;
	echo(value, shown);
	problem(v, "currency",
	        "'%s' is not an ISO 4217 currency code (three capital letters, "
	        "like AZN)",
	        shown);
}

/* A date is read by the caller; here only whether it is required and, for
 * the API, not in the future. */
static void check_date(struct validate *v, const char *field, int64_t d, int is_required)
{
	char today[DATE_TEXT_MAX];
	if (d == DATE_NONE) {
		if (is_required)
			required(v, field, NULL, VALIDATE_DATE_RULE);
		return;
	}
	if (v->today != DATE_NONE && d > v->today) {
		date_format(v->today, today);
		problem(v, field, "a date in the future (not after %s)", today);
	}
}

static void check_ref(struct validate *v, const char *field, const char *ref, int is_required)
{
	char shown[VALIDATE_ECHO_MAX];
	if (!ref) {
		if (is_required)
			required(v, field, NULL, "an id: " VALIDATE_ID_RULE);
	} else if (!validate_id(ref)) {
		echo(ref, shown);
		problem(v, field, "'%s' is not a valid id (" VALIDATE_ID_RULE ")", shown);
	}
}

/* A birth date is personal: described, never quoted.  date_parse_partial
 * takes only digits and dashes, so it is the text check too. */
static void check_birth(struct validate *v, const char *value)
{
	int64_t earliest, latest;
	if (!value)
		return;
	if (date_parse_partial(value, &earliest, &latest) != ERR_OK)
		problem(v, "birth_date",
		        "not a valid birth date (YYYY-MM-DD, YYYY-MM or YYYY naming "
		        "a day, month or year that exists, years 1900-2200)");
	else if (v->today != DATE_NONE && earliest > v->today)
		problem(v, "birth_date", "a birth date in the future");
}

/* Each ';'-separated exploitation form must be a code; at most LIST_MAX.
 * The list is in its record form: no spaces around values (the importer
 * drops them), empty values skipped. */
static void check_forms(struct validate *v, const char *list)
{
	char one[RECORD_REF_MAX + 1], allowed[VALIDATE_ALLOWED_MAX], shown[VALIDATE_ECHO_MAX];
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
				validate_echo(p, n, shown, sizeof shown);
				problem(v, "exploitation",
				        "'%s' is not a known code (allowed: %s, separated by ;)",
				        shown, allowed);
				return;
			}
			if (++count > VALIDATE_LIST_MAX) {
				problem(v, "exploitation",
				        "more than %d values (at most %d, separated "
				        "by ;)",
				        VALIDATE_LIST_MAX, VALIDATE_LIST_MAX);
				return;
			}
		}
		p += n;
		if (*p == ';')
			p++;
	}
}

/* ---- across fields ------------------------------------------------------- */

/* `later` must not be before `earlier`; both dates are quoted (neither is
 * personal: the birth date is never compared). */
static void not_before(struct validate *v, const char *later_field, int64_t later,
                       const char *earlier_field, int64_t earlier)
{
	char a[DATE_TEXT_MAX], b[DATE_TEXT_MAX];
	if (later == DATE_NONE || earlier == DATE_NONE || later >= earlier)
		return;
	date_format(later, a);
	date_format(earlier, b);
	problem(v, later_field, "%s is before %s %s (not before %s)", a, earlier_field, b,
	        earlier_field);
}

/* A status's own date: required for that status, and only allowed for it. */
static void status_date(struct validate *v, const char *field, int64_t d, int for_status,
                        const char *why)
{
	if (for_status && d == DATE_NONE)
		required(v, field, why, VALIDATE_DATE_RULE);
	forbid(v, field, !for_status && d != DATE_NONE, why);
}

/* Presence only: the values themselves were checked field by field. */
static void person_status_rules(struct validate *v, const struct person *p)
{
	if (!p->status || !codes_has(v->codes, "status", p->status))
		return;
	if (strcmp(p->status, "dependant") == 0) {
		if (!p->parent_ref)
			required(v, "parent_id", "for status dependant: the id of the parent",
			         "an id: " VALIDATE_ID_RULE);
	} else {
		forbid(v, "parent_id", p->parent_ref != NULL, "for status dependant");
		if (p->identified_on == DATE_NONE)
			required(v, "identified_on", "unless status is dependant",
			         VALIDATE_DATE_RULE);
		if (!p->identification_source)
			required_code(v, "identification_source", "source",
			              "unless status is dependant");
	}
	status_date(v, "recognized_on", p->recognized_on, strcmp(p->status, "victim") == 0,
	            "for status victim");
	status_date(v, "decided_on", p->decided_on, strcmp(p->status, "not_confirmed") == 0,
	            "for status not_confirmed");
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
	check_date(v, "identified_on", p->identified_on, 0);
	check_code(v, "identification_source", "source", p->identification_source, 0);
	check_date(v, "recognized_on", p->recognized_on, 0);
	check_date(v, "decided_on", p->decided_on, 0);
	check_forms(v, p->exploitation);
	check_country(v, "country_of_exploitation", p->country_of_exploitation);
	person_status_rules(v, p);
	not_before(v, "recognized_on", p->recognized_on, "identified_on", p->identified_on);
	not_before(v, "decided_on", p->decided_on, "identified_on", p->identified_on);
}

/* The money services, comma-separated, for a message (only built when one
 * is reported). */
static void money_services(const codes *c, char *buf, size_t len)
{
	char all[VALIDATE_ALLOWED_MAX];
	size_t used = 0;
	codes_allowed(c, "service", all, sizeof all);
	buf[0] = '\0';
	for (char *p = all, *next; p && *p; p = next) {
		if ((next = strstr(p, ", ")) != NULL) {
			*next = '\0';
			next += 2;
		}
		if (!codes_is_money(c, p))
			continue;
		int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", p);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

static void check_amount(struct validate *v, const struct service *s)
{
	char max[MONEY_TEXT_MAX];
	if (!s->has_amount)
		return;
	if (s->amount < 0) {
		problem(v, "amount", "amount is negative (" VALIDATE_MONEY_RULE ")");
	} else if (s->amount > MONEY_MAX) {
		money_format(MONEY_MAX, max);
		problem(v, "amount", "amount is too large (at most %s)", max);
	}
}

/* What the service requires and forbids: an amount for the money services
 * only, a phase for legal_aid only. */
static void service_rules(struct validate *v, const struct service *s)
{
	char why[VALIDATE_ALLOWED_MAX + 64], list[VALIDATE_ALLOWED_MAX];
	int money, legal_aid;
	if (!s->service || !codes_has(v->codes, "service", s->service))
		return;
	money = codes_is_money(v->codes, s->service);
	legal_aid = strcmp(s->service, "legal_aid") == 0;
	if (money && !s->has_amount) {
		snprintf(why, sizeof why, "for the money service %s", s->service);
		required(v, "amount", why, VALIDATE_MONEY_RULE);
	} else if (!money && s->has_amount) {
		money_services(v->codes, list, sizeof list);
		snprintf(why, sizeof why, "for the money services %s", list);
		forbid(v, "amount", 1, why);
	}
	if (legal_aid && !s->phase)
		required_code(v, "phase", "phase", "for service legal_aid");
	forbid(v, "phase", !legal_aid && s->phase, "for service legal_aid");
}

void validate_service(struct validate *v, const struct service *s)
{
	check_ref(v, "id", s->ref, 1);
	check_ref(v, "person_id", s->person_ref, 1);
	check_code(v, "service", "service", s->service, 1);
	check_code(v, "provider", "agency", s->provider, 1);
	check_date(v, "date", s->date, 1);
	check_date(v, "end_date", s->end_date, 0);
	check_amount(v, s);
	check_currency(v, s->currency);
	check_code(v, "phase", "phase", s->phase, 0);
	check_text(v, "note", s->note, 0, 1);
	service_rules(v, s);
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
	check_date(v, "date", f->date, 1);
	check_code(v, "status", "referral_status", st, 0);
	check_date(v, "closed_on", f->closed_on, 0);
	forbid(v, "closed_on",
	       f->closed_on != DATE_NONE &&
	           (strcmp(st, "sent") == 0 || strcmp(st, "accepted") == 0),
	       "for status declined or completed");
	not_before(v, "closed_on", f->closed_on, "date", f->date);
}

void validate_referral_consent(struct validate *v, const struct referral *f)
{
	switch (f->consent) {
	case CONSENT_UNRECORDED:
		required(v, "consent", NULL, "true when the person agreed to the referral, false when not");
		break;
	case CONSENT_GIVEN:
		forbid(v, "override_reason", f->override_reason != NULL,
		       "when the person has not agreed");
		break;
	case CONSENT_NOT_GIVEN:
		if (!f->override_reason)
			required_code(v, "override_reason", "consent_override_reason",
				      "when the person has not agreed");
		else
			check_code(v, "override_reason", "consent_override_reason",
				   f->override_reason, 1);
		break;
	}
}
