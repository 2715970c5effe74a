/*
 * test_report_output.c - what the report prints from given figures, with no
 * database: the narrative's rules (the seed's figures and comparisons, "each
 * of" only when all did, singular and plural, words at a sentence start,
 * money said per person only when everyone got the same), the Azerbaijani
 * text, small-cell suppression with its secondary cells, and every renderer
 * (text, Markdown's "80 (−10)", JSON per the spec, CSV).
 *
 * Reports are built by hand on the built-in definition: renderers consume
 * only struct report, so a test may set any figure it needs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "report/definition.h"
#include "testutil.h"

#define MINUS "\xe2\x88\x92"

/* The seed's figures for 2024 and 2023 (2023 where the seed is silent: any). */
static const struct {
	const char *id;
	int64_t value, previous;
} seed[] = {
	{"victims_identified", 80, 90},
	{"potential_victims_identified", 96, 119},
	{"victims_with_allowance", 80, 90},
	{"allowance_recipients", 80, 90},
	{"allowance_total", 5600000, 6300000},
	{"shelter_placements", 56, 68},
	{"vocational_training", 18, 21},
	{"employment", 9, 12},
	{"repatriation_foreign", 1, 1},
	{"identity_documents", 9, 7},
	{"social_benefit_applications", 11, 14},
	{"child_victims_boarding_school", 2, 3},
	{"family_reunification", 44, 51},
	{"assistance_center_referrals", 63, 58},
	{"assistance_center_psychological", 36, 31},
	{"assistance_center_legal", 13, 15},
	{"assistance_center_to_vocational", 3, 4},
	{"assistance_center_to_employment", 3, 2},
	{"assistance_center_children_supplies", 3, 4},
	{"potential_victims_assisted", 17, 21},
	{"support_fund_recipients", 88, 98},
	{"support_fund_total", 505000, 530000},
	{"bar_legal_aid", 98, 104},
	{"bar_legal_aid_court", 70, 76},
	{"bar_legal_aid_investigation", 28, 31},
	{"children_school_supplies", 16, 14},
	{"children_birth_certificates", 12, 9},
	{"children_preschool", 10, 8},
	{"children_alimony", 10, 12},
};

static char *dup(const char *s)
{
	char *c = strdup(s);
	assert_non_null(c);
	return c;
}

static struct report_indicator *ind(struct report *r, const char *id)
{
	struct report_indicator *x = (struct report_indicator *)report_find(r, id);
	if (!x)
		fail_msg("no indicator %s", id);
	return x;
}

static void set(struct report *r, const char *id, int64_t value, int64_t previous)
{
	struct report_indicator *x = ind(r, id);
	x->value.v = value;
	x->previous.v = previous;
}

/* A report of 2024 on the built-in definition, with the seed's figures, a
 * uniform allowance of 700 AZN, one breakdown and the trend of two indicators. */
static struct report *make(const struct report_def *d)
{
	struct report *r = calloc(1, sizeof *r);
	assert_non_null(r);
	r->def = d;
	r->year = 2024;
	r->previous_year = 2023;
	r->trend_first_year = 2020;
	r->report_id = dup("annual");
	r->definitions_version = dup(d->version);
	for (int l = 0; l < REPORT_LANGS; l++)
		r->title[l] = dup(d->title[l]);
	r->indicators = calloc(d->n_ind, sizeof *r->indicators);
	assert_non_null(r->indicators);
	for (size_t i = 0; i < d->n_ind; i++, r->n_indicators++) {
		struct report_indicator *x = &r->indicators[i];
		x->id = dup(d->ind[i].id);
		for (int l = 0; l < REPORT_LANGS; l++)
			x->label[l] = dup(d->ind[i].label[l]);
		x->unit = d->ind[i].measure == DEF_M_SUM ? REPORT_MONEY : REPORT_PERSONS;
		x->currency = d->ind[i].currency ? dup(d->ind[i].currency) : NULL;
		x->per_person_min = x->per_person_max = -1;
	}
	for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++)
		set(r, seed[i].id, seed[i].value, seed[i].previous);
	ind(r, "allowance_total")->per_person_min = ind(r, "allowance_total")->per_person_max = 70000;
	ind(r, "support_fund_total")->per_person_min = 2000;
	ind(r, "support_fund_total")->per_person_max = 9000;

	static const struct {
		const char *code, *en, *az;
		int64_t v, p;
	} sex[] = {{"female", "female", "qadın", 78, 89}, {"male", "male", "kişi", 2, 1}};
	struct report_breakdown *b = r->breakdowns = calloc(1, sizeof *r->breakdowns);
	assert_non_null(b);
	r->n_breakdowns = 1;
	b->indicator = dup("victims_identified");
	b->dimension = dup("sex");
	b->label[REPORT_EN] = dup("by sex");
	b->label[REPORT_AZ] = dup("cinsə görə");
	b->additive = 1;
	b->rows = calloc(2, sizeof *b->rows);
	for (size_t i = 0; i < 2; i++, b->n++) {
		b->rows[i].category = dup(sex[i].code);
		b->rows[i].label[REPORT_EN] = dup(sex[i].en);
		b->rows[i].label[REPORT_AZ] = dup(sex[i].az);
		b->rows[i].value.v = sex[i].v;
		b->rows[i].previous.v = sex[i].p;
	}

	static const int64_t victims[] = {94, 95, 94, 90, 80}, legal[] = {92, 95, 99, 104, 98};
	r->trend = calloc(2, sizeof *r->trend);
	r->n_trend = 2;
	r->trend[0].indicator = (size_t)def_index(d, "victims_identified");
	r->trend[1].indicator = (size_t)def_index(d, "bar_legal_aid");
	for (int k = 0; k < REPORT_TREND_YEARS; k++) {
		r->trend[0].cells[k].v = victims[k];
		r->trend[1].cells[k].v = legal[k];
	}
	return r;
}

struct fx {
	struct report_def *def;
	struct report *r;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	if (report_def_load(NULL, &f->def, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	f->r = make(f->def);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	report_free(f->r);
	report_def_free(f->def);
	free(f);
	return 0;
}

/* The whole narrative as one string, paragraphs joined by newlines. */
static char *narrative(const struct report *r, enum report_lang lang)
{
	char **p = NULL, errbuf[ERRBUF_MAX];
	size_t n = 0, len = 1, used = 0;
	char *all;
	if (report_narrative(r, lang, &p, &n, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	for (size_t i = 0; i < n; i++)
		len += strlen(p[i]) + 1;
	all = calloc(1, len);
	assert_non_null(all);
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(all + used, len - used, "%s\n", p[i]);
	report_paragraphs_free(p, n);
	return all;
}

static void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\" in:\n%s", want, text);
}

static void lacks(const char *text, const char *unwanted)
{
	if (strstr(text, unwanted))
		fail_msg("unexpected \"%s\" in:\n%s", unwanted, text);
}

/* ---- the narrative ------------------------------------------------------------------ */

/* Every figure and comparison of the seed, sentence by sentence. */
static void test_seed_in_english(void **state)
{
	struct fx *f = *state;
	char *t = narrative(f->r, REPORT_EN);
	has(t, "Each of the 80 victims, which is 10 fewer than in 2023, received a one-time "
	       "allowance of 700 AZN.");
	has(t, "Additionally, 56 victims, 12 fewer than in the previous year, were placed in the "
	       "special shelter under the Ministry of Internal Affairs");
	has(t, "Furthermore, 18 victims were enrolled in vocational training courses, nine were "
	       "provided with employment, one foreign victim was assisted in repatriation, and nine "
	       "victims received assistance in obtaining identity documents.");
	has(t, "Eleven victims were supported in applying for targeted social assistance, two child "
	       "victims were enrolled in an Integration Training Boarding School to continue their "
	       "education, and 44 victims were reunited with their families.");
	has(t, "Sixty-three victims were referred to the Assistance Center for Victims of Human "
	       "Trafficking under the Social Services Agency of the Ministry of Labor and Social "
	       "Protection of the Population.");
	has(t, "36 received psychological support, and 13 received legal assistance.");
	has(t, "Three were referred to the State Employment Agency for enrollment in vocational "
	       "courses, and three were directed to employment opportunities.");
	has(t, "The children of three victims were provided with school supplies.");
	has(t, "Additionally, 17 potential victims, identified based on citizen appeals and referrals "
	       "from NGOs, were also provided with assistance.");
	has(t, "Eighty-eight victims and potential victims, which is 10 fewer than in 2023, received "
	       "financial assistance totaling 5,050 AZN, which is 250 AZN less than the previous "
	       "year, from the Support Fund under the Ministry of Internal Affairs.");
	has(t, "Members of the Bar Association provided legal assistance to a total of 98 victims: "
	       "70 received support during court proceedings and 28 during the investigation "
	       "process.");
	has(t, "with 16 provided with educational supplies, 12 receiving birth certificates, 10 "
	       "enrolled in preschool education programs, and alimony arranged for 10 children.");
	free(t);
}

/* "75 of the 80 victims", never "each of the 80", when not all were paid. */
static void test_never_claims_more_than_the_data(void **state)
{
	struct fx *f = *state;
	char *t;
	set(f->r, "victims_with_allowance", 75, 90);
	t = narrative(f->r, REPORT_EN);
	has(t, "Of the 80 victims recognised in 2024, which is 10 fewer than in 2023, 75 received a "
	       "one-time allowance of 700 AZN.");
	lacks(t, "Each of");
	free(t);
	/* different amounts: no "of 700 AZN", the total instead */
	set(f->r, "victims_with_allowance", 80, 90);
	ind(f->r, "allowance_total")->per_person_min = 35000;
	t = narrative(f->r, REPORT_EN);
	has(t, "Each of the 80 victims, which is 10 fewer than in 2023, received a one-time "
	       "allowance. One-time allowances totalled 56,000 AZN.");
	lacks(t, "700 AZN");
	free(t);
	/* nobody recognised */
	set(f->r, "victims_identified", 0, 90);
	set(f->r, "victims_with_allowance", 0, 90);
	t = narrative(f->r, REPORT_EN);
	has(t, "No person was recognised as a victim of human trafficking in 2024, 90 fewer than "
	       "in 2023.");
	lacks(t, "Each of");
	free(t);
}

static void test_agreement_and_sentence_starts(void **state)
{
	struct fx *f = *state;
	char *t;
	set(f->r, "vocational_training", 1, 1);
	set(f->r, "repatriation_foreign", 3, 1);
	set(f->r, "social_benefit_applications", 1, 0);
	set(f->r, "shelter_placements", 1, 1);
	set(f->r, "assistance_center_to_vocational", 1, 0);
	set(f->r, "support_fund_recipients", 21, 20);
	set(f->r, "support_fund_total", 530000, 505000);
	set(f->r, "children_alimony", 1, 0);
	t = narrative(f->r, REPORT_EN);
	has(t, "Furthermore, one victim was enrolled in vocational training courses");
	has(t, "three foreign victims were assisted in repatriation");
	has(t, "One victim was supported in applying for targeted social assistance");
	has(t, "Additionally, one victim, the same as in the previous year, was placed");
	has(t, "One was referred to the State Employment Agency");
	has(t, "Twenty-one victims and potential victims, which is one more than in 2023, received "
	       "financial assistance totaling 5,300 AZN, which is 250 AZN more than the previous "
	       "year");
	has(t, "alimony arranged for one child.");
	free(t);
}

static void test_seed_in_azerbaijani(void **state)
{
	struct fx *f = *state;
	char *t = narrative(f->r, REPORT_AZ);
	has(t, "2024-cü ildə qurban kimi tanınmış 80 nəfərin (2023-cü illə müqayisədə 10 nəfər az) "
	       "hər birinə 700 manat məbləğində birdəfəlik müavinət ödənilmişdir.");
	has(t, "56 nəfər (ötən illə müqayisədə 12 nəfər az)");
	has(t, "88 qurban və potensial qurbana (2023-cü illə müqayisədə 10 nəfər az) ümumilikdə "
	       "5 050 manat (ötən illə müqayisədə 250 manat az) maddi yardım ödənilmişdir.");
	has(t, "ümumilikdə 98 qurbana hüquqi yardım göstərmişdir: onlardan 70 nəfərə məhkəmə "
	       "icraatı, 28 nəfərə isə istintaq zamanı.");
	free(t);
	f->r->year = 2026;
	f->r->previous_year = 2025;
	t = narrative(f->r, REPORT_AZ);
	has(t, "2026-cı ildə");
	has(t, "(2025-ci illə müqayisədə 10 nəfər az)");
	free(t);
}

/* ---- suppression --------------------------------------------------------------------- */

static void test_small_cells(void **state)
{
	struct fx *f = *state;
	struct report *r = f->r;
	char *t;
	set(r, "employment", 0, 5);
	set(r, "bar_legal_aid", 98, 104);
	set(r, "bar_legal_aid_court", 95, 100);
	set(r, "bar_legal_aid_investigation", 3, 4);
	report_suppress(r);
	assert_true(r->is_public);
	/* primary: 1 to 4; zero and five shown; money never */
	assert_true(ind(r, "repatriation_foreign")->value.hidden);
	assert_true(ind(r, "assistance_center_to_vocational")->value.hidden);
	assert_false(ind(r, "employment")->value.hidden);
	assert_false(ind(r, "employment")->previous.hidden);
	assert_false(ind(r, "support_fund_total")->value.hidden);
	/* secondary: court = total - investigation would reveal it */
	assert_true(ind(r, "bar_legal_aid_investigation")->value.hidden);
	assert_true(ind(r, "bar_legal_aid_court")->value.hidden);
	assert_false(ind(r, "bar_legal_aid")->value.hidden);
	assert_true(ind(r, "bar_legal_aid_court")->previous.hidden);
	/* the breakdown: male 2 hidden, so female 78 too (80 - 78 = 2); 2023: 1 and 89 */
	assert_true(r->breakdowns[0].rows[1].value.hidden);
	assert_true(r->breakdowns[0].rows[0].value.hidden);
	assert_true(r->breakdowns[0].rows[0].previous.hidden);
	assert_false(ind(r, "victims_identified")->value.hidden);
	t = narrative(r, REPORT_EN);
	has(t, "fewer than five foreign victims were assisted in repatriation");
	has(t, "Fewer than five were referred to the State Employment Agency");
	has(t, "Each of the 80 victims, which is 10 fewer than in 2023");
	free(t);
}

static void test_secondary_reaches_the_trend(void **state)
{
	struct fx *f = *state;
	struct report *r = f->r;
	/* a hidden part with no other part to hide: the total goes, and with it the
	 * trend's cell of the same figure */
	set(r, "bar_legal_aid", 7, 104);
	set(r, "bar_legal_aid_court", 3, 100);
	set(r, "bar_legal_aid_investigation", 0, 4);
	r->trend[1].cells[4].v = 7;
	report_suppress(r);
	assert_true(ind(r, "bar_legal_aid")->value.hidden);
	assert_true(r->trend[1].cells[4].hidden);
	assert_false(r->trend[1].cells[0].hidden);
	assert_false(ind(r, "bar_legal_aid_investigation")->value.hidden);
}

/* ---- renderers ------------------------------------------------------------------------ */

static char *render(const struct report *r, const char *format, enum report_lang lang)
{
	const struct report_format *fm = report_format_find(format);
	char *dir = tu_tempdir(), *path = tu_path(dir, "out"), errbuf[ERRBUF_MAX], *text;
	FILE *out;
	assert_non_null(fm);
	out = fopen(path, "w");
	assert_non_null(out);
	if (fm->render(r, lang, out, path, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(fclose(out), 0);
	text = tu_read_file(path, NULL);
	tu_rmtree(dir);
	free(path);
	free(dir);
	return text;
}

static void test_markdown(void **state)
{
	struct fx *f = *state;
	char *t;
	set(f->r, "vocational_training", 1, 1);
	t = render(f->r, "markdown", REPORT_EN);
	has(t, "# Annual Report of the National Coordinator for Combating Human Trafficking (2024)");
	has(t, "| Victims identified (recognised as victims) | persons | 80 (" MINUS "10) | 90 |");
	has(t, "| Referred to the Assistance Center for Victims of Human Trafficking | persons | "
	       "63 (+5) | 58 |");
	has(t, "| Enrolled in vocational training | persons | 1 (no change) | 1 |");
	has(t, "| Financial assistance paid by the Support Fund (AZN) | AZN | 5,050 (" MINUS "250) | "
	       "5,300 |");
	has(t, "| female | 78 (" MINUS "11) | 89 |");
	has(t, "| Victims identified (recognised as victims) | 94 | 95 | 94 | 90 | 80 |");
	free(t);
	t = render(f->r, "markdown", REPORT_AZ);
	has(t, "| Peşə hazırlığına cəlb edilənlər | nəfər | 1 (dəyişməyib) | 1 |");
	has(t, "| Yardım Fondunun ödədiyi maddi yardım (manat) | manat | 5 050 (" MINUS "250) | 5 300 |");
	free(t);
	report_suppress(f->r);
	t = render(f->r, "markdown", REPORT_EN);
	has(t, "| Enrolled in vocational training | persons | <5 | <5 |");
	has(t, "> Counts from 1 to 4 are shown as <5");
	free(t);
}

static void test_json(void **state)
{
	struct fx *f = *state;
	char *t = render(f->r, "json", REPORT_EN);
	json_error_t err;
	json_t *j = json_loads(t, 0, &err), *x;
	if (!j)
		fail_msg("not JSON: %s", err.text);
	assert_string_equal(json_string_value(json_object_get(j, "report")), "annual");
	assert_int_equal(json_integer_value(json_object_get(j, "year")), 2024);
	assert_int_equal(json_integer_value(json_object_get(j, "previous_year")), 2023);
	x = json_object_get(json_object_get(j, "indicators"), "victims_identified");
	assert_int_equal(json_integer_value(json_object_get(x, "value")), 80);
	assert_int_equal(json_integer_value(json_object_get(x, "previous")), 90);
	assert_string_equal(json_string_value(json_object_get(x, "unit")), "persons");
	x = json_object_get(json_object_get(j, "indicators"), "support_fund_total");
	assert_string_equal(json_string_value(json_object_get(x, "value")), "5050.00");
	assert_string_equal(json_string_value(json_object_get(x, "previous")), "5300.00");
	assert_string_equal(json_string_value(json_object_get(x, "unit")), "AZN");
	for (size_t i = 0; i < sizeof seed / sizeof seed[0]; i++)
		assert_non_null(json_object_get(json_object_get(j, "indicators"), seed[i].id));
	assert_true(json_array_size(json_object_get(j, "narrative")) >= 6);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "trend"), "years")), 5);
	json_decref(j);
	free(t);
}

static void test_csv_and_text(void **state)
{
	struct fx *f = *state;
	char *t;
	free(ind(f->r, "employment")->label[REPORT_EN]);
	ind(f->r, "employment")->label[REPORT_EN] = dup("Employed, \"in work\"");
	t = render(f->r, "csv", REPORT_EN);
	has(t, "section,indicator,dimension,category,label,unit,year,value\r\n");
	has(t, "indicator,victims_identified,,,Victims identified (recognised as victims),persons,"
	       "2024,80\r\n");
	has(t, "indicator,support_fund_total,,,Financial assistance paid by the Support Fund (AZN),"
	       "AZN,2023,5300.00\r\n");
	has(t, "indicator,employment,,,\"Employed, \"\"in work\"\"\",persons,2024,9\r\n");
	has(t, "breakdown,victims_identified,sex,male,male,persons,2024,2\r\n");
	has(t, "trend,victims_identified,,,Victims identified (recognised as victims),persons,2020,94");
	free(t);
	t = render(f->r, "text", REPORT_EN);
	has(t, "Annual Report of the National Coordinator for Combating Human Trafficking (2024)\n");
	has(t, "Each of the 80 victims");
	has(t, "Victims identified (recognised as victims), by sex");
	has(t, "Trend of the main indicators, 2020–2024");
	free(t);
}

static void test_approval_and_restatements(void **state)
{
	struct fx *f = *state;
	struct report_frozen *z = calloc(1, sizeof *z);
	char *t;
	z->frozen_at = 1740787200; /* 2025-03-01 */
	z->definitions_version = dup("2024.1");
	memset(z->hash, 'a', 64);
	z->restated = calloc(1, sizeof *z->restated);
	z->restated[0] = (struct report_restatement){dup("shelter_placements"), 2024, REPORT_PERSONS,
						     {56, 0}, {57, 0}};
	z->n_restated = 1;
	f->r->frozen = z;
	t = render(f->r, "text", REPORT_EN);
	has(t, "Approved on 2025-03-01 (definitions 2024.1), BLAKE2b-256 aaaa");
	has(t, "Placed in the special shelter of the Ministry of Internal Affairs, 2024: approved "
	       "56, now 57 (+1)");
	free(t);
	t = render(f->r, "json", REPORT_EN);
	has(t, "\"restatements\"");
	has(t, "\"frozen_at\": 1740787200");
	free(t);
	t = render(f->r, "markdown", REPORT_AZ);
	has(t, "Təsdiq edilib 2025-03-01");
	free(t);
}

static void test_format_table(void **state)
{
	(void)state;
	assert_non_null(report_format_find("text"));
	assert_non_null(report_format_find("markdown"));
	assert_non_null(report_format_find("json"));
	assert_non_null(report_format_find("csv"));
	assert_null(report_format_find("docx"));
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_seed_in_english),
		T(test_never_claims_more_than_the_data),
		T(test_agreement_and_sentence_starts),
		T(test_seed_in_azerbaijani),
		T(test_small_cells),
		T(test_secondary_reaches_the_trend),
		T(test_markdown),
		T(test_json),
		T(test_csv_and_text),
		T(test_approval_and_restatements),
		cmocka_unit_test(test_format_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
