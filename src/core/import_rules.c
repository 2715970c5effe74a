/*
 * import_rules.c - one row of an interchange CSV file: the columns of each
 * kind as data, what only a CSV cell needs (its encoding, its text read into
 * a date, an amount or a list), then the record checked by validate_person,
 * validate_service or validate_referral (core/validate.c), which hold every
 * rule of shared/spec/interchange.md, and the record kept for writing.
 *
 * Problems read `COLUMN: what is wrong (what is allowed)`.  A cell's text is
 * quoted only for dates (validate.c quotes ids and codes), never a personal
 * value: names, birth dates, documents, phones, addresses, notes and amounts
 * are described, not shown.  At most one problem is reported per cell, the
 * first found: the one that says what is wrong with the value itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/import_internal.h"
#include "util/csv_writer.h"
#include "util/date.h"
#include "util/money.h"
#include "util/utf8.h"

enum cell_type {
	T_STR,   /* passed to validate.c as written: ids, codes, texts, the birth date */
	T_DATE,  /* YYYY-MM-DD, read here into a date */
	T_MONEY, /* a decimal, read here into minor units */
	T_LIST   /* ';'-separated, read here into "a;b" without spaces around values */
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
    [P_ID] = {"id", 1, T_STR},
    [P_STATUS] = {"status", 1, T_STR},
    [P_PARENT] = {"parent_id", 0, T_STR},
    [P_GIVEN] = {"given_name", 1, T_STR},
    [P_FAMILY] = {"family_name", 1, T_STR},
    [P_PATRONYMIC] = {"patronymic", 0, T_STR},
    [P_SEX] = {"sex", 1, T_STR},
    [P_BIRTH] = {"birth_date", 0, T_STR},
    [P_CITIZENSHIP] = {"citizenship", 0, T_STR},
    [P_DOCUMENT] = {"document_number", 0, T_STR},
    [P_PHONE] = {"phone", 0, T_STR},
    [P_ADDRESS] = {"address", 0, T_STR},
    [P_IDENTIFIED] = {"identified_on", 0, T_DATE},
    [P_SOURCE] = {"identification_source", 0, T_STR},
    [P_RECOGNIZED] = {"recognized_on", 0, T_DATE},
    [P_DECIDED] = {"decided_on", 0, T_DATE},
    [P_EXPLOITATION] = {"exploitation", 0, T_LIST},
    [P_COUNTRY] = {"country_of_exploitation", 0, T_STR},
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
    [S_ID] = {"id", 1, T_STR},           [S_PERSON] = {"person_id", 1, T_STR},
    [S_SERVICE] = {"service", 1, T_STR}, [S_PROVIDER] = {"provider", 1, T_STR},
    [S_DATE] = {"date", 1, T_DATE},      [S_END] = {"end_date", 0, T_DATE},
    [S_AMOUNT] = {"amount", 0, T_MONEY}, [S_CURRENCY] = {"currency", 0, T_STR},
    [S_PHASE] = {"phase", 0, T_STR},     [S_NOTE] = {"note", 0, T_STR},
};

enum { R_ID, R_PERSON, R_FROM, R_TO, R_PURPOSE, R_DATE, R_STATUS, R_CLOSED, R_N };
static const struct field_def referral_fields[R_N] = {
    [R_ID] = {"id", 1, T_STR},           [R_PERSON] = {"person_id", 1, T_STR},
    [R_FROM] = {"from", 1, T_STR},       [R_TO] = {"to", 1, T_STR},
    [R_PURPOSE] = {"purpose", 1, T_STR}, [R_DATE] = {"date", 1, T_DATE},
    [R_STATUS] = {"status", 0, T_STR},   [R_CLOSED] = {"closed_on", 0, T_DATE},
};

const struct kind_def import_kinds[KIND_COUNT] = {
    [KIND_PERSONS] = {"persons", person_fields, P_N},
    [KIND_SERVICES] = {"services", service_fields, S_N},
    [KIND_REFERRALS] = {"referrals", referral_fields, R_N},
};

/* A cell the importer could not read (its problem is reported) goes to
 * validate.c as this: a value that is given, so that no rule on another
 * column takes it for absent ("currency: only allowed with an amount" after
 * an amount that is not a number), and that no code list or id shape knows,
 * so that no rule takes it for a particular value.  What validate.c says of
 * the cell itself is dropped: the cell already has its problem. */
static const char unreadable[] = "?";

enum vstate { V_ABSENT, V_OK, V_BAD };

struct value {
	enum vstate state;
	const char *s; /* NUL-terminated */
	size_t len;
	int64_t n; /* dates, amounts */
};

_Static_assert(IMPORT_FIELDS_MAX <= 32, "struct rowctx keeps a bit per field in 32 bits");

/* One row being checked. */
struct rowctx {
	struct import_ctx *c;
	const struct row_in *in;
	const struct field_def *fields;
	size_t nfields;
	struct value v[IMPORT_FIELDS_MAX];
	uint32_t reported;              /* bit i: field i has its problem */
	char list[IMPORT_TEXT_MAX + 1]; /* the record form of the T_LIST cell */
};

/* Reports a problem with field i, unless the cell has one already. */
static void problem(struct rowctx *x, size_t i, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct rowctx *x, size_t i, const char *fmt, ...)
{
	char msg[IMPORT_MESSAGE_MAX];
	va_list ap;
	if (x->reported & (UINT32_C(1) << i))
		return;
	x->reported |= UINT32_C(1) << i;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	import_problem(x->c, x->in->file, x->in->line, x->fields[i].name, "%s", msg);
}

static int has_problem(const struct rowctx *x, size_t i)
{
	return (x->reported & (UINT32_C(1) << i)) != 0;
}

/* ---- a cell's text --------------------------------------------------------- */

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

static void read_date(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	char shown[VALIDATE_ECHO_MAX];
	if (date_parse(v->s, &v->n) == ERR_OK)
		return;
	validate_echo(v->s, v->len, shown, sizeof shown);
	if (date_shaped(v->s, v->len))
		problem(x, i, "'%s' is not a day in the calendar (" VALIDATE_DATE_RULE ")", shown);
	else
		problem(x, i, "'%s' is not a date (" VALIDATE_DATE_RULE ")", shown);
}

/* An amount is described, never quoted (it tells about a person's case). */
static void read_money(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	const char *dot = memchr(v->s, '.', v->len);
	size_t frac = dot ? (size_t)(v->s + v->len - dot - 1) : 0;
	err_t e;
	if (v->s[0] == '-') {
		problem(x, i, "amount is negative (" VALIDATE_MONEY_RULE ")");
		return;
	}
	if (frac > 2 && strspn(dot + 1, "0123456789") == frac) {
		problem(x, i, "amount has more than two decimals (" VALIDATE_MONEY_RULE ")");
		return;
	}
	e = money_parse(v->s, &v->n);
	if (e == ERR_LIMIT)
		problem(x, i, "amount is too large (" VALIDATE_MONEY_RULE ")");
	else if (e != ERR_OK)
		problem(x, i, "not a decimal amount (" VALIDATE_MONEY_RULE ")");
}

/* Reads the ';'-separated values into x->list as "a;b": spaces around values
 * are dropped (a spreadsheet user writes "sexual; labour"), empty values
 * skipped.  Which values are allowed, and how many, is validate.c's. */
static void read_list(struct rowctx *x, size_t i)
{
	struct value *v = &x->v[i];
	const char *p = v->s, *end = v->s + v->len;
	size_t used = 0;
	if (v->len > IMPORT_TEXT_MAX) {
		problem(x, i, "list is too long (at most %d characters)", IMPORT_TEXT_MAX);
		return;
	}
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
		used += (size_t)(b - a);
		x->list[used++] = ';';
	}
	v->len = used ? used - 1 : 0;
	x->list[v->len] = '\0';
	v->s = x->list;
	if (v->len == 0)
		v->state = V_ABSENT;
}

static void read_typed(struct rowctx *x, size_t i)
{
	switch (x->fields[i].type) {
	case T_DATE:
		read_date(x, i);
		break;
	case T_MONEY:
		read_money(x, i);
		break;
	case T_LIST:
		read_list(x, i);
		break;
	default:
		break;
	}
}

/* Reads field i's cell: absent, read (V_OK) or with its problem (V_BAD). */
static void read_cell(struct rowctx *x, size_t i)
{
	const struct field_def *f = &x->fields[i];
	struct value *v = &x->v[i];
	int col = x->in->col[i];
	size_t skip, bad;

	*v = (struct value){V_ABSENT, NULL, 0, 0};
	if (col < 0) {
		/* a missing required column was reported once, with the header */
		if (f->required) {
			v->state = V_BAD;
			x->reported |= UINT32_C(1) << i;
		}
		return;
	}
	v->s = x->in->cells[col].s;
	v->len = x->in->cells[col].len;
	skip = csv_formula_prefix_len(v->s, v->len);
	v->s += skip;
	v->len -= skip;
	if (v->len == 0)
		return;
	v->state = V_OK;
	if (memchr(v->s, '\0', v->len))
		problem(x, i, "contains a NUL byte (text must not contain NUL bytes)");
	else if ((bad = utf8_check((const unsigned char *)v->s, v->len)) != v->len)
		problem(x, i, "not valid UTF-8 at byte %zu of the cell (save the file as UTF-8)",
		        bad + 1);
	else
		read_typed(x, i);
	if (has_problem(x, i))
		v->state = V_BAD;
}

/* ---- the record, and validate.c's rules over it ------------------------------ */

static const char *str(const struct rowctx *x, size_t i)
{
	switch (x->v[i].state) {
	case V_OK:
		return x->v[i].s;
	case V_BAD:
		return unreadable;
	default:
		return NULL;
	}
}

static int64_t day(const struct rowctx *x, size_t i)
{
	return x->v[i].state == V_OK ? x->v[i].n : DATE_NONE;
}

static struct person person_of(const struct rowctx *x)
{
	return (struct person){.ref = str(x, P_ID),
	                       .status = str(x, P_STATUS),
	                       .parent_ref = str(x, P_PARENT),
	                       .given_name = str(x, P_GIVEN),
	                       .family_name = str(x, P_FAMILY),
	                       .patronymic = str(x, P_PATRONYMIC),
	                       .sex = str(x, P_SEX),
	                       .birth_date = str(x, P_BIRTH),
	                       .citizenship = str(x, P_CITIZENSHIP),
	                       .document_number = str(x, P_DOCUMENT),
	                       .phone = str(x, P_PHONE),
	                       .address = str(x, P_ADDRESS),
	                       .identified_on = day(x, P_IDENTIFIED),
	                       .identification_source = str(x, P_SOURCE),
	                       .recognized_on = day(x, P_RECOGNIZED),
	                       .decided_on = day(x, P_DECIDED),
	                       .exploitation = str(x, P_EXPLOITATION),
	                       .country_of_exploitation = str(x, P_COUNTRY)};
}

static struct service service_of(const struct rowctx *x)
{
	/* an unreadable amount is still an amount given (see `unreadable`) */
	return (struct service){.ref = str(x, S_ID),
	                        .person_ref = str(x, S_PERSON),
	                        .service = str(x, S_SERVICE),
	                        .provider = str(x, S_PROVIDER),
	                        .date = day(x, S_DATE),
	                        .end_date = day(x, S_END),
	                        .has_amount = x->v[S_AMOUNT].state != V_ABSENT,
	                        .amount = x->v[S_AMOUNT].state == V_OK ? x->v[S_AMOUNT].n : 0,
	                        .currency = str(x, S_CURRENCY),
	                        .phase = str(x, S_PHASE),
	                        .note = str(x, S_NOTE)};
}

static struct referral referral_of(const struct rowctx *x)
{
	return (struct referral){.ref = str(x, R_ID),
	                         .person_ref = str(x, R_PERSON),
	                         .from = str(x, R_FROM),
	                         .to = str(x, R_TO),
	                         .purpose = str(x, R_PURPOSE),
	                         .date = day(x, R_DATE),
	                         .status = str(x, R_STATUS),
	                         .closed_on = day(x, R_CLOSED)};
}

/* validate.c's report: the column by its name (few columns, and only rows
 * with a problem get here). */
static void on_problem(void *ctx, const char *field, const char *message)
{
	struct rowctx *x = ctx;
	for (size_t i = 0; i < x->nfields; i++)
		if (strcmp(x->fields[i].name, field) == 0) {
			problem(x, i, "%s", message);
			return;
		}
	import_problem(x->c, x->in->file, x->in->line, field, "%s", message);
}

/* ---- keeping ------------------------------------------------------------------ */

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

/* A string member of a record, and the field it was read from. */
struct member {
	size_t field;
	size_t offset;
	int code; /* interned */
};

#define PM(i, m, code)                                                                             \
	{                                                                                          \
		i, offsetof(struct person, m), code                                                \
	}
static const struct member person_members[] = {
    PM(P_STATUS, status, 1),
    PM(P_PARENT, parent_ref, 0),
    PM(P_GIVEN, given_name, 0),
    PM(P_FAMILY, family_name, 0),
    PM(P_PATRONYMIC, patronymic, 0),
    PM(P_SEX, sex, 1),
    PM(P_BIRTH, birth_date, 0),
    PM(P_CITIZENSHIP, citizenship, 1),
    PM(P_DOCUMENT, document_number, 0),
    PM(P_PHONE, phone, 0),
    PM(P_ADDRESS, address, 0),
    PM(P_SOURCE, identification_source, 1),
    PM(P_EXPLOITATION, exploitation, 0),
    PM(P_COUNTRY, country_of_exploitation, 1),
};
#define SM(i, m, code)                                                                             \
	{                                                                                          \
		i, offsetof(struct service, m), code                                               \
	}
static const struct member service_members[] = {
    SM(S_PERSON, person_ref, 0), SM(S_SERVICE, service, 1), SM(S_PROVIDER, provider, 1),
    SM(S_CURRENCY, currency, 1), SM(S_PHASE, phase, 1),     SM(S_NOTE, note, 0),
};
#define RM(i, m, code)                                                                             \
	{                                                                                          \
		i, offsetof(struct referral, m), code                                              \
	}
static const struct member referral_members[] = {
    RM(R_PERSON, person_ref, 0), RM(R_FROM, from, 1),     RM(R_TO, to, 1),
    RM(R_PURPOSE, purpose, 1),   RM(R_STATUS, status, 1),
};

/* Points the record's strings, borrowed from the reader's buffer, at copies
 * that live as long as the import. */
static err_t keep_members(struct rowctx *x, void *record, const struct member *m, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const struct value *v = &x->v[m[k].field];
		const char **s = (const char **)(void *)((char *)record + m[k].offset);
		if (v->state != V_OK)
			continue;
		*s = m[k].code ? intern(x->c, v->s, v->len)
		               : arena_strndup(&x->c->arena, v->s, v->len);
		if (!*s)
			return ERR_NOMEM;
	}
	return ERR_OK;
}

static err_t keep_person(struct rowctx *x, const char *ref, struct row_src src)
{
	struct person_row *row = rows_push(&x->c->rows[KIND_PERSONS]);
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	row->p = person_of(x);
	row->p.ref = ref;
	return keep_members(x, &row->p, person_members,
	                    sizeof person_members / sizeof person_members[0]);
}

static err_t keep_service(struct rowctx *x, const char *ref, struct row_src src)
{
	struct service_row *row = rows_push(&x->c->rows[KIND_SERVICES]);
	err_t e;
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	row->s = service_of(x);
	row->s.ref = ref;
	e = keep_members(x, &row->s, service_members,
	                 sizeof service_members / sizeof service_members[0]);
	/* the spec's default, made explicit so that an export re-imports unchanged */
	if (e == ERR_OK && row->s.has_amount && !row->s.currency &&
	    !(row->s.currency = intern(x->c, "AZN", 3)))
		e = ERR_NOMEM;
	return e;
}

static err_t keep_referral(struct rowctx *x, const char *ref, struct row_src src)
{
	struct referral_row *row = rows_push(&x->c->rows[KIND_REFERRALS]);
	err_t e;
	if (!row)
		return ERR_NOMEM;
	row->src = src;
	row->f = referral_of(x);
	row->f.ref = ref;
	e = keep_members(x, &row->f, referral_members,
	                 sizeof referral_members / sizeof referral_members[0]);
	if (e == ERR_OK && !row->f.status && !(row->f.status = intern(x->c, "sent", 4)))
		e = ERR_NOMEM;
	return e;
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
		        c->names[was->src.file], (unsigned)was->src.line);
		return ERR_OK;
	}
	if (e != ERR_OK)
		return e;
	if (!(info = rows_push(&c->idinfo[k])))
		return ERR_NOMEM;
	info->src = src;
	info->status = NULL;
	/* a person's status, for the check of a dependant's parent: only a known one */
	if (k == KIND_PERSONS && x->v[P_STATUS].state == V_OK && !has_problem(x, P_STATUS) &&
	    !(info->status = intern(c, x->v[P_STATUS].s, x->v[P_STATUS].len)))
		return ERR_NOMEM;
	*ref = copy;
	return ERR_OK;
}

static void validate_row(struct rowctx *x)
{
	struct validate v = {
	    .codes = x->c->codes, .today = DATE_NONE, .report = on_problem, .ctx = x};
	struct person p;
	struct service s;
	struct referral f;
	switch (x->in->kind) {
	case KIND_PERSONS:
		p = person_of(x);
		validate_person(&v, &p);
		break;
	case KIND_SERVICES:
		s = service_of(x);
		validate_service(&v, &s);
		break;
	default:
		f = referral_of(x);
		validate_referral(&v, &f);
		break;
	}
}

err_t import_row(struct import_ctx *c, const struct row_in *in)
{
	static err_t (*const keep[KIND_COUNT])(struct rowctx *, const char *, struct row_src) = {
	    keep_person, keep_service, keep_referral};
	struct rowctx x = {.c = c,
	                   .in = in,
	                   .fields = import_kinds[in->kind].fields,
	                   .nfields = import_kinds[in->kind].nfields};
	struct row_src src = {in->file, in->line > UINT32_MAX ? UINT32_MAX : (uint32_t)in->line};
	uint64_t before = c->total_problems;
	const char *ref = NULL;
	err_t e;

	for (size_t i = 0; i < x.nfields; i++)
		read_cell(&x, i);
	validate_row(&x);
	if (x.v[0].state == V_OK && !has_problem(&x, 0) &&
	    (e = register_id(&x, src, &ref)) != ERR_OK)
		return e;
	/* `reported` also holds the required columns the header lacks: such a
	 * row has no problem of its own, and no record to keep either */
	if (c->total_problems != before || x.reported || !ref)
		return ERR_OK;
	return keep[in->kind](&x, ref, src);
}
