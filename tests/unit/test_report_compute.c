/*
 * test_report_compute.c - every indicator of the annual report on a small data
 * set built through the real registry, whose answers are counted by hand in
 * the comments below; with the edges the definitions imply: the same person
 * twice in a year, a shelter stay across 31 December, services on 1 January
 * and 31 December, recognition the year after identification, potential
 * victims not confirmed, a dependant paid by the fund, both legal-aid phases
 * for one person, foreign and stateless citizens, an 18th birthday on the day
 * of identification.  Also the breakdowns, the trend, and approval with its
 * restatements; an approval altered or forged in the database is refused,
 * never printed.  TU_BOTH_ENGINES: run on SQLite and on PostgreSQL.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/registry.h"
#include "report/definition.h"
#include "report/json.h"
#include "report/queries.h"
#include "report/report.h"
#include "testutil.h"
#include "util/date.h"

struct fx {
	struct tu_store st;
	struct report_def *def;
	struct report *rep;
};

static int64_t d(const char *s)
{
	int64_t t;
	if (!s)
		return DATE_NONE;
	assert_int_equal(date_parse(s, &t), ERR_OK);
	return t;
}

static void person(struct fx *f, const char *ref, const char *status, const char *parent,
		   const char *sex, const char *birth, const char *citizenship,
		   const char *identified, const char *source, const char *recognized,
		   const char *exploitation, const char *country)
{
	struct person p = {
		.ref = ref, .status = status, .parent_ref = parent, .given_name = "Aygün",
		.family_name = "Həsənova", .sex = sex, .birth_date = birth,
		.citizenship = citizenship, .identified_on = d(identified),
		.identification_source = source, .recognized_on = d(recognized),
		.decided_on = strcmp(status, "not_confirmed") == 0 ? d(identified) : DATE_NONE,
		.exploitation = exploitation, .country_of_exploitation = country};
	enum put_outcome out;
	assert_int_equal(registry_put_person(f->st.r, &p, 0, &out), ERR_OK);
}

/* amount in qəpik, or -1 for none */
static void service(struct fx *f, const char *ref, const char *who, const char *what,
		    const char *provider, const char *date, const char *end, int64_t amount,
		    const char *phase)
{
	struct service s = {.ref = ref, .person_ref = who, .service = what, .provider = provider,
			    .date = d(date), .end_date = d(end), .has_amount = amount >= 0,
			    .amount = amount, .currency = amount >= 0 ? "AZN" : NULL, .phase = phase};
	enum put_outcome out;
	assert_int_equal(registry_put_service(f->st.r, &s, 0, &out), ERR_OK);
}

static void referral(struct fx *f, const char *ref, const char *who, const char *from,
		     const char *to, const char *purpose, const char *date)
{
	struct referral x = {.ref = ref, .person_ref = who, .from = from, .to = to,
			     .purpose = purpose, .date = d(date), .status = "sent",
			     .closed_on = DATE_NONE};
	enum put_outcome out;
	assert_int_equal(registry_put_referral(f->st.r, &x, 0, &out), ERR_OK);
}

/*
 * The persons (report year 2024):
 *   V1 victim, F, AZE, identified 2023-12-20 (police), recognised 2024-01-15: a year later
 *   V2 victim, F, AZE, born 2006-03-10, identified on her 18th birthday (citizen appeal),
 *      recognised 2024-03-20: an adult
 *   V3 victim, M, UZB, born 2010 (a child), identified 2024-02-01 (foreign authority),
 *      recognised 2024-02-15, forced labour in RUS
 *   V4 victim, F, stateless, birth unknown, identified 2023-05-01, recognised 2023-06-01
 *   P1 potential victim, identified 2024-06-01 (NGO), served in 2024
 *   P2 potential victim, identified 2024-07-01 (citizen appeal), served only in 2025
 *   P3 not confirmed, identified 2024-08-01 (NGO), served in 2024
 *   P4 victim recognised 2025-01-10, identified 2024-09-01 (citizen appeal), served in 2024
 *   P5 victim, M, no citizenship, identified 2024-04-01 (NGO), recognised 2024-05-01, served
 *   P6 potential victim, identified 2024-04-01 (police), served in 2024
 *   D1, D2 dependants of V1; D3 dependant of V2
 */
static void build(struct fx *f)
{
	db *h = registry_db(f->st.r);
	assert_int_equal(db_begin(h), ERR_OK);
	person(f, "V1", "victim", NULL, "female", "1990-01-01", "AZE", "2023-12-20", "police",
	       "2024-01-15", "sexual", "TUR");
	person(f, "V2", "victim", NULL, "female", "2006-03-10", "AZE", "2024-03-10",
	       "citizen_appeal", "2024-03-20", "sexual;labour", "RUS");
	person(f, "V3", "victim", NULL, "male", "2010", "UZB", "2024-02-01", "foreign_authority",
	       "2024-02-15", "labour", "RUS");
	person(f, "V4", "victim", NULL, "female", NULL, "XXA", "2023-05-01", "police",
	       "2023-06-01", "sexual", "ARE");
	person(f, "P1", "potential_victim", NULL, "female", "1995-02-02", "AZE", "2024-06-01",
	       "ngo_referral", NULL, NULL, NULL);
	person(f, "P2", "potential_victim", NULL, "female", "1996-02-02", "AZE", "2024-07-01",
	       "citizen_appeal", NULL, NULL, NULL);
	person(f, "P3", "not_confirmed", NULL, "female", "1997-02-02", "AZE", "2024-08-01",
	       "ngo_referral", NULL, NULL, NULL);
	person(f, "P4", "victim", NULL, "female", "1998-02-02", "AZE", "2024-09-01",
	       "citizen_appeal", "2025-01-10", "sexual", "TUR");
	person(f, "P5", "victim", NULL, "male", NULL, NULL, "2024-04-01", "ngo_referral",
	       "2024-05-01", NULL, NULL);
	person(f, "P6", "potential_victim", NULL, "male", "1980-01-01", "AZE", "2024-04-01",
	       "police", NULL, NULL, NULL);
	person(f, "D1", "dependant", "V1", "female", "2015-01-01", "AZE", NULL, NULL, NULL, NULL,
	       NULL);
	person(f, "D2", "dependant", "V1", "male", "2017-01-01", "AZE", NULL, NULL, NULL, NULL, NULL);
	person(f, "D3", "dependant", "V2", "male", "2023-01-01", "AZE", NULL, NULL, NULL, NULL, NULL);

	/* one-time allowances: V1 V2 V3 in 2024, V4 in 2023, 700 AZN each */
	service(f, "A1", "V1", "one_time_allowance", "mia_support_fund", "2024-01-20", NULL, 70000, NULL);
	service(f, "A2", "V2", "one_time_allowance", "mia_support_fund", "2024-03-25", NULL, 70000, NULL);
	service(f, "A3", "V3", "one_time_allowance", "mia_support_fund", "2024-02-20", NULL, 70000, NULL);
	service(f, "A4", "V4", "one_time_allowance", "mia_support_fund", "2023-06-05", NULL, 70000, NULL);
	/* Support Fund: V1 on 1 January and 31 December, P1, the dependant D1 (not a
	 * subject), V2 by another provider, V4 on 31 December 2023, V1 on 1 January 2025 */
	service(f, "F1", "V1", "financial_assistance", "mia_support_fund", "2024-01-01", NULL, 5000, NULL);
	service(f, "F2", "V1", "financial_assistance", "mia_support_fund", "2024-12-31", NULL, 2550, NULL);
	service(f, "F3", "P1", "financial_assistance", "mia_support_fund", "2024-06-10", NULL, 3000, NULL);
	service(f, "F4", "D1", "financial_assistance", "mia_support_fund", "2024-07-01", NULL, 4000, NULL);
	service(f, "F5", "V2", "financial_assistance", "ngo", "2024-05-01", NULL, 9900, NULL);
	service(f, "F6", "V4", "financial_assistance", "mia_support_fund", "2023-12-31", NULL, 1000, NULL);
	service(f, "F7", "V1", "financial_assistance", "mia_support_fund", "2025-01-01", NULL, 8800, NULL);
	/* shelter: V1's stay crosses 31 December (counts in 2023), V2 and her child D3
	 * in 2024, V3 in another agency's shelter */
	service(f, "H1", "V1", "shelter", "mia_shelter", "2023-12-28", "2024-01-05", -1, NULL);
	service(f, "H2", "V2", "shelter", "mia_shelter", "2024-03-21", "2024-04-10", -1, NULL);
	service(f, "H3", "D3", "shelter", "mia_shelter", "2024-03-21", "2024-04-10", -1, NULL);
	service(f, "H4", "V3", "shelter", "ngo", "2024-02-16", NULL, -1, NULL);
	/* legal aid: V1 in both phases, V2 in the investigation */
	service(f, "L1", "V1", "legal_aid", "bar_association", "2024-01-10", NULL, -1, "investigation");
	service(f, "L2", "V1", "legal_aid", "bar_association", "2024-02-01", NULL, -1, "court");
	service(f, "L3", "V2", "legal_aid", "bar_association", "2024-05-01", NULL, -1, "investigation");
	/* repatriation: V3 (UZB) and V4 (stateless) are foreign, V1 is not */
	service(f, "R1", "V3", "repatriation", "mia_ctd", "2024-06-01", NULL, -1, NULL);
	service(f, "R2", "V4", "repatriation", "mia_ctd", "2024-02-01", NULL, -1, NULL);
	service(f, "R3", "V1", "repatriation", "mia_ctd", "2024-02-01", NULL, -1, NULL);
	/* boarding school: V3 a child; V2 adult since the day she was identified */
	service(f, "B1", "V3", "boarding_school", "education", "2024-03-01", NULL, -1, NULL);
	service(f, "B2", "V2", "boarding_school", "education", "2024-04-01", NULL, -1, NULL);
	/* vocational training: V1 twice, and a dependant (not a subject) */
	service(f, "T1", "V1", "vocational_training", "state_employment_agency", "2024-03-01", NULL, -1, NULL);
	service(f, "T2", "V1", "vocational_training", "state_employment_agency", "2024-09-01", NULL, -1, NULL);
	service(f, "T3", "D2", "vocational_training", "state_employment_agency", "2024-09-01", NULL, -1, NULL);
	/* school supplies: D1 and D2 (both V1's) by the Assistance Center, D3 by education */
	service(f, "K1", "D1", "school_supplies", "ssa_assistance_center", "2024-09-01", NULL, -1, NULL);
	service(f, "K2", "D2", "school_supplies", "ssa_assistance_center", "2024-09-02", NULL, -1, NULL);
	service(f, "K3", "D3", "school_supplies", "education", "2024-09-01", NULL, -1, NULL);
	/* the Assistance Center's own services */
	service(f, "C1", "V1", "psychological_support", "ssa_assistance_center", "2024-01-02", NULL, -1, NULL);
	service(f, "C2", "V2", "legal_assistance", "ssa_assistance_center", "2024-04-02", NULL, -1, NULL);
	/* services of potential victims: P2's only in 2025 */
	service(f, "X3", "P3", "social_assistance", "ngo", "2024-08-05", NULL, -1, NULL);
	service(f, "X4", "P4", "psychological_support", "ngo", "2024-09-05", NULL, -1, NULL);
	service(f, "X5", "P5", "medical_assistance", "ngo", "2024-04-05", NULL, -1, NULL);
	service(f, "X6", "P6", "medical_assistance", "ngo", "2024-04-05", NULL, -1, NULL);
	service(f, "X2", "P2", "medical_assistance", "ngo", "2025-02-01", NULL, -1, NULL);
	/* referrals to the Assistance Center: V1 on 1 January and again in June, V2 on
	 * 31 December, V3 on 1 January 2025, V4 in 2023; onwards from the Center */
	referral(f, "F01", "V1", "mia_ctd", "ssa_assistance_center", "case_management", "2024-01-01");
	referral(f, "F02", "V1", "mia_ctd", "ssa_assistance_center", "case_management", "2024-06-01");
	referral(f, "F03", "V2", "mia_ctd", "ssa_assistance_center", "case_management", "2024-12-31");
	referral(f, "F04", "V3", "mia_ctd", "ssa_assistance_center", "case_management", "2025-01-01");
	referral(f, "F05", "V4", "mia_ctd", "ssa_assistance_center", "case_management", "2023-07-01");
	referral(f, "F06", "V1", "ssa_assistance_center", "state_employment_agency",
		 "vocational_training", "2024-02-01");
	referral(f, "F07", "V2", "ssa_assistance_center", "state_employment_agency", "employment",
		 "2024-04-01");
	referral(f, "F08", "V3", "mia_ctd", "state_employment_agency", "employment", "2024-04-01");
	assert_int_equal(db_commit(h), ERR_OK);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	tu_store_open(&f->st);
	assert_int_equal(report_def_load(NULL, &f->def, errbuf), ERR_OK);
	build(f);
	if (report_compute(registry_db(f->st.r), f->def, 2024, &f->rep, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	report_free(f->rep);
	report_def_free(f->def);
	tu_store_close(&f->st);
	free(f);
	return 0;
}

static void check(const struct report *r, const char *id, int64_t value, int64_t previous)
{
	const struct report_indicator *x = report_find(r, id);
	if (!x)
		fail_msg("no indicator %s", id);
	if (x->value.v != value || x->previous.v != previous)
		fail_msg("%s: got %lld / %lld, want %lld / %lld", id, (long long)x->value.v,
			 (long long)x->previous.v, (long long)value, (long long)previous);
}

static void test_recognition_and_identification(void **state)
{
	struct fx *f = *state;
	/* V1 (identified 2023), V2, V3, P5; 2023: V4.  P4 is recognised in 2025. */
	check(f->rep, "victims_identified", 4, 1);
	/* identified 2024: V2 V3 P1 P2 P3 P4 P5 P6; 2023: V1 V4 */
	check(f->rep, "potential_victims_identified", 8, 2);
	/* P1 (NGO), P3 (not confirmed), P4 (recognised only in 2025); not P2 (served in
	 * 2025), P5 (recognised in 2024), P6 (police) */
	check(f->rep, "potential_victims_assisted", 3, 0);
}

static void test_money_and_allowances(void **state)
{
	struct fx *f = *state;
	const struct report_indicator *x;
	check(f->rep, "allowance_recipients", 3, 1);
	check(f->rep, "allowance_total", 210000, 70000);
	/* V1 V2 V3 were recognised in 2024 and paid; P5 was recognised and not paid */
	check(f->rep, "victims_with_allowance", 3, 1);
	x = report_find(f->rep, "allowance_total");
	assert_int_equal(x->per_person_min, 70000);
	assert_int_equal(x->per_person_max, 70000);
	/* subjects only: V1 twice (1 January, 31 December) and P1; not D1, not V2's NGO
	 * payment, not V1's of 2025; 2023: V4 on 31 December */
	check(f->rep, "support_fund_recipients", 2, 1);
	check(f->rep, "support_fund_total", 5000 + 2550 + 3000, 1000);
	x = report_find(f->rep, "support_fund_total");
	assert_int_equal(x->per_person_min, 3000);
	assert_int_equal(x->per_person_max, 7550);
	assert_int_equal(x->unit, REPORT_MONEY);
	assert_string_equal(x->currency, "AZN");
}

static void test_services(void **state)
{
	struct fx *f = *state;
	/* V2 and her child D3 (everyone counts); V1's stay began in 2023 */
	check(f->rep, "shelter_placements", 2, 1);
	check(f->rep, "bar_legal_aid", 2, 0);
	check(f->rep, "bar_legal_aid_court", 1, 0);
	check(f->rep, "bar_legal_aid_investigation", 2, 0);
	check(f->rep, "repatriation_foreign", 2, 0);
	check(f->rep, "child_victims_boarding_school", 1, 0);
	check(f->rep, "vocational_training", 1, 0);
	check(f->rep, "employment", 0, 0);
	check(f->rep, "identity_documents", 0, 0);
	check(f->rep, "children_school_supplies", 3, 0);
	check(f->rep, "assistance_center_children_supplies", 1, 0);
	check(f->rep, "assistance_center_psychological", 1, 0);
	check(f->rep, "assistance_center_legal", 1, 0);
}

static void test_referrals(void **state)
{
	struct fx *f = *state;
	check(f->rep, "assistance_center_referrals", 2, 1);
	check(f->rep, "assistance_center_to_vocational", 1, 0);
	check(f->rep, "assistance_center_to_employment", 1, 0);
}

static const struct report_breakdown *breakdown(const struct report *r, const char *id,
						const char *dim)
{
	for (size_t i = 0; i < r->n_breakdowns; i++)
		if (strcmp(r->breakdowns[i].indicator, id) == 0 &&
		    strcmp(r->breakdowns[i].dimension, dim) == 0)
			return &r->breakdowns[i];
	fail_msg("no breakdown of %s by %s", id, dim);
	return NULL;
}

static int64_t row(const struct report_breakdown *b, const char *category, int previous)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->rows[i].category, category) == 0)
			return previous ? b->rows[i].previous.v : b->rows[i].value.v;
	return 0;
}

static void test_breakdowns(void **state)
{
	struct fx *f = *state;
	const struct report_breakdown *b = breakdown(f->rep, "victims_identified", "sex");
	assert_int_equal(row(b, "female", 0), 2);
	assert_int_equal(row(b, "male", 0), 2);
	assert_int_equal(row(b, "female", 1), 1);
	assert_string_equal(b->rows[0].label[REPORT_AZ], "qadın");
	b = breakdown(f->rep, "victims_identified", "age");
	assert_int_equal(row(b, "adult", 0), 2); /* V1, and V2 on her 18th birthday */
	assert_int_equal(row(b, "child", 0), 1); /* V3 */
	assert_int_equal(row(b, "unknown", 0), 1); /* P5 */
	assert_int_equal(row(b, "unknown", 1), 1); /* V4 */
	b = breakdown(f->rep, "victims_identified", "origin");
	assert_int_equal(row(b, "domestic", 0), 2);
	assert_int_equal(row(b, "foreign", 0), 1);
	assert_int_equal(row(b, "unknown", 0), 1);
	assert_int_equal(row(b, "foreign", 1), 1); /* stateless */
	b = breakdown(f->rep, "victims_identified", "citizenship");
	assert_int_equal(row(b, "UZB", 0), 1);
	assert_int_equal(row(b, "XXA", 1), 1);
	assert_int_equal(b->additive, 1);
	b = breakdown(f->rep, "victims_identified", "exploitation");
	assert_int_equal(row(b, "sexual", 0), 2); /* V1, V2 */
	assert_int_equal(row(b, "labour", 0), 2); /* V2, V3: V2 counts in both */
	assert_int_equal(row(b, "unknown", 0), 1);
	assert_int_equal(b->additive, 0);
	b = breakdown(f->rep, "victims_identified", "country_of_exploitation");
	assert_int_equal(row(b, "RUS", 0), 2);
	assert_int_equal(row(b, "TUR", 0), 1);
	assert_string_equal(b->rows[0].label[REPORT_EN], "Russia");
	b = breakdown(f->rep, "potential_victims_identified", "source");
	assert_int_equal(row(b, "citizen_appeal", 0), 3);
	assert_int_equal(row(b, "ngo_referral", 0), 3);
	assert_int_equal(row(b, "police", 0), 1);
	assert_int_equal(row(b, "foreign_authority", 0), 1);
	assert_int_equal(row(b, "police", 1), 2);
}

static void test_trend(void **state)
{
	struct fx *f = *state;
	const struct report *r = f->rep;
	int found = 0;
	assert_int_equal(r->trend_first_year, 2020);
	for (size_t i = 0; i < r->n_trend; i++) {
		const char *id = r->indicators[r->trend[i].indicator].id;
		const struct report_cell *c = r->trend[i].cells;
		if (strcmp(id, "victims_identified") == 0) {
			assert_int_equal(c[0].v + c[1].v + c[2].v, 0);
			assert_int_equal(c[3].v, 1);
			assert_int_equal(c[4].v, 4);
			found++;
		} else if (strcmp(id, "support_fund_total") == 0) {
			assert_int_equal(c[3].v, 1000);
			assert_int_equal(c[4].v, 10550);
			found++;
		}
	}
	assert_int_equal(found, 2);
}

/* The same figures for 2025 come from the same records: the 2024 column of the
 * 2025 report equals this report's 2024 figures. */
static void test_previous_year_is_the_same_rule(void **state)
{
	struct fx *f = *state;
	struct report *next = NULL;
	char errbuf[ERRBUF_MAX];
	assert_int_equal(report_compute(registry_db(f->st.r), f->def, 2025, &next, errbuf), ERR_OK);
	for (size_t i = 0; i < f->rep->n_indicators; i++)
		assert_int_equal(next->indicators[i].previous.v, f->rep->indicators[i].value.v);
	check(next, "victims_identified", 1, 4); /* P4 */
	check(next, "support_fund_total", 8800, 10550);
	report_free(next);
}

static void test_freeze_and_restate(void **state)
{
	struct fx *f = *state;
	db *h = registry_db(f->st.r);
	struct report *live = NULL, *approved = NULL;
	char errbuf[ERRBUF_MAX];
	assert_int_equal(report_freeze_load(h, f->def, 2024, &approved, errbuf), ERR_NOT_FOUND);
	assert_int_equal(report_compute(h, f->def, 2024, &live, errbuf), ERR_OK);
	assert_int_equal(report_freeze(h, live, errbuf), ERR_OK);
	assert_non_null(live->frozen);
	assert_int_equal(strlen(live->frozen->hash), 64);
	/* a second approval is refused */
	assert_int_equal(report_freeze(h, f->rep, errbuf), ERR_CONFLICT);
	assert_non_null(strstr(errbuf, "approved already"));

	/* the records change: a late shelter record for 2024, a 2023 victim withdrawn */
	assert_int_equal(db_begin(h), ERR_OK);
	service(f, "H9", "P6", "shelter", "mia_shelter", "2024-11-11", NULL, -1, NULL);
	person(f, "V4", "victim", NULL, "female", NULL, "XXA", "2023-05-01", "police", "2024-06-01",
	       "sexual", "ARE");
	assert_int_equal(db_commit(h), ERR_OK);
	report_free(live);
	live = NULL;
	assert_int_equal(report_compute(h, f->def, 2024, &live, errbuf), ERR_OK);
	if (report_freeze_load(h, f->def, 2024, &approved, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	/* the approved figures are the ones frozen */
	check(approved, "shelter_placements", 2, 1);
	check(approved, "victims_identified", 4, 1);
	check(live, "shelter_placements", 3, 1);
	check(live, "victims_identified", 5, 0);
	assert_int_equal(report_restate(approved, live), ERR_OK);
	int shelter = 0, victims = 0;
	for (size_t i = 0; i < approved->frozen->n_restated; i++) {
		const struct report_restatement *s = &approved->frozen->restated[i];
		if (strcmp(s->indicator, "shelter_placements") == 0) {
			assert_int_equal(s->year, 2024);
			assert_int_equal(s->approved.v, 2);
			assert_int_equal(s->now.v, 3);
			shelter++;
		}
		if (strcmp(s->indicator, "victims_identified") == 0)
			victims++; /* 2024: 4 -> 5, 2023: 1 -> 0 */
	}
	assert_int_equal(shelter, 1);
	assert_int_equal(victims, 2);
	assert_string_equal(approved->frozen->definitions_version, report_def_version(f->def));
	/* breakdowns and the trend come back too */
	assert_int_equal(approved->n_breakdowns, f->rep->n_breakdowns);
	assert_int_equal(approved->n_trend, f->rep->n_trend);
	report_free(approved);
	report_free(live);
}

/* Only the live, exact figures are approved: not the public ones (small
 * cells hidden), not an approved report read back; nothing is stored then. */
static void test_only_live_figures_approved(void **state)
{
	struct fx *f = *state;
	db *h = registry_db(f->st.r);
	struct report *approved = NULL;
	char errbuf[ERRBUF_MAX];
	report_suppress(f->rep);
	assert_int_equal(report_freeze(h, f->rep, errbuf), ERR_INVALID);
	assert_string_equal(errbuf, "only live, exact figures can be approved");
	assert_int_equal(report_freeze_load(h, f->def, 2024, &approved, errbuf), ERR_NOT_FOUND);

	struct report *live = NULL;
	assert_int_equal(report_compute(h, f->def, 2024, &live, errbuf), ERR_OK);
	assert_int_equal(report_freeze(h, live, errbuf), ERR_OK);
	assert_int_equal(report_freeze_load(h, f->def, 2024, &approved, errbuf), ERR_OK);
	assert_int_equal(report_freeze_in(h, approved, errbuf), ERR_INVALID);
	report_free(approved);
	report_free(live);
}

/* The hash over an approval as docs/internals/report.md describes it, so
 * that anyone holding the figures can check it: BLAKE2b-256 over the domain
 * and each field, every one preceded by its length (8 bytes, big-endian). */
static void field(crypto_generichash_state *s, const void *data, size_t len)
{
	unsigned char n[8];
	for (int i = 0; i < 8; i++)
		n[i] = (unsigned char)((uint64_t)len >> (56 - 8 * i));
	crypto_generichash_update(s, n, sizeof n);
	crypto_generichash_update(s, data, len);
}

/* Stores `figures` as the approval of `year`, with a hash that fits, as
 * someone with write access to the database could. */
static void forge(struct fx *f, int year, const char *figures)
{
	const char *domain = "haven report freeze, version 1";
	unsigned char hash[32];
	char y[16], at[24];
	crypto_generichash_state s;
	db_stmt *st = NULL;
	snprintf(y, sizeof y, "%d", year);
	snprintf(at, sizeof at, "%d", 1735689600);
	crypto_generichash_init(&s, NULL, 0, sizeof hash);
	field(&s, domain, strlen(domain));
	field(&s, f->def->report_id, strlen(f->def->report_id));
	field(&s, y, strlen(y));
	field(&s, f->def->version, strlen(f->def->version));
	field(&s, f->def->digest, DEF_DIGEST_BYTES);
	field(&s, at, strlen(at));
	field(&s, figures, strlen(figures));
	crypto_generichash_final(&s, hash, sizeof hash);
	assert_int_equal(db_prepare(registry_db(f->st.r), RQ_FREEZE_INSERT, &st), ERR_OK);
	assert_int_equal(db_bind_text(st, 1, f->def->report_id), ERR_OK);
	assert_int_equal(db_bind_int(st, 2, year), ERR_OK);
	assert_int_equal(db_bind_text(st, 3, f->def->version), ERR_OK);
	assert_int_equal(db_bind_blob(st, 4, f->def->digest, DEF_DIGEST_BYTES), ERR_OK);
	assert_int_equal(db_bind_int(st, 5, 1735689600), ERR_OK);
	assert_int_equal(db_bind_text(st, 6, figures), ERR_OK);
	assert_int_equal(db_bind_blob(st, 7, hash, sizeof hash), ERR_OK);
	assert_int_equal(db_step(st), DB_DONE);
	db_finalize(st);
}

/* An approval changed after the fact (here its date, moved a day back by
 * someone who first dropped the table's triggers) fails its hash check: the
 * report is an error, not the altered figures. */
static void test_altered_approval_refused(void **state)
{
	struct fx *f = *state;
	db *h = registry_db(f->st.r);
	struct report *r = NULL;
	char errbuf[ERRBUF_MAX];
	assert_int_equal(report_freeze(h, f->rep, errbuf), ERR_OK);
	tu_sql(h, tu_engine_is_postgres()
			  ? "DROP TRIGGER report_freezes_no_change ON report_freezes"
			  : "DROP TRIGGER report_freezes_no_update");
	tu_sql(h, "UPDATE report_freezes SET frozen_at = frozen_at - 86400");
	assert_int_equal(report_for_year(h, f->def, 2024, 0, &r, errbuf), ERR_CRYPTO);
	assert_null(r);
	assert_string_equal(errbuf, "the approved report of 2024 fails its hash check: the stored "
				    "figures were altered after approval");
	/* the live figures are still there for whoever asks for them */
	assert_int_equal(report_for_year(h, f->def, 2024, 1, &r, errbuf), ERR_OK);
	check(r, "victims_identified", 4, 1);
	report_free(r);
}

/* The hash is unkeyed (publishable), so a forged approval can carry a hash
 * that fits.  What it holds must still be figures of that year, in the form
 * Haven writes, else the report of the year is an error, never a half-read
 * report. */
static void test_forged_approval_refused(void **state)
{
	struct fx *f = *state;
	db *h = registry_db(f->st.r);
	struct report *r = NULL;
	char errbuf[ERRBUF_MAX], want[ERRBUF_MAX];
	static const char *const damage[] = {
		"not JSON",        "another year",           "no indicator order",
		"count as text",   "amount not money",       "a short trend",
		"rows not a list", "title without az",       "breakdown without dimension",
		"least amount as a number",
	};
	json_t *good = report_json_figures(f->rep);
	char *text;
	assert_non_null(good);
	/* first the control: the figures as they were, under 2024: read back,
	 * which shows this test's hash is the one anyone can compute */
	text = json_dumps(good, JSON_COMPACT | JSON_SORT_KEYS);
	forge(f, 2024, text);
	free(text);
	assert_int_equal(report_for_year(h, f->def, 2024, 0, &r, errbuf), ERR_OK);
	assert_non_null(r->frozen);
	check(r, "victims_identified", 4, 1);
	report_free(r);
	r = NULL;

	for (int i = 0; i < (int)(sizeof damage / sizeof damage[0]); i++) {
		int year = 2030 + i;
		json_t *j = json_deep_copy(good);
		json_t *ind = json_object_get(j, "indicators");
		json_t *b0 = json_array_get(json_object_get(j, "breakdowns"), 0);
		json_object_set_new(j, "year", json_integer(year));
		switch (i) {
		case 1: json_object_set_new(j, "year", json_integer(2024)); break;
		case 2: json_object_del(j, "indicator_order"); break;
		case 3:
			json_object_set_new(json_object_get(ind, "victims_identified"), "value",
					    json_string("4"));
			break;
		case 4:
			json_object_set_new(json_object_get(ind, "allowance_total"), "value",
					    json_string("12.3.4"));
			break;
		case 5:
			json_array_remove(json_object_get(json_object_get(json_object_get(j, "trend"),
									  "indicators"),
							  "victims_identified"),
					  0);
			break;
		case 6: json_object_set_new(b0, "rows", json_object()); break;
		case 7: json_object_del(json_object_get(j, "title"), "az"); break;
		case 8: json_object_del(b0, "dimension"); break;
		case 9:
			json_object_set_new(json_object_get(ind, "allowance_total"), "per_person_min",
					    json_integer(700));
			break;
		}
		text = i == 0 ? strdup("{\"year\": 2030, \"indicators\":") :
				json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(j);
		forge(f, year, text);
		free(text);
		snprintf(want, sizeof want, "the approved figures of %d cannot be read", year);
		if (report_for_year(h, f->def, year, 0, &r, errbuf) != ERR_INVALID ||
		    strcmp(errbuf, want) != 0)
			fail_msg("%s: not refused (%s)", damage[i], errbuf);
		assert_null(r);
	}
	json_decref(good);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recognition_and_identification, setup, teardown),
		cmocka_unit_test_setup_teardown(test_money_and_allowances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services, setup, teardown),
		cmocka_unit_test_setup_teardown(test_referrals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_breakdowns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_trend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_previous_year_is_the_same_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_freeze_and_restate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_only_live_figures_approved, setup, teardown),
		cmocka_unit_test_setup_teardown(test_altered_approval_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_approval_refused, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
