/* test_validate.c - every interchange rule of core/validate.c through
 * validate_person, validate_service and validate_referral, the one
 * implementation that the importer and the API share: every code list and
 * agency, every value a status, a service or a referral status requires or
 * forbids, dates in order, lengths at the limit and either side of it,
 * control characters, id, country and currency shapes, the birth date, the
 * future (the API's `today`; none for the importer), and what a message may
 * and may not quote.  The code lists are a fresh registry's (SQLite). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/registry.h"
#include "core/validate.h"
#include "testutil.h"
#include "util/date.h"
#include "util/money.h"

#define GOT_MAX 32

struct problem_seen {
	char field[32];
	char message[VALIDATE_MESSAGE_MAX];
};

struct fx {
	char *dir, *db, *key;
	registry *r;
	struct validate v;
	struct problem_seen got[GOT_MAX];
	int n;
};

static void collect(void *ctx, const char *field, const char *message)
{
	struct fx *f = ctx;
	if (f->n >= GOT_MAX)
		fail_msg("more than %d problems", GOT_MAX);
	snprintf(f->got[f->n].field, sizeof f->got[f->n].field, "%s", field);
	snprintf(f->got[f->n].message, sizeof f->got[f->n].message, "%s", message);
	f->n++;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	f->dir = tu_tempdir();
	f->db = tu_path(f->dir, "haven.db");
	f->key = tu_path(f->dir, "haven.key");
	f->r = tu_registry_new(f->db, f->key);
	f->v = (struct validate){
	    .codes = registry_codes(f->r), .today = DATE_NONE, .report = collect, .ctx = f};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	registry_close(f->r);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f);
	return 0;
}

static int64_t day(const char *s)
{
	int64_t d;
	assert_int_equal(date_parse(s, &d), ERR_OK);
	return d;
}

/* ---- valid records, and running the checks ----------------------------------- */

static struct person victim(void)
{
	return (struct person){.ref = "P1",
	                       .status = "victim",
	                       .given_name = "Aysel",
	                       .family_name = "Mammadova",
	                       .sex = "female",
	                       .identified_on = day("2024-01-10"),
	                       .identification_source = "police",
	                       .recognized_on = day("2024-02-01"),
	                       .decided_on = DATE_NONE};
}

static struct person dependant(void)
{
	return (struct person){.ref = "P2",
	                       .status = "dependant",
	                       .parent_ref = "P1",
	                       .given_name = "Leyla",
	                       .family_name = "Mammadova",
	                       .sex = "female",
	                       .birth_date = "2015-07",
	                       .identified_on = DATE_NONE,
	                       .recognized_on = DATE_NONE,
	                       .decided_on = DATE_NONE};
}

static struct service shelter(void)
{
	return (struct service){.ref = "S1",
	                        .person_ref = "P1",
	                        .service = "shelter",
	                        .provider = "mia_shelter",
	                        .date = day("2024-02-01"),
	                        .end_date = DATE_NONE};
}

static struct referral referral(void)
{
	return (struct referral){.ref = "R1",
	                         .person_ref = "P1",
	                         .from = "ngo",
	                         .to = "mia_ctd",
	                         .purpose = "case_management",
	                         .date = day("2024-01-11"),
	                         .closed_on = DATE_NONE};
}

static void reset(struct fx *f)
{
	f->n = 0;
	f->v.problems = 0;
}

static void person(struct fx *f, const struct person *p)
{
	reset(f);
	validate_person(&f->v, p);
	assert_int_equal(f->v.problems, (unsigned)f->n);
}

static void service(struct fx *f, const struct service *s)
{
	reset(f);
	validate_service(&f->v, s);
	assert_int_equal(f->v.problems, (unsigned)f->n);
}

static void referral_check(struct fx *f, const struct referral *r)
{
	reset(f);
	validate_referral(&f->v, r);
	assert_int_equal(f->v.problems, (unsigned)f->n);
}

static void show(const struct fx *f)
{
	for (int i = 0; i < f->n; i++)
		fprintf(stderr, "  %s: %s\n", f->got[i].field, f->got[i].message);
}

static void expect_none(const struct fx *f)
{
	if (f->n) {
		fprintf(stderr, "unexpected problems:\n");
		show(f);
	}
	assert_int_equal(f->n, 0);
}

/* Exactly one problem, on `field`, whose message contains `want`. */
static void expect_one(const struct fx *f, const char *field, const char *want)
{
	if (f->n != 1 || strcmp(f->got[0].field, field) != 0 || !strstr(f->got[0].message, want)) {
		fprintf(stderr, "wanted only %s: %s\ngot:\n", field, want);
		show(f);
	}
	assert_int_equal(f->n, 1);
	assert_string_equal(f->got[0].field, field);
	assert_non_null(strstr(f->got[0].message, want));
}

/* A problem on `field` whose message contains `want`, among others. */
static void expect_has(const struct fx *f, const char *field, const char *want)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->got[i].field, field) == 0 && strstr(f->got[i].message, want))
			return;
	fprintf(stderr, "wanted %s: %s\ngot:\n", field, want);
	show(f);
	fail();
}

static int on_field(const struct fx *f, const char *field)
{
	int n = 0;
	for (int i = 0; i < f->n; i++)
		n += strcmp(f->got[i].field, field) == 0;
	return n;
}

/* A text of `n` copies of `unit`, malloc'd. */
static char *repeat(const char *unit, size_t n)
{
	size_t len = strlen(unit);
	char *s = malloc(len * n + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * len, unit, len);
	s[len * n] = '\0';
	return s;
}

static void test_valid_records(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	struct service s = shelter();
	struct referral r = referral();
	person(f, &p);
	expect_none(f);
	p = dependant();
	person(f, &p);
	expect_none(f);
	p = victim();
	p.status = "potential_victim";
	p.recognized_on = DATE_NONE;
	p.patronymic = "Ali qizi";
	p.birth_date = "1990-05-12";
	p.citizenship = "XXA";
	p.document_number = "AA123";
	p.phone = "+994501234567";
	p.address = "Baku, Nizami \"1\"";
	p.exploitation = "sexual;labour";
	p.country_of_exploitation = "TUR";
	person(f, &p);
	expect_none(f);
	p = victim();
	p.status = "not_confirmed";
	p.recognized_on = DATE_NONE;
	p.decided_on = day("2024-05-01");
	person(f, &p);
	expect_none(f);
	s.end_date = day("2024-03-01");
	s.note = "line one\nline \"two\"\ttab\r\n";
	service(f, &s);
	expect_none(f);
	referral_check(f, &r);
	expect_none(f);
	r.status = "completed";
	r.closed_on = day("2024-02-01");
	referral_check(f, &r);
	expect_none(f);
}

/* ---- code lists ---------------------------------------------------------------- */

/* Calls `each` with every value of a list, as codes_allowed gives them. */
static int each_code(struct fx *f, const char *list, void (*each)(struct fx *, const char *))
{
	char all[VALIDATE_ALLOWED_MAX];
	int n = 0;
	codes_allowed(f->v.codes, list, all, sizeof all);
	assert_null(strstr(all, "..."));
	for (char *p = all, *next; p && *p; p = next, n++) {
		if ((next = strstr(p, ", ")) != NULL) {
			*next = '\0';
			next += 2;
		}
		each(f, p);
	}
	return n;
}

static void person_status_ok(struct fx *f, const char *code)
{
	struct person p = strcmp(code, "dependant") == 0 ? dependant() : victim();
	p.status = code;
	if (strcmp(code, "victim") != 0)
		p.recognized_on = DATE_NONE;
	if (strcmp(code, "not_confirmed") == 0)
		p.decided_on = day("2024-03-01");
	person(f, &p);
	expect_none(f);
}

static void sex_ok(struct fx *f, const char *code)
{
	struct person p = victim();
	p.sex = code;
	person(f, &p);
	expect_none(f);
}

static void source_ok(struct fx *f, const char *code)
{
	struct person p = victim();
	p.identification_source = code;
	person(f, &p);
	expect_none(f);
}

static void form_ok(struct fx *f, const char *code)
{
	struct person p = victim();
	p.exploitation = code;
	person(f, &p);
	expect_none(f);
}

/* Every service as a service (with what it needs) and as a purpose. */
static void service_ok(struct fx *f, const char *code)
{
	struct service s = shelter();
	struct referral r = referral();
	s.service = code;
	if (codes_is_money(f->v.codes, code)) {
		s.has_amount = 1;
		s.amount = 70000;
	}
	if (strcmp(code, "legal_aid") == 0)
		s.phase = "court";
	service(f, &s);
	expect_none(f);
	r.purpose = code;
	referral_check(f, &r);
	expect_none(f);
}

static void phase_ok(struct fx *f, const char *code)
{
	struct service s = shelter();
	s.service = "legal_aid";
	s.phase = code;
	service(f, &s);
	expect_none(f);
}

static void referral_status_ok(struct fx *f, const char *code)
{
	struct referral r = referral();
	r.status = code;
	referral_check(f, &r);
	expect_none(f);
}

static void agency_ok(struct fx *f, const char *code)
{
	struct service s = shelter();
	struct referral r = referral();
	s.provider = code;
	service(f, &s);
	expect_none(f);
	r.from = code;
	r.to = code;
	referral_check(f, &r);
	expect_none(f);
}

static void test_every_code_accepted(void **state)
{
	struct fx *f = *state;
	assert_int_equal(each_code(f, "status", person_status_ok), 4);
	assert_int_equal(each_code(f, "sex", sex_ok), 3);
	assert_int_equal(each_code(f, "source", source_ok), 8);
	assert_int_equal(each_code(f, "exploitation", form_ok), 8);
	assert_int_equal(each_code(f, "service", service_ok), 21);
	assert_int_equal(each_code(f, "phase", phase_ok), 2);
	assert_int_equal(each_code(f, "referral_status", referral_status_ok), 4);
	assert_int_equal(each_code(f, "agency", agency_ok), 11);
}

static void test_unknown_codes(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	struct service s = shelter();
	struct referral r = referral();
	p.status = "victimm";
	person(f, &p);
	expect_one(f, "status",
	           "'victimm' is not a known code (allowed: dependant, not_confirmed, "
	           "potential_victim, victim)");
	p = victim();
	p.sex = "mal";
	person(f, &p);
	expect_one(f, "sex", "'mal' is not a known code (allowed: female, male, other)");
	p = victim();
	p.identification_source = "polis";
	person(f, &p);
	expect_one(
	    f, "identification_source",
	    "'polis' is not a known code (allowed: citizen_appeal, foreign_authority, hotline, "
	    "labour_inspection, ngo_referral, other, police, self_referral)");
	p = victim();
	p.exploitation = "sexual;slavery";
	person(f, &p);
	expect_one(f, "exploitation",
	           "'slavery' is not a known code (allowed: begging, domestic_servitude, "
	           "forced_criminality, forced_marriage, labour, organ_removal, other, sexual, "
	           "separated by ;)");
	s.service = "massage";
	service(f, &s);
	expect_one(f, "service", "'massage' is not a known code (allowed: alimony, ");
	s = shelter();
	s.provider = "hotel";
	service(f, &s);
	expect_one(f, "provider", "'hotel' is not a known agency (allowed: bar_association, ");
	s = shelter();
	s.service = "legal_aid";
	s.phase = "appeal";
	service(f, &s);
	expect_one(f, "phase", "'appeal' is not a known code (allowed: court, investigation)");
	r.status = "lost";
	referral_check(f, &r);
	expect_one(f, "status",
	           "'lost' is not a known code (allowed: accepted, completed, declined, sent)");
	r = referral();
	r.from = "nobody";
	referral_check(f, &r);
	expect_one(f, "from", "'nobody' is not a known agency");
	r = referral();
	r.to = "nowhere";
	referral_check(f, &r);
	expect_one(f, "to", "'nowhere' is not a known agency");
	r = referral();
	r.purpose = "holiday";
	referral_check(f, &r);
	expect_one(f, "purpose", "'holiday' is not a known code (allowed: alimony, ");
	/* a code is matched exactly: no case folding, no spaces */
	p = victim();
	p.sex = "Female";
	person(f, &p);
	expect_one(f, "sex", "'Female' is not a known code");
	p.sex = " female";
	person(f, &p);
	expect_one(f, "sex", "' female' is not a known code");
}

/* ---- required values ------------------------------------------------------------- */

static void test_required_values(void **state)
{
	struct fx *f = *state;
	struct person p = {
	    .identified_on = DATE_NONE, .recognized_on = DATE_NONE, .decided_on = DATE_NONE};
	struct service s = {.date = DATE_NONE, .end_date = DATE_NONE};
	struct referral r = {.date = DATE_NONE, .closed_on = DATE_NONE};
	person(f, &p);
	assert_int_equal(f->n, 5); /* the status rules wait for a status */
	expect_has(f, "id",
	           "required value is missing (an id: 1-64 characters of A-Z a-z 0-9 "
	           ". _ : -)");
	expect_has(f, "status",
	           "required value is missing (allowed: dependant, not_confirmed, "
	           "potential_victim, victim)");
	expect_has(f, "given_name", "required value is missing (text of at most 1000 characters)");
	expect_has(f, "family_name", "required value is missing (text of at most 1000 characters)");
	expect_has(f, "sex", "required value is missing (allowed: female, male, other)");
	service(f, &s);
	assert_int_equal(f->n, 5);
	expect_has(f, "id", "required value is missing (an id: ");
	expect_has(f, "person_id", "required value is missing (an id: ");
	expect_has(f, "service", "required value is missing (allowed: alimony, ");
	expect_has(f, "provider", "required value is missing (allowed: bar_association, ");
	expect_has(f, "date",
	           "required value is missing (a day that exists, written YYYY-MM-DD, years "
	           "1900-2200)");
	referral_check(f, &r);
	assert_int_equal(f->n, 6);
	expect_has(f, "id", "required value is missing (an id: ");
	expect_has(f, "person_id", "required value is missing (an id: ");
	expect_has(f, "from", "required value is missing (allowed: bar_association, ");
	expect_has(f, "to", "required value is missing (allowed: bar_association, ");
	expect_has(f, "purpose", "required value is missing (allowed: alimony, ");
	expect_has(f, "date", "required value is missing (a day that exists");
	/* an empty text is an absent one */
	p = victim();
	p.given_name = "";
	person(f, &p);
	expect_one(f, "given_name", "required value is missing");
}

/* ---- what each status requires and forbids --------------------------------------- */

static void test_dependant_and_parent(void **state)
{
	struct fx *f = *state;
	struct person p = dependant();
	p.parent_ref = NULL;
	person(f, &p);
	expect_one(f, "parent_id",
	           "required for status dependant: the id of the parent (an id: 1-64 characters "
	           "of A-Z a-z 0-9 . _ : -)");
	/* a dependant needs no identification, and may have one */
	p = dependant();
	p.identified_on = day("2024-01-10");
	p.identification_source = "police";
	person(f, &p);
	expect_none(f);
	/* everyone else: no parent, and an identification */
	p = victim();
	p.parent_ref = "P9";
	person(f, &p);
	expect_one(f, "parent_id", "only allowed for status dependant (leave it empty)");
	p = victim();
	p.identified_on = DATE_NONE;
	p.recognized_on = DATE_NONE;
	p.status = "potential_victim";
	person(f, &p);
	expect_one(f, "identified_on",
	           "required unless status is dependant (a day that exists, written YYYY-MM-DD, "
	           "years 1900-2200)");
	p = victim();
	p.identification_source = NULL;
	person(f, &p);
	expect_one(f, "identification_source",
	           "required unless status is dependant (allowed: citizen_appeal, ");
}

static void test_status_dates(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	p.recognized_on = DATE_NONE;
	person(f, &p);
	expect_one(f, "recognized_on",
	           "required for status victim (a day that exists, written YYYY-MM-DD, years "
	           "1900-2200)");
	p.status = "not_confirmed";
	person(f, &p);
	expect_one(f, "decided_on", "required for status not_confirmed (a day that exists");
	p = victim();
	p.status = "potential_victim";
	person(f, &p);
	expect_one(f, "recognized_on", "only allowed for status victim (leave it empty)");
	p = victim();
	p.decided_on = day("2024-03-01");
	person(f, &p);
	expect_one(f, "decided_on", "only allowed for status not_confirmed (leave it empty)");
	p = dependant();
	p.recognized_on = day("2024-03-01");
	p.decided_on = day("2024-03-01");
	person(f, &p);
	assert_int_equal(f->n, 2);
	expect_has(f, "recognized_on", "only allowed for status victim");
	expect_has(f, "decided_on", "only allowed for status not_confirmed");
	/* an unknown status neither requires nor forbids anything */
	p = victim();
	p.status = "hero";
	p.parent_ref = "P9";
	p.decided_on = day("2024-03-01");
	person(f, &p);
	expect_one(f, "status", "'hero' is not a known code");
}

static void test_dates_in_order(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	struct service s = shelter();
	struct referral r = referral();
	p.recognized_on = day("2024-01-09");
	person(f, &p);
	expect_one(f, "recognized_on",
	           "2024-01-09 is before identified_on 2024-01-10 (not before identified_on)");
	p.recognized_on = day("2024-01-10"); /* the same day is not before */
	person(f, &p);
	expect_none(f);
	p = victim();
	p.status = "not_confirmed";
	p.recognized_on = DATE_NONE;
	p.decided_on = day("2024-01-01");
	person(f, &p);
	expect_one(f, "decided_on", "2024-01-01 is before identified_on 2024-01-10");
	p.decided_on = day("2024-01-10");
	person(f, &p);
	expect_none(f);
	s.end_date = day("2024-01-31");
	service(f, &s);
	expect_one(f, "end_date", "2024-01-31 is before date 2024-02-01 (not before date)");
	s.end_date = s.date;
	service(f, &s);
	expect_none(f);
	r.status = "declined";
	r.closed_on = day("2024-01-10");
	referral_check(f, &r);
	expect_one(f, "closed_on", "2024-01-10 is before date 2024-01-11 (not before date)");
	r.closed_on = r.date;
	referral_check(f, &r);
	expect_none(f);
}

/* ---- services: money, phase, currency -------------------------------------------- */

static void test_money_services(void **state)
{
	struct fx *f = *state;
	struct service s = shelter();
	s.service = "one_time_allowance";
	service(f, &s);
	expect_one(f, "amount",
	           "required for the money service one_time_allowance (a decimal amount of at "
	           "least 0 with at most two decimals and a point, like 700 or 700.50)");
	s.service = "financial_assistance";
	s.has_amount = 1;
	s.amount = 0; /* nothing paid is an amount */
	service(f, &s);
	expect_none(f);
	s.service = "shelter";
	s.amount = 100;
	service(f, &s);
	expect_one(f, "amount",
	           "only allowed for the money services financial_assistance, "
	           "one_time_allowance (leave it empty)");
	/* limits of an amount: 0 to 10^12 units */
	s.service = "one_time_allowance";
	s.amount = MONEY_MAX;
	service(f, &s);
	expect_none(f);
	s.amount = MONEY_MAX + 1;
	service(f, &s);
	expect_one(f, "amount", "amount is too large (at most 1000000000000.00)");
	s.amount = -1;
	service(f, &s);
	expect_one(f, "amount", "amount is negative");
}

static void test_currency(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {"azn", "AZ", "AZNN", "A1N", "", "AZ\xc3\xa8"};
	struct service s = shelter();
	s.service = "one_time_allowance";
	s.has_amount = 1;
	s.amount = 70000;
	s.currency = "USD";
	service(f, &s);
	expect_none(f);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		s.currency = bad[i];
		service(f, &s);
		expect_one(f, "currency", "' is not an ISO 4217 currency code (three capital");
	}
	s.currency = "azn";
	service(f, &s);
	expect_one(f, "currency",
	           "'azn' is not an ISO 4217 currency code (three capital letters, "
	           "like AZN)");
	/* only with an amount, also when the amount is missing where it is required */
	s = shelter();
	s.currency = "AZN";
	service(f, &s);
	expect_one(f, "currency", "only allowed with an amount (leave it empty)");
	s.service = "one_time_allowance";
	service(f, &s);
	assert_int_equal(f->n, 2);
	expect_has(f, "amount", "required for the money service one_time_allowance");
	expect_has(f, "currency", "only allowed with an amount");
}

static void test_phase(void **state)
{
	struct fx *f = *state;
	struct service s = shelter();
	s.service = "legal_aid";
	service(f, &s);
	expect_one(f, "phase", "required for service legal_aid (allowed: court, investigation)");
	s = shelter();
	s.phase = "court";
	service(f, &s);
	expect_one(f, "phase", "only allowed for service legal_aid (leave it empty)");
	/* legal assistance (counselling) is not legal aid */
	s.service = "legal_assistance";
	service(f, &s);
	expect_one(f, "phase", "only allowed for service legal_aid");
	/* an unknown service neither requires nor forbids */
	s.service = "lawyer";
	s.has_amount = 1;
	service(f, &s);
	expect_one(f, "service", "'lawyer' is not a known code");
}

/* ---- referrals --------------------------------------------------------------------- */

static void test_referral_status_and_closing(void **state)
{
	static const char *const open_states[] = {NULL, "sent", "accepted"};
	static const char *const closed_states[] = {"declined", "completed"};
	struct fx *f = *state;
	struct referral r = referral();
	for (size_t i = 0; i < 3; i++) {
		r.status = open_states[i];
		r.closed_on = DATE_NONE;
		referral_check(f, &r);
		expect_none(f);
		r.closed_on = day("2024-02-01");
		referral_check(f, &r);
		expect_one(f, "closed_on",
		           "only allowed for status declined or completed (leave it empty)");
	}
	for (size_t i = 0; i < 2; i++) {
		r.status = closed_states[i];
		r.closed_on = day("2024-02-01");
		referral_check(f, &r);
		expect_none(f);
		r.closed_on = DATE_NONE; /* the day may be unknown */
		referral_check(f, &r);
		expect_none(f);
	}
	/* an unknown status says nothing about closed_on */
	r.status = "lost";
	r.closed_on = day("2024-02-01");
	referral_check(f, &r);
	expect_one(f, "status", "'lost' is not a known code");
}

/* ---- lengths --------------------------------------------------------------------- */

static void text_at(struct fx *f, const char *unit, size_t n, int note, int ok)
{
	char *t = repeat(unit, n), want[64];
	struct person p = victim();
	struct service s = shelter();
	if (note) {
		s.note = t;
		service(f, &s);
	} else {
		p.address = t;
		person(f, &p);
	}
	if (ok) {
		expect_none(f);
	} else {
		snprintf(want, sizeof want, "text is %zu characters long (at most %d)", n,
		         note ? VALIDATE_NOTE_MAX : VALIDATE_TEXT_MAX);
		expect_one(f, note ? "note" : "address", want);
	}
	free(t);
}

static void test_text_lengths(void **state)
{
	static const char *const units[] = {"a", "\xc5\x9f", "\xe2\x82\xbc", "\xf0\x9f\x98\x80"};
	struct fx *f = *state;
	/* characters, not bytes: ş is 2 bytes, ₼ 3, an emoji 4 */
	for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
		text_at(f, units[u], VALIDATE_TEXT_MAX - 1, 0, 1);
		text_at(f, units[u], VALIDATE_TEXT_MAX, 0, 1);
		text_at(f, units[u], VALIDATE_TEXT_MAX + 1, 0, 0);
		text_at(f, units[u], VALIDATE_NOTE_MAX - 1, 1, 1);
		text_at(f, units[u], VALIDATE_NOTE_MAX, 1, 1);
		text_at(f, units[u], VALIDATE_NOTE_MAX + 1, 1, 0);
	}
}

/* Every personal text field has the same limit. */
static void test_every_text_field(void **state)
{
	struct fx *f = *state;
	char *longer = repeat("x", VALIDATE_TEXT_MAX + 1);
	static const size_t members[] = {
	    offsetof(struct person, given_name), offsetof(struct person, family_name),
	    offsetof(struct person, patronymic), offsetof(struct person, document_number),
	    offsetof(struct person, phone),      offsetof(struct person, address)};
	static const char *const names[] = {"given_name",      "family_name", "patronymic",
	                                    "document_number", "phone",       "address"};
	for (size_t i = 0; i < 6; i++) {
		struct person p = victim();
		*(const char **)(void *)((char *)&p + members[i]) = longer;
		person(f, &p);
		expect_one(f, names[i], "text is 1001 characters long (at most 1000)");
		*(const char **)(void *)((char *)&p + members[i]) = "a\tb";
		person(f, &p);
		expect_one(f, names[i],
		           "text contains a control character (no tabs or line breaks)");
	}
	free(longer);
}

static void test_ids(void **state)
{
	struct fx *f = *state;
	static const char *const bad[] = {"P 1", "P/1", "P#1", "\xc5\x9f", "P'1", "P\n", "P,1"};
	char *id63 = repeat("A", RECORD_REF_MAX - 1), *id64 = repeat("A", RECORD_REF_MAX),
	     *id65 = repeat("A", RECORD_REF_MAX + 1);
	struct person p = victim();
	assert_true(validate_id("Ok.id_1:-x"));
	assert_true(validate_id("a"));
	assert_true(validate_id("-1"));
	assert_true(validate_id(id63));
	assert_true(validate_id(id64));
	assert_false(validate_id(id65));
	assert_false(validate_id(""));
	assert_false(validate_id(NULL));
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_false(validate_id(bad[i]));
	p.ref = id65;
	person(f, &p);
	expect_one(f, "id",
	           "'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA...' is not a valid id (1-64 "
	           "characters of A-Z a-z 0-9 . _ : -)");
	p.ref = "P 1";
	person(f, &p);
	expect_one(f, "id", "'P 1' is not a valid id");
	/* the references are shaped the same */
	p = dependant();
	p.parent_ref = "P/1";
	person(f, &p);
	expect_one(f, "parent_id", "'P/1' is not a valid id");
	struct service s = shelter();
	s.person_ref = id65;
	service(f, &s);
	expect_one(f, "person_id", "is not a valid id");
	struct referral r = referral();
	r.ref = "R\xc5\x9f";
	referral_check(f, &r);
	expect_one(f, "id",
	           "'R?"
	           "?' is not a valid id"); /* shown printable */
	free(id63);
	free(id64);
	free(id65);
}

static void test_exploitation_list(void **state)
{
	struct fx *f = *state;
	char list[VALIDATE_LIST_MAX * 8 + 16] = "";
	struct person p = victim();
	/* 15 and 16 values are fine (a value may repeat), 17 are not */
	for (int i = 0; i < VALIDATE_LIST_MAX + 1; i++) {
		size_t used = strlen(list);
		snprintf(list + used, sizeof list - used, "%slabour", i ? ";" : "");
		p.exploitation = list;
		person(f, &p);
		if (i + 1 <= VALIDATE_LIST_MAX)
			expect_none(f);
		else
			expect_one(f, "exploitation",
			           "more than 16 values (at most 16, separated by ;)");
	}
	/* empty values are skipped; a value longer than any code is unknown */
	p.exploitation = ";sexual;;labour;";
	person(f, &p);
	expect_none(f);
	p.exploitation = "sexual;labourlabourlabourlabourlabourlabourlabourlabourlabourlabour";
	person(f, &p);
	expect_one(f, "exploitation", "...' is not a known code (allowed: begging, ");
}

/* ---- control characters ----------------------------------------------------------- */

static void test_control_characters(void **state)
{
	/* C0 (tab, LF, CR among them), DEL and C1 (U+0080-U+009F) */
	static const char *const controls[] = {"\x01", "\x1f",     "\t",       "\n",      "\r",
	                                       "\x7f", "\xc2\x80", "\xc2\x85", "\xc2\x9f"};
	static const char *const fine[] = {"\xc2\xa0", "\xc2\xa9", "\xc5\x9f", " ", "~"};
	struct fx *f = *state;
	char text[32];
	for (size_t i = 0; i < sizeof controls / sizeof controls[0]; i++) {
		struct person p = victim();
		struct service s = shelter();
		int line_break =
		    controls[i][0] == '\t' || controls[i][0] == '\n' || controls[i][0] == '\r';
		snprintf(text, sizeof text, "a%sb", controls[i]);
		p.given_name = text;
		person(f, &p);
		expect_one(f, "given_name",
		           "text contains a control character (no tabs or line breaks)");
		s.note = text;
		service(f, &s);
		if (line_break)
			expect_none(f); /* a note may hold tabs and line breaks */
		else
			expect_one(
			    f, "note",
			    "text contains a control character (only tab and line breaks are "
			    "allowed)");
	}
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
		struct person p = victim();
		snprintf(text, sizeof text, "a%sb", fine[i]);
		p.family_name = text;
		person(f, &p);
		expect_none(f);
	}
}

/* ---- countries and the birth date ------------------------------------------------ */

static void test_countries(void **state)
{
	static const char *const good[] = {"AZE", "XXA", "UZB", "TUR"};
	static const char *const bad[] = {"Aze", "AZ", "AZER", "A1E", "aze", "", "AZ\n"};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct person p = victim();
		p.citizenship = good[i];
		p.country_of_exploitation = good[i];
		person(f, &p);
		expect_none(f);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct person p = victim();
		p.citizenship = bad[i];
		person(f, &p);
		expect_one(f, "citizenship",
		           "' is not an ISO 3166-1 alpha-3 country code (three capital letters, "
		           "like AZE; XXA for stateless)");
		p = victim();
		p.country_of_exploitation = bad[i];
		person(f, &p);
		expect_one(f, "country_of_exploitation", "' is not an ISO 3166-1 alpha-3");
	}
	struct person p = victim();
	p.citizenship = "Aze";
	person(f, &p);
	expect_one(f, "citizenship", "'Aze' is not an ISO 3166-1 alpha-3 country code");
}

static void test_birth_date(void **state)
{
	static const char *const good[] = {"1990",       "1990-05", "1990-05-12",
	                                   "2000-02-29", "1900",    "2200-12-31"};
	static const char *const bad[] = {"1899",       "2201",        "1990-13",   "1990-00",
	                                  "2001-02-29", "1990-5",      "1990-05-1", "90",
	                                  "1990/05/12", "1990-05-12 ", "",          "CANARY\t1990"};
	struct fx *f = *state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		struct person p = victim();
		p.birth_date = good[i];
		person(f, &p);
		expect_none(f);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct person p = victim();
		p.birth_date = bad[i];
		person(f, &p);
		expect_one(
		    f, "birth_date",
		    "not a valid birth date (YYYY-MM-DD, YYYY-MM or YYYY naming a day, month "
		    "or year that exists, years 1900-2200)");
		/* personal: never shown (short values are in the rule's own text) */
		if (strlen(bad[i]) >= 6)
			assert_null(strstr(f->got[0].message, bad[i]));
	}
}

/* ---- the future: the API refuses it, the importer (today = DATE_NONE) does not ---- */

static void test_future(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	struct service s = shelter();
	struct referral r = referral();
	p.identified_on = day("2199-01-01");
	p.recognized_on = day("2199-02-01");
	p.birth_date = "2199";
	s.date = day("2199-01-01");
	r.date = day("2199-01-01");
	person(f, &p);
	expect_none(f);
	service(f, &s);
	expect_none(f);
	referral_check(f, &r);
	expect_none(f);
	f->v.today = day("2024-06-01");
	person(f, &p);
	assert_int_equal(f->n, 3); /* once each, not again by the status rules */
	expect_has(f, "identified_on", "a date in the future (not after 2024-06-01)");
	expect_has(f, "recognized_on", "a date in the future (not after 2024-06-01)");
	expect_has(f, "birth_date", "a birth date in the future");
	p = victim();
	p.birth_date = "2024"; /* may be a birth on 1 January 2024 */
	p.recognized_on = day("2024-06-01");
	person(f, &p);
	expect_none(f);
	p.birth_date = "2024-07";
	person(f, &p);
	expect_one(f, "birth_date", "a birth date in the future");
	service(f, &s);
	expect_one(f, "date", "a date in the future");
	s = shelter();
	s.end_date = day("2024-06-02");
	service(f, &s);
	expect_one(f, "end_date", "a date in the future");
	referral_check(f, &r);
	expect_one(f, "date", "a date in the future");
	r = referral();
	r.status = "completed";
	r.closed_on = day("2024-06-02");
	referral_check(f, &r);
	expect_one(f, "closed_on", "a date in the future");
}

/* ---- one report per problem, and what messages may quote -------------------------- */

/* A value wrong in itself is reported once, not again by a rule across fields. */
static void test_reported_once(void **state)
{
	struct fx *f = *state;
	struct person p = victim();
	p.identification_source = "polis";
	person(f, &p);
	expect_one(f, "identification_source", "'polis' is not a known code");
	p = dependant();
	p.parent_ref = "P 1";
	person(f, &p);
	expect_one(f, "parent_id", "'P 1' is not a valid id");
	/* a status with its date and a wrong other field: one problem */
	p = victim();
	p.sex = "x";
	person(f, &p);
	expect_one(f, "sex", "'x' is not a known code");
	assert_int_equal(on_field(f, "recognized_on"), 0);
}

static void test_messages_never_quote_personal_values(void **state)
{
	struct fx *f = *state;
	char *name = repeat("CANARY", 200);
	struct person p = victim();
	struct service s = shelter();
	p.given_name = name;
	p.family_name = "CANARY\x01";
	p.patronymic = "CANARY\n";
	p.document_number = "CANARY\x7f";
	p.phone = "CANARY\xc2\x85";
	p.address = name;
	p.birth_date = "CANARY";
	person(f, &p);
	assert_int_equal(f->n, 7);
	for (int i = 0; i < f->n; i++)
		assert_null(strstr(f->got[i].message, "CANARY"));
	s.note = "CANARY\x02";
	s.has_amount = 1;
	s.amount = 123456789;
	service(f, &s);
	assert_int_equal(f->n, 2);
	for (int i = 0; i < f->n; i++) {
		assert_null(strstr(f->got[i].message, "CANARY"));
		assert_null(strstr(f->got[i].message, "1234567"));
	}
	free(name);
}

static void test_echo(void **state)
{
	char buf[VALIDATE_ECHO_MAX], small[8];
	char *longer = repeat("b", 100);
	(void)state;
	validate_echo("abc", 3, buf, sizeof buf);
	assert_string_equal(buf, "abc");
	validate_echo("a'b\x01\xc5\x9f", 6, buf, sizeof buf);
	assert_string_equal(buf, "a?b???");
	validate_echo(longer, 100, buf, sizeof buf);
	assert_int_equal(strlen(buf), VALIDATE_ECHO_MAX - 4);
	assert_string_equal(buf + VALIDATE_ECHO_MAX - 7, "...");
	validate_echo("abcdefgh", 8, small, sizeof small);
	assert_string_equal(small, "a...");
	validate_echo("", 0, small, sizeof small);
	assert_string_equal(small, "");
	free(longer);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_valid_records),
	    T(test_every_code_accepted),
	    T(test_unknown_codes),
	    T(test_required_values),
	    T(test_dependant_and_parent),
	    T(test_status_dates),
	    T(test_dates_in_order),
	    T(test_money_services),
	    T(test_currency),
	    T(test_phase),
	    T(test_referral_status_and_closing),
	    T(test_text_lengths),
	    T(test_every_text_field),
	    T(test_ids),
	    T(test_exploitation_list),
	    T(test_control_characters),
	    T(test_countries),
	    T(test_birth_date),
	    T(test_future),
	    T(test_reported_once),
	    T(test_messages_never_quote_personal_values),
	    cmocka_unit_test(test_echo),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
