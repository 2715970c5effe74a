/*
 * test_report_demo.c - the annual report on the demo data set, loaded through
 * the real importer: every figure shared/spec/annual-report.md gives for 2024
 * and 2023 in the JSON output, the victims per year of demo-data.md in the
 * trend, and the seed's sentences (their figures and comparisons) in the
 * English text, and the same report in Azerbaijani.  TU_BOTH_ENGINES.
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
#include <sodium.h>

#include "core/demo.h"
#include "core/import.h"
#include "core/registry.h"
#include "report/report.h"
#include "testutil.h"

struct fx {
	char *dir;
	registry *r;
	struct report_def *def;
};

static struct fx fx;

static int setup_all(void **state)
{
	char errbuf[ERRBUF_MAX], *dbpath, *key;
	const char *names[] = {DEMO_PERSONS_CSV, DEMO_SERVICES_CSV, DEMO_REFERRALS_CSV};
	char *paths[3];
	struct import_summary sum;
	(void)state;
	fx.dir = tu_tempdir();
	dbpath = tu_new_database(fx.dir);
	key = tu_path(fx.dir, "demo.key");
	fx.r = tu_registry_new(dbpath, key);
	assert_int_equal(demo_write_csv(fx.dir, errbuf, sizeof errbuf), ERR_OK);
	for (int i = 0; i < 3; i++)
		paths[i] = tu_path(fx.dir, names[i]);
	assert_int_equal(import_files(fx.r, (const char *const *)paths, 3, NULL, &sum, stderr), ERR_OK);
	for (int i = 0; i < 3; i++)
		free(paths[i]);
	assert_int_equal(report_def_load(NULL, &fx.def, errbuf), ERR_OK);
	free(dbpath);
	free(key);
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	report_def_free(fx.def);
	registry_close(fx.r);
	tu_rmtree(fx.dir);
	free(fx.dir);
	return 0;
}

/* Renders the report of `year` in `format` and returns the text. */
static char *report_text(int year, const char *format, enum report_lang lang, int public_)
{
	char errbuf[ERRBUF_MAX], *path = tu_path(fx.dir, "report.out"), *text;
	struct report *r = NULL;
	FILE *out;
	if (report_compute(registry_db(fx.r), fx.def, year, &r, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	if (public_)
		report_suppress(r);
	out = fopen(path, "w");
	assert_non_null(out);
	if (report_format_find(format)->render(r, lang, out, path, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(fclose(out), 0);
	text = tu_read_file(path, NULL);
	report_free(r);
	free(path);
	return text;
}

/* shared/spec/annual-report.md: 2024 and 2023 (-1 where the seed is silent). */
static const struct {
	const char *id;
	long long y2024, y2023;
	const char *money2024, *money2023;
} published[] = {
	{"victims_identified", 80, 90, NULL, NULL},
	{"allowance_recipients", 80, -1, NULL, NULL},
	{"allowance_total", 0, 0, "56000.00", NULL},
	{"shelter_placements", 56, 68, NULL, NULL},
	{"vocational_training", 18, -1, NULL, NULL},
	{"employment", 9, -1, NULL, NULL},
	{"repatriation_foreign", 1, -1, NULL, NULL},
	{"identity_documents", 9, -1, NULL, NULL},
	{"social_benefit_applications", 11, -1, NULL, NULL},
	{"child_victims_boarding_school", 2, -1, NULL, NULL},
	{"family_reunification", 44, -1, NULL, NULL},
	{"assistance_center_referrals", 63, -1, NULL, NULL},
	{"assistance_center_psychological", 36, -1, NULL, NULL},
	{"assistance_center_legal", 13, -1, NULL, NULL},
	{"assistance_center_to_vocational", 3, -1, NULL, NULL},
	{"assistance_center_to_employment", 3, -1, NULL, NULL},
	{"assistance_center_children_supplies", 3, -1, NULL, NULL},
	{"potential_victims_assisted", 17, -1, NULL, NULL},
	{"support_fund_recipients", 88, 98, NULL, NULL},
	{"support_fund_total", 0, 0, "5050.00", "5300.00"},
	{"bar_legal_aid", 98, -1, NULL, NULL},
	{"bar_legal_aid_court", 70, -1, NULL, NULL},
	{"bar_legal_aid_investigation", 28, -1, NULL, NULL},
	{"children_school_supplies", 16, -1, NULL, NULL},
	{"children_birth_certificates", 12, -1, NULL, NULL},
	{"children_preschool", 10, -1, NULL, NULL},
	{"children_alimony", 10, -1, NULL, NULL},
};

static void test_published_figures_in_json(void **state)
{
	char *t = report_text(2024, "json", REPORT_EN, 0);
	json_t *j = json_loads(t, 0, NULL), *all = json_object_get(j, "indicators");
	(void)state;
	assert_non_null(j);
	for (size_t i = 0; i < sizeof published / sizeof published[0]; i++) {
		json_t *x = json_object_get(all, published[i].id);
		if (!x)
			fail_msg("no %s in the JSON", published[i].id);
		if (published[i].money2024) {
			assert_string_equal(json_string_value(json_object_get(x, "value")),
					    published[i].money2024);
			if (published[i].money2023)
				assert_string_equal(json_string_value(json_object_get(x, "previous")),
						    published[i].money2023);
			assert_string_equal(json_string_value(json_object_get(x, "unit")), "AZN");
			continue;
		}
		if (json_integer_value(json_object_get(x, "value")) != published[i].y2024)
			fail_msg("%s: %lld, published %lld", published[i].id,
				 (long long)json_integer_value(json_object_get(x, "value")),
				 published[i].y2024);
		if (published[i].y2023 >= 0)
			assert_int_equal(json_integer_value(json_object_get(x, "previous")),
					 published[i].y2023);
	}
	json_decref(j);
	free(t);
}

/* demo-data.md: victims recognised 2019..2024 are 91 94 95 94 90 80. */
static void test_victims_per_year_in_the_trend(void **state)
{
	static const long long want2024[] = {94, 95, 94, 90, 80}, want2023[] = {91, 94, 95, 94, 90};
	(void)state;
	for (int k = 0; k < 2; k++) {
		char *t = report_text(k ? 2023 : 2024, "json", REPORT_EN, 0);
		json_t *j = json_loads(t, 0, NULL);
		json_t *cells = json_object_get(json_object_get(json_object_get(j, "trend"), "indicators"),
						"victims_identified");
		assert_int_equal(json_array_size(cells), 5);
		for (size_t i = 0; i < 5; i++)
			assert_int_equal(json_integer_value(json_array_get(cells, i)),
					 k ? want2023[i] : want2024[i]);
		json_decref(j);
		free(t);
	}
}

static void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing \"%s\"", want);
}

/* Each sentence of shared/seed/annual-report-2024-news.txt, by its figures
 * and comparisons. */
static void test_english_reads_like_the_seed(void **state)
{
	char *t = report_text(2024, "text", REPORT_EN, 0);
	(void)state;
	has(t, "Annual Report of the National Coordinator for Combating Human Trafficking (2024)");
	has(t, "ach of the 80 victims, which is 10 fewer than in 2023, received a one-time "
	       "allowance of 700 AZN");
	has(t, "56 victims, 12 fewer than in the previous year, were placed in the special shelter "
	       "under the Ministry of Internal Affairs");
	has(t, "18 victims were enrolled in vocational training courses, nine were provided with "
	       "employment, one foreign victim was assisted in repatriation, and nine victims "
	       "received assistance in obtaining identity documents.");
	has(t, "Eleven victims were supported in applying for targeted social assistance, two child "
	       "victims were enrolled in an Integration Training Boarding School to continue their "
	       "education, and 44 victims were reunited with their families.");
	has(t, "Sixty-three victims were referred to the Assistance Center for Victims of Human Trafficking "
	       "under the Social Services Agency of the Ministry of Labor and Social Protection of "
	       "the Population");
	has(t, "36 received psychological support, and 13 received legal assistance.");
	has(t, "Three were referred to the State Employment Agency for enrollment in vocational "
	       "courses, and three were directed to employment opportunities.");
	has(t, "The children of three victims were provided with school supplies.");
	has(t, "17 potential victims, identified based on citizen appeals and referrals from NGOs");
	has(t, "Eighty-eight victims and potential victims, which is 10 fewer than in 2023, received "
	       "financial assistance totaling 5,050 AZN, which is 250 AZN less than the previous "
	       "year, from the Support Fund under the Ministry of Internal Affairs.");
	has(t, "Members of the Bar Association provided legal assistance to a total of 98 victims: "
	       "70 received support during court proceedings and 28 during the investigation "
	       "process.");
	has(t, "16 provided with educational supplies, 12 receiving birth certificates, 10 enrolled "
	       "in preschool education programs, and alimony arranged for 10 children.");
	free(t);
}

static void test_azerbaijani(void **state)
{
	char *t = report_text(2024, "text", REPORT_AZ, 0);
	(void)state;
	has(t, "İnsan alverinə qarşı mübarizə üzrə Milli Koordinatorun illik hesabatı (2024)");
	has(t, "2024-cü ildə qurban kimi tanınmış 80 nəfərin (2023-cü illə müqayisədə 10 nəfər az) "
	       "hər birinə 700 manat məbləğində birdəfəlik müavinət ödənilmişdir.");
	has(t, "5 050 manat (ötən illə müqayisədə 250 manat az)");
	has(t, "Göstəricilər");
	free(t);
	t = report_text(2024, "markdown", REPORT_AZ, 0);
	has(t, "| Qurban kimi tanınan şəxslər | nəfər | 80 (\xe2\x88\x92" "10) | 90 |");
	free(t);
}

static void test_public_report(void **state)
{
	char *t = report_text(2024, "json", REPORT_EN, 1);
	json_t *j = json_loads(t, 0, NULL), *all = json_object_get(j, "indicators");
	(void)state;
	assert_true(json_is_true(json_object_get(j, "public")));
	assert_string_equal(json_string_value(json_object_get(
				    json_object_get(all, "repatriation_foreign"), "value")), "<5");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(all, "victims_identified"), "value")), 80);
	json_decref(j);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published_figures_in_json),
		cmocka_unit_test(test_victims_per_year_in_the_trend),
		cmocka_unit_test(test_english_reads_like_the_seed),
		cmocka_unit_test(test_azerbaijani),
		cmocka_unit_test(test_public_report),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
