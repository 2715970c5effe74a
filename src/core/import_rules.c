/*
 * import_rules.c - the rules of shared/spec/interchange.md for one row: the
 * columns of each kind as data, a check per type of cell, the conditional
 * rules of each kind, and building the record that is stored.
 *
 * A message names the column and says what is wrong and what is allowed.  It
 * may quote an id, a code or a date (import_echo), never a personal value:
 * names, birth dates, documents, phones, addresses, notes and amounts are
 * described, not shown.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/import_internal.h"
#include "util/csv_writer.h"
#include "util/date.h"
#include "util/money.h"

enum field_type {
	T_ID,       /* this row's id */
	T_REF,      /* a person's id */
	T_CODE,     /* a value of code list `list` */
	T_AGENCY,   /* an agency code */
	T_LIST,     /* ';'-separated values of code list `list` */
	T_TEXT,     /* personal text, one line */
	T_NOTE,     /* personal text, may span lines */
	T_DATE,     /* YYYY-MM-DD */
	T_BIRTH,    /* YYYY-MM-DD, YYYY-MM or YYYY; personal */
	T_COUNTRY,  /* ISO 3166-1 alpha-3 */
	T_CURRENCY, /* ISO 4217 */
	T_MONEY     /* decimal, at most two fractional digits */
};

enum {
	P_ID,
	P_STATUS,
	P_PARENT,
	P_GIVEN,
	P_FAMILY,
	P_PATRONYMIC,
	P_SEX,
	P_BIRTH,
	P_CITIZENSHIP,
	P_DOCUMENT,
	P_PHONE,
	P_ADDRESS,
	P_IDENTIFIED,
	P_SOURCE,
	P_RECOGNIZED,
	P_DECIDED,
	P_EXPLOITATION,
	P_COUNTRY,
	P_N
};
static const struct field_def person_fields[P_N] = {
    [P_ID] = {"id", 1, T_ID, NULL},
    [P_STATUS] = {"status", 1, T_CODE, "status"},
    [P_PARENT] = {"parent_id", 0, T_REF, NULL},
    [P_GIVEN] = {"given_name", 1, T_TEXT, NULL},
    [P_FAMILY] = {"family_name", 1, T_TEXT, NULL},
    [P_PATRONYMIC] = {"patronymic", 0, T_TEXT, NULL},
    [P_SEX] = {"sex", 1, T_CODE, "sex"},
    [P_BIRTH] = {"birth_date", 0, T_BIRTH, NULL},
    [P_CITIZENSHIP] = {"citizenship", 0, T_COUNTRY, NULL},
    [P_DOCUMENT] = {"document_number", 0, T_TEXT, NULL},
    [P_PHONE] = {"phone", 0, T_TEXT, NULL},
    [P_ADDRESS] = {"address", 0, T_TEXT, NULL},
    [P_IDENTIFIED] = {"identified_on", 0, T_DATE, NULL},
    [P_SOURCE] = {"identification_source", 0, T_CODE, "source"},
    [P_RECOGNIZED] = {"recognized_on", 0, T_DATE, NULL},
    [P_DECIDED] = {"decided_on", 0, T_DATE, NULL},
    [P_EXPLOITATION] = {"exploitation", 0, T_LIST, "exploitation"},
    [P_COUNTRY] = {"country_of_exploitation", 0, T_COUNTRY, NULL},
};

enum {
	S_ID,
	S_PERSON,
	S_SERVICE,
	S_PROVIDER,
	S_DATE,
	S_END,
	S_AMOUNT,
	S_CURRENCY,
	S_PHASE,
	S_NOTE,
	S_N
};
static const struct field_def service_fields[S_N] = {
    [S_ID] = {"id", 1, T_ID, NULL},
    [S_PERSON] = {"person_id", 1, T_REF, NULL},
    [S_SERVICE] = {"service", 1, T_CODE, "service"},
    [S_PROVIDER] = {"provider", 1, T_AGENCY, "agency"},
    [S_DATE] = {"date", 1, T_DATE, NULL},
    [S_END] = {"end_date", 0, T_DATE, NULL},
    [S_AMOUNT] = {"amount", 0, T_MONEY, NULL},
    [S_CURRENCY] = {"currency", 0, T_CURRENCY, NULL},
    [S_PHASE] = {"phase", 0, T_CODE, "phase"},
    [S_NOTE] = {"note", 0, T_NOTE, NULL},
};

enum { R_ID, R_PERSON, R_FROM, R_TO, R_PURPOSE, R_DATE, R_STATUS, R_CLOSED, R_N };
static const struct field_def referral_fields[R_N] = {
    [R_ID] = {"id", 1, T_ID, NULL},
    [R_PERSON] = {"person_id", 1, T_REF, NULL},
    [R_FROM] = {"from", 1, T_AGENCY, "agency"},
    [R_TO] = {"to", 1, T_AGENCY, "agency"},
    [R_PURPOSE] = {"purpose", 1, T_CODE, "service"},
    [R_DATE] = {"date", 1, T_DATE, NULL},
    [R_STATUS] = {"status", 0, T_CODE, "referral_status"},
    [R_CLOSED] = {"closed_on", 0, T_DATE, NULL},
};

const struct kind_def import_kinds[KIND_COUNT] = {
    [KIND_PERSONS] = {"persons", person_fields, P_N},
    [KIND_SERVICES] = {"services", service_fields, S_N},
    [KIND_REFERRALS] = {"referrals", referral_fields, R_N},
};

#define ID_CHARS  "1-64 characters of A-Z a-z 0-9 . _ : -"
#define DATE_RULE "a day that exists, written YYYY-MM-DD, years 1900-2200"
#define MONEY_RULE                                                                                 \
	"a decimal amount of at least 0 with at most two decimals and a point, like 700 or 700.50"

enum vstate { V_ABSENT, V_OK, V_BAD };

struct value {
	enum vstate state;
	const char *s; /* NUL-terminated */
	size_t len;
	int64_t n; /* dates, amounts */
};

/* One row being checked. */
struct rowctx {
	struct import_ctx *c;
	const struct row_in *in;
	const struct field_def *fields;
	struct value v[IMPORT_FIELDS_MAX];
	char list[IMPORT_TEXT_MAX + 1]; /* the canonical form of the T_LIST cell */
};

static void problem(struct rowctx *x, size_t field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct rowctx *x, size_t field, const char *fmt, ...)
{
	char msg[ERRBUF_MAX + IMPORT_ALLOWED_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	import_problem(x->c, x->in->file, x->in->line, x->fields[field].name, "%s", msg);
	x->v[field].state = V_BAD;
}

static void allowed(struct rowctx *x, const char *list, char *buf, size_t len)
{
	codes_allowed(x->c->codes, list, buf, len);
}

/* ---- character level ---------------------------------------------------- */

/* Checks UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
 * Returns the offset of the first bad byte, or len when all is well, with
 * the number of characters in *chars. */
static size_t utf8_check(const unsigned char *s, size_t len, size_t *chars)
{
	size_t i = 0, n = 0;
	while (i < len) {
		unsigned char b = s[i];
		size_t k;
		unsigned lo = 0x80, hi = 0xBF;
		if (b < 0x80) {
			i++;
			n++;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF)
			k = 1;
		else if (b >= 0xE0 && b <= 0xEF)
			k = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
		else if (b >= 0xF0 && b <= 0xF4)
			k = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
		else
			return i;
		if (i + k >= len)
			return i;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t j = 2; j <= k; j++)
			if (s[i + j] < 0x80 || s[i + j] > 0xBF)
				return i;
		i += k + 1;
		n++;
	}
	*chars = n;
	return len;
}

/* 1 when the text holds a control character (C0, DEL, C1), other than tab,
 * LF and CR when `multiline`. */
static int has_control(const unsigned char *s, size_t len, int multiline)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char b = s[i];
		if (multiline && (b == '\t' || b == '\n' || b == '\r'))
			continue;
		if (b < 0x20 || b == 0x7F)
			return 1;
		if (b == 0xC2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			return 1;
	}
	return 0;
}

static int is_id(const char *s, size_t len)
{
	if (len == 0 || len > IMPORT_ID_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char ch = s[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == ':' || ch == '-'))
			return 0;
	}
	return 1;
}

static int is_alpha3(const char *s, size_t len)
{
	return len == 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' &&
	       s[2] >= 'A' && s[2] <= 'Z';
}

/* "YYYY-MM-DD" with digits where digits belong. */
static int date_shaped(const char *s, size_t len)
{
	if (len != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

/* ---- one cell ------------------------------------------------------------ */

/* What a value of the field must look like, for "missing" messages. */
static void describe(struct rowctx *x, const struct field_def *f, char *buf, size_t len)
{
	char list[IMPORT_ALLOWED_MAX];
	switch (f->type) {
	case T_ID:
	case T_REF:
		snprintf(buf, len, "an id: " ID_CHARS);
		return;
	case T_CODE:
	case T_AGENCY:
	case T_LIST:
		allowed(x, f->list, list, sizeof list);
		snprintf(buf, len, "allowed: %s", list);
		return;
	case T_DATE:
		snprintf(buf, len, DATE_RULE);
		return;
	case T_MONEY:
		snprintf(buf, len, MONEY_RULE);
		return;
	default:
		snprintf(buf, len, "text of at most %d characters", IMPORT_TEXT_MAX);
		return;
	}
}

static void check_code(struct rowctx *x, size_t i)
{
	const struct field_def *f = &x->fields[i];
	struct value *v = &x->v[i];
	char echo[IMPORT_ECHO_MAX], list[IMPORT_ALLOWED_MAX];
	int ok = f->type == T_AGENCY ? codes_agency_exists(x->c->codes, v->s)
	                             : codes_has(x->c->codes, f->list, v->s);
	if (ok)
		return;
	import_echo(v->s, v->len, echo, sizeof echo);
	allowed(x, f->list, list, sizeof list);
	problem(x, i, "'%s' is not a known %s (allowed: %s)", echo,
	        f->type == T_AGENCY ? "agency" : "code", list);
}

/* Checks each ';'-separated value (spaces around values are dropped, empty
 * values ignored) and keeps the canonical "a;b" form in x->list. */
static void check_list(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	const char *p = v->s, *end = v->s + v->len;
	size_t used = 0, count = 0;
	char echo[IMPORT_ECHO_MAX], list[IMPORT_ALLOWED_MAX];
	for (int last = 0; !last;) {
		const char *semi = memchr(p, ';', (size_t)(end - p));
		const char *a = p, *b = semi ? semi : end;
		last = !semi;
		p = semi ? semi + 1 : end;
		while (a < b && *a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			b--;
		if (a == b)
			continue;
		memcpy(x->list + used, a, (size_t)(b - a));
		x->list[used + (size_t)(b - a)] = '\0';
		if (!codes_has(x->c->codes, x->fields[i].list, x->list + used)) {
			import_echo(a, (size_t)(b - a), echo, sizeof echo);
			allowed(x, x->fields[i].list, list, sizeof list);
			problem(x, i, "'%s' is not a known code (allowed: %s, separated by ;)",
			        echo, list);
			return;
		}
		if (++count > IMPORT_LIST_MAX) {
			problem(x, i, "more than %d values (at most %d, separated by ;)",
			        IMPORT_LIST_MAX, IMPORT_LIST_MAX);
			return;
		}
		used += (size_t)(b - a);
		x->list[used++] = ';';
	}
	x->list[used ? used - 1 : 0] = '\0';
	v->s = x->list;
	v->len = used ? used - 1 : 0;
	if (v->len == 0)
		v->state = V_ABSENT;
}

static void check_text(struct rowctx *x, size_t i, size_t chars)
{
	int note = x->fields[i].type == T_NOTE;
	size_t max = note ? IMPORT_NOTE_MAX : IMPORT_TEXT_MAX;
	struct value *v = &x->v[i];
	if (chars > max)
		problem(x, i, "text is %zu characters long (at most %zu)", chars, max);
	else if (has_control((const unsigned char *)v->s, v->len, note))
		problem(x, i, "text contains a control character (%s)",
		        note ? "only tab and line breaks are allowed" : "no tabs or line breaks");
}

static void check_date(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	char echo[IMPORT_ECHO_MAX];
	if (date_parse(v->s, &v->n) == ERR_OK)
		return;
	import_echo(v->s, v->len, echo, sizeof echo);
	if (date_shaped(v->s, v->len))
		problem(x, i, "'%s' is not a day in the calendar (" DATE_RULE ")", echo);
	else
		problem(x, i, "'%s' is not a date (" DATE_RULE ")", echo);
}

static void check_birth(struct rowctx *x, size_t i)
{
	int64_t earliest, latest;
	if (date_parse_partial(x->v[i].s, &earliest, &latest) != ERR_OK)
		problem(x, i,
		        "not a valid birth date (YYYY-MM-DD, YYYY-MM or YYYY naming a day, "
		        "month or year that exists, years 1900-2200)");
}

static void check_money(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	const char *dot = memchr(v->s, '.', v->len);
	err_t e;
	if (v->s[0] == '-') {
		problem(x, i, "amount is negative (" MONEY_RULE ")");
		return;
	}
	if (dot && (size_t)(v->s + v->len - dot - 1) > 2 &&
	    strspn(dot + 1, "0123456789") == (size_t)(v->s + v->len - dot - 1)) {
		problem(x, i, "amount has more than two decimals (" MONEY_RULE ")");
		return;
	}
	e = money_parse(v->s, &v->n);
	if (e == ERR_LIMIT)
		problem(x, i, "amount is too large (" MONEY_RULE ")");
	else if (e != ERR_OK)
		problem(x, i, "not a decimal amount (" MONEY_RULE ")");
}

static void check_shape(struct rowctx *x, size_t i)
{
	const struct field_def *f = &x->fields[i];
	struct value *v = &x->v[i];
	char echo[IMPORT_ECHO_MAX];
	import_echo(v->s, v->len, echo, sizeof echo);
	if (f->type == T_ID || f->type == T_REF) {
		if (!is_id(v->s, v->len))
			problem(x, i, "'%s' is not a valid id (" ID_CHARS ")", echo);
	} else if (!is_alpha3(v->s, v->len)) {
		if (f->type == T_CURRENCY)
			problem(x, i,
			        "'%s' is not an ISO 4217 currency code (three capital letters, "
			        "like AZN)",
			        echo);
		else
			problem(x, i,
			        "'%s' is not an ISO 3166-1 alpha-3 country code (three capital "
			        "letters, like AZE; XXA for stateless)",
			        echo);
	}
}

static void check_typed(struct rowctx *x, size_t i, size_t chars)
{
	switch (x->fields[i].type) {
	case T_ID:
	case T_REF:
	case T_COUNTRY:
	case T_CURRENCY:
		check_shape(x, i);
		break;
	case T_CODE:
	case T_AGENCY:
		check_code(x, i);
		break;
	case T_LIST:
		if (x->v[i].len > IMPORT_TEXT_MAX)
			problem(x, i, "list is too long (at most %d characters)", IMPORT_TEXT_MAX);
		else
			check_list(x, i);
		break;
	case T_TEXT:
	case T_NOTE:
		check_text(x, i, chars);
		break;
	case T_DATE:
		check_date(x, i);
		break;
	case T_BIRTH:
		check_birth(x, i);
		break;
	case T_MONEY:
		check_money(x, i);
		break;
	}
}

static void check_cell(struct rowctx *x, size_t i)
{
	const struct field_def *f = &x->fields[i];
	struct value *v = &x->v[i];
	int col = x->in->col[i];
	char what[IMPORT_ALLOWED_MAX + 16];
	size_t skip, bad, chars = 0;

	*v = (struct value){V_ABSENT, NULL, 0, 0};
	if (col < 0) {
		/* a missing required column was reported once, with the header */
		v->state = f->required ? V_BAD : V_ABSENT;
		return;
	}
	v->s = x->in->cells[col].s;
	v->len = x->in->cells[col].len;
	skip = csv_formula_prefix_len(v->s, v->len);
	v->s += skip;
	v->len -= skip;
	if (v->len == 0) {
		if (f->required) {
			describe(x, f, what, sizeof what);
			problem(x, i, "required value is missing (%s)", what);
		}
		return;
	}
	if (memchr(v->s, '\0', v->len)) {
		problem(x, i, "contains a NUL byte (text must not contain NUL bytes)");
		return;
	}
	if ((bad = utf8_check((const unsigned char *)v->s, v->len, &chars)) != v->len) {
		problem(x, i, "not valid UTF-8 at byte %zu of the cell (save the file as UTF-8)",
		        bad + 1);
		return;
	}
	v->state = V_OK;
	check_typed(x, i, chars);
}

/* ---- rules across cells -------------------------------------------------- */

static int is(const struct value *v, const char *s)
{
	return v->state == V_OK && strcmp(v->s, s) == 0;
}

static void need(struct rowctx *x, size_t i, const char *why)
{
	char what[IMPORT_ALLOWED_MAX + 16];
	if (x->v[i].state != V_ABSENT)
		return;
	describe(x, &x->fields[i], what, sizeof what);
	problem(x, i, "required %s (%s)", why, what);
}

static void forbid(struct rowctx *x, size_t i, const char *why)
{
	if (x->v[i].state == V_OK)
		problem(x, i, "only allowed %s (leave it empty)", why);
}

/* v[later] must not be before v[earlier]. */
static void not_before(struct rowctx *x, size_t later, size_t earlier)
{
	char a[DATE_TEXT_MAX], b[DATE_TEXT_MAX];
	if (x->v[later].state != V_OK || x->v[earlier].state != V_OK ||
	    x->v[later].n >= x->v[earlier].n)
		return;
	date_format(x->v[later].n, a);
	date_format(x->v[earlier].n, b);
	problem(x, later, "%s is before %s %s (not before %s)", a, x->fields[earlier].name, b,
	        x->fields[earlier].name);
}

static void person_rules(struct rowctx *x)
{
	const struct value *st = &x->v[P_STATUS];
	if (st->state != V_OK)
		return;
	if (is(st, "dependant")) {
		need(x, P_PARENT, "for status dependant: the id of the parent");
	} else {
		forbid(x, P_PARENT, "for status dependant");
		need(x, P_IDENTIFIED, "unless status is dependant");
		need(x, P_SOURCE, "unless status is dependant");
	}
	if (is(st, "victim"))
		need(x, P_RECOGNIZED, "for status victim");
	else
		forbid(x, P_RECOGNIZED, "for status victim");
	if (is(st, "not_confirmed"))
		need(x, P_DECIDED, "for status not_confirmed");
	else
		forbid(x, P_DECIDED, "for status not_confirmed");
	not_before(x, P_RECOGNIZED, P_IDENTIFIED);
	not_before(x, P_DECIDED, P_IDENTIFIED);
}

static void service_rules(struct rowctx *x)
{
	const struct value *sv = &x->v[S_SERVICE];
	char why[IMPORT_ALLOWED_MAX + 64];
	if (sv->state == V_OK) {
		if (codes_is_money(x->c->codes, sv->s)) {
			snprintf(why, sizeof why, "for the money service %s", sv->s);
			need(x, S_AMOUNT, why);
		} else {
			snprintf(why, sizeof why, "for the money services %s",
			         x->c->money_services);
			forbid(x, S_AMOUNT, why);
		}
		if (is(sv, "legal_aid"))
			need(x, S_PHASE, "for service legal_aid");
		else
			forbid(x, S_PHASE, "for service legal_aid");
	}
	if (x->v[S_AMOUNT].state == V_ABSENT)
		forbid(x, S_CURRENCY, "with an amount");
	not_before(x, S_END, S_DATE);
}

static void referral_rules(struct rowctx *x)
{
	const struct value *st = &x->v[R_STATUS];
	if (st->state == V_ABSENT || is(st, "sent") || is(st, "accepted"))
		forbid(x, R_CLOSED, "for status declined or completed");
	not_before(x, R_CLOSED, R_DATE);
}

/* ---- storing -------------------------------------------------------------- */

static const char *keep(struct rowctx *x, size_t i)
{
	const struct value *v = &x->v[i];
	if (v->state != V_OK)
		return NULL;
	return arena_strndup(&x->c->arena, v->s, v->len);
}

/* Codes are few and repeated on every row: one copy each. */
static const char *intern(struct import_ctx *c, const char *s, size_t len)
{
	size_t found;
	char *copy;
	if (strmap_get(&c->interned, s, &found))
		return (const char *)(uintptr_t)found;
	copy = arena_strndup(&c->arena, s, len);
	if (!copy || strmap_put(&c->interned, copy, (size_t)(uintptr_t)copy, NULL) != ERR_OK)
		return NULL;
	return copy;
}

static const char *keep_code(struct rowctx *x, size_t i)
{
	const struct value *v = &x->v[i];
	return v->state == V_OK ? intern(x->c, v->s, v->len) : NULL;
}

static int64_t date_of(const struct rowctx *x, size_t i)
{
	return x->v[i].state == V_OK ? x->v[i].n : DATE_NONE;
}

/* A string field was present but could not be copied. */
static int lost(const struct rowctx *x, size_t i, const char *copy)
{
	return x->v[i].state == V_OK && !copy;
}

static err_t store_person(struct rowctx *x, const char *ref, struct row_src src)
{
	struct person_row *row = rows_push(&x->c->rows[KIND_PERSONS]);
	struct person *p;
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	p = &row->p;
	*p = (struct person){.ref = ref,
	                     .status = keep_code(x, P_STATUS),
	                     .parent_ref = keep(x, P_PARENT),
	                     .given_name = keep(x, P_GIVEN),
	                     .family_name = keep(x, P_FAMILY),
	                     .patronymic = keep(x, P_PATRONYMIC),
	                     .sex = keep_code(x, P_SEX),
	                     .birth_date = keep(x, P_BIRTH),
	                     .citizenship = keep_code(x, P_CITIZENSHIP),
	                     .document_number = keep(x, P_DOCUMENT),
	                     .phone = keep(x, P_PHONE),
	                     .address = keep(x, P_ADDRESS),
	                     .identified_on = date_of(x, P_IDENTIFIED),
	                     .identification_source = keep_code(x, P_SOURCE),
	                     .recognized_on = date_of(x, P_RECOGNIZED),
	                     .decided_on = date_of(x, P_DECIDED),
	                     .exploitation = keep(x, P_EXPLOITATION),
	                     .country_of_exploitation = keep_code(x, P_COUNTRY)};
	const char *all[] = {p->status,          p->parent_ref,
	                     p->given_name,      p->family_name,
	                     p->patronymic,      p->sex,
	                     p->birth_date,      p->citizenship,
	                     p->document_number, p->phone,
	                     p->address,         p->identification_source,
	                     p->exploitation,    p->country_of_exploitation};
	const size_t idx[] = {P_STATUS,  P_PARENT, P_GIVEN,        P_FAMILY,   P_PATRONYMIC,
	                      P_SEX,     P_BIRTH,  P_CITIZENSHIP,  P_DOCUMENT, P_PHONE,
	                      P_ADDRESS, P_SOURCE, P_EXPLOITATION, P_COUNTRY};
	for (size_t i = 0; i < sizeof idx / sizeof idx[0]; i++)
		if (lost(x, idx[i], all[i]))
			return ERR_NOMEM;
	return ERR_OK;
}

static err_t store_service(struct rowctx *x, const char *ref, struct row_src src)
{
	struct service_row *row = rows_push(&x->c->rows[KIND_SERVICES]);
	struct service *s;
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	s = &row->s;
	*s = (struct service){.ref = ref,
	                      .person_ref = keep(x, S_PERSON),
	                      .service = keep_code(x, S_SERVICE),
	                      .provider = keep_code(x, S_PROVIDER),
	                      .date = date_of(x, S_DATE),
	                      .end_date = date_of(x, S_END),
	                      .has_amount = x->v[S_AMOUNT].state == V_OK,
	                      .amount = x->v[S_AMOUNT].n,
	                      .currency = keep_code(x, S_CURRENCY),
	                      .phase = keep_code(x, S_PHASE),
	                      .note = keep(x, S_NOTE)};
	/* the spec's default, made explicit so that an export re-imports unchanged */
	if (s->has_amount && !s->currency && !(s->currency = intern(x->c, "AZN", 3)))
		return ERR_NOMEM;
	if (!s->person_ref || !s->service || !s->provider || lost(x, S_CURRENCY, s->currency) ||
	    lost(x, S_PHASE, s->phase) || lost(x, S_NOTE, s->note))
		return ERR_NOMEM;
	return ERR_OK;
}

static err_t store_referral(struct rowctx *x, const char *ref, struct row_src src)
{
	struct referral_row *row = rows_push(&x->c->rows[KIND_REFERRALS]);
	struct referral *f;
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	f = &row->f;
	*f = (struct referral){.ref = ref,
	                       .person_ref = keep(x, R_PERSON),
	                       .from = keep_code(x, R_FROM),
	                       .to = keep_code(x, R_TO),
	                       .purpose = keep_code(x, R_PURPOSE),
	                       .date = date_of(x, R_DATE),
	                       .status = x->v[R_STATUS].state == V_OK ? keep_code(x, R_STATUS)
	                                                              : intern(x->c, "sent", 4),
	                       .closed_on = date_of(x, R_CLOSED)};
	if (!f->person_ref || !f->from || !f->to || !f->purpose || !f->status)
		return ERR_NOMEM;
	return ERR_OK;
}

/* Registers the row's id; reports a duplicate.  *ref is the kept copy. */
static err_t register_id(struct rowctx *x, struct row_src src, const char **ref)
{
	struct import_ctx *c = x->c;
	enum kind k = x->in->kind;
	struct id_info *info;
	size_t first;
	char *copy = arena_strndup(&c->arena, x->v[0].s, x->v[0].len);
	err_t e;
	if (!copy)
		return ERR_NOMEM;
	e = strmap_put(&c->ids[k], copy, c->idinfo[k].n, &first);
	if (e == ERR_CONFLICT) {
		const struct id_info *was = (const struct id_info *)c->idinfo[k].v + first;
		problem(x, 0, "'%s' appears twice (also at %s:%u; each id once)", copy,
		        c->paths[was->src.file], (unsigned)was->src.line);
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	if (!(info = rows_push(&c->idinfo[k])))
		return ERR_NOMEM;
	info->src = src;
	info->status = k == KIND_PERSONS ? keep_code(x, P_STATUS) : NULL;
	*ref = copy;
	return ERR_OK;
}

err_t import_row(struct import_ctx *c, const struct row_in *in)
{
	static err_t (*const store[KIND_COUNT])(struct rowctx *, const char *, struct row_src) = {
	    store_person, store_service, store_referral};
	static void (*const rules[KIND_COUNT])(struct rowctx *) = {person_rules, service_rules,
	                                                           referral_rules};
	struct rowctx x = {.c = c, .in = in, .fields = import_kinds[in->kind].fields};
	struct row_src src = {in->file, in->line > UINT32_MAX ? UINT32_MAX : (uint32_t)in->line};
	uint64_t before = c->total_problems;
	const char *ref = NULL;
	err_t e;

	for (size_t i = 0; i < import_kinds[in->kind].nfields; i++)
		check_cell(&x, i);
	rules[in->kind](&x);
	if (x.v[0].state == V_OK && (e = register_id(&x, src, &ref)) != ERR_OK)
		return e;
	if (c->total_problems != before || !ref)
		return ERR_OK;
	return store[in->kind](&x, ref, src);
}

/* Keeps the comma-separated money services, for messages. */
void import_rules_init(struct import_ctx *c)
{
	char all[IMPORT_ALLOWED_MAX];
	size_t used = 0;
	codes_allowed(c->codes, "service", all, sizeof all);
	c->money_services[0] = '\0';
	for (char *p = all, *next; p && *p; p = next) {
		next = strstr(p, ", ");
		if (next) {
			*next = '\0';
			next += 2;
		}
		if (!codes_is_money(c->codes, p))
			continue;
		int n = snprintf(c->money_services + used, sizeof c->money_services - used, "%s%s",
		                 used ? ", " : "", p);
		if (n < 0 || (size_t)n >= sizeof c->money_services - used)
			break;
		used += (size_t)n;
	}
}
