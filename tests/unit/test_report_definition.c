/*
 * test_report_definition.c - the report definition file: the built-in
 * annual.ini loads and holds every indicator of the spec; a deployment's own
 * file can add an indicator and change a sentence without any C; and each
 * kind of mistake in a file is refused with a message that names where.
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
#include "testutil.h"
#include "util/date.h"

#define HEAD                                                                                       \
	"[report]\nid = annual\nversion = test.1\ntitle.en = Test report\ntitle.az = Sınaq\n"
#define MEDICAL                                                                                    \
	"[indicator medical]\nlabel.en = Medical assistance\nlabel.az = Tibbi yardım\n"             \
	"event = service\nservice = medical_assistance\npopulation = all\ntrend = yes\n"
#define NARRATIVE                                                                                  \
	"[narrative en]\np1 = {n:medical} {pl:medical|person was|persons were} treated in {year},\n" \
	"\t{cmp:medical}.\n"                                                                      \
	"[narrative az]\np1 = {year:ord} ildə {n:medical} nəfər müalicə olunub.\n"

/* Every indicator id of shared/spec/annual-report.md. */
static const char *const spec_ids[] = {
	"victims_identified", "allowance_recipients", "allowance_total", "shelter_placements",
	"vocational_training", "employment", "repatriation_foreign", "identity_documents",
	"social_benefit_applications", "child_victims_boarding_school", "family_reunification",
	"assistance_center_referrals", "assistance_center_psychological",
	"assistance_center_legal", "assistance_center_to_vocational",
	"assistance_center_to_employment", "assistance_center_children_supplies",
	"potential_victims_assisted", "support_fund_recipients", "support_fund_total",
	"bar_legal_aid", "bar_legal_aid_court", "bar_legal_aid_investigation",
	"children_school_supplies", "children_birth_certificates", "children_preschool",
	"children_alimony"};

static void test_builtin_definition(void **state)
{
	struct report_def *d = NULL;
	char errbuf[ERRBUF_MAX];
	(void)state;
	if (report_def_load(NULL, &d, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	for (size_t i = 0; i < sizeof spec_ids / sizeof spec_ids[0]; i++)
		if (!def_find(d, spec_ids[i]))
			fail_msg("annual.ini lacks %s", spec_ids[i]);
	assert_string_equal(report_def_version(d), "2024.1");
	assert_true(d->n_para[REPORT_EN] >= 6);
	assert_int_equal(d->n_para[REPORT_EN], d->n_para[REPORT_AZ]);
	assert_string_equal(report_def_label(d, REPORT_AZ, "country.TUR"), "Türkiyə");
	assert_null(report_def_label(d, REPORT_EN, "no.such.label"));
	/* the legal-aid relation for suppression */
	assert_int_equal(d->n_rel, 1);
	assert_string_equal(d->rel[0].total, "bar_legal_aid");
	assert_int_equal(d->rel[0].n_parts, 2);
	/* a continuation line joins its value with one space */
	assert_non_null(strstr(d->para[REPORT_EN][1], "in {year}, {cmp:victims_identified}."));
	report_def_free(d);
}

/* Loads `text` as a definition file; returns the error and the message. */
static err_t load_text(const char *text, char *errbuf, struct report_def **out)
{
	char *dir = tu_tempdir(), *path = tu_path(dir, "def.ini");
	struct report_def *d = NULL;
	err_t e;
	tu_write_file(path, text);
	errbuf[0] = '\0';
	e = report_def_load(path, &d, errbuf);
	if (out)
		*out = d;
	else
		report_def_free(d);
	tu_rmtree(dir);
	free(path);
	free(dir);
	return e;
}

static void refused(const char *text, const char *message)
{
	char errbuf[ERRBUF_MAX];
	assert_int_equal(load_text(text, errbuf, NULL), ERR_INVALID);
	if (!strstr(errbuf, message))
		fail_msg("expected \"%s\" in \"%s\"", message, errbuf);
}

static void test_mistakes_are_refused(void **state)
{
	char line[1024];
	(void)state;
	refused(MEDICAL NARRATIVE, "the [report] section is missing");
	refused(HEAD MEDICAL "colour = blue\n" NARRATIVE, "[indicator medical]: unknown key 'colour'");
	refused(HEAD "[indicator x]\nlabel.en = X\nlabel.az = X\n" NARRATIVE, "'event' must be");
	refused(HEAD "[indicator x]\nlabel.en = X\nevent = recognized\n" NARRATIVE, "'label.az' is missing");
	refused(HEAD "[indicator X-1]\nevent = service\n" NARRATIVE, "lower-case name");
	/* a section written twice gathers its keys twice */
	refused(HEAD MEDICAL MEDICAL NARRATIVE, "[indicator medical]: 'label.en' is given twice");
	refused(HEAD "[indicator s]\nlabel.en = S\nlabel.az = S\nevent = referral\nmeasure = sum\n"
		     "to = ngo\n" NARRATIVE,
		"measure = sum needs event = service");
	refused(HEAD "[indicator s]\nlabel.en = S\nlabel.az = S\nevent = service\n" NARRATIVE,
		"needs 'service'");
	refused(HEAD "[indicator s]\nlabel.en = S\nlabel.az = S\nevent = recognized\n"
		     "breakdown = sex, shoe_size\n" NARRATIVE,
		"'breakdown' knows only");
	refused(HEAD "[indicator s]\nlabel.en = S\nlabel.az = S\nevent = service\nservice = x\n"
		     "child = perhaps\n" NARRATIVE,
		"'child' must be yes or no");
	refused(HEAD MEDICAL "[relation r]\ntotal = medical\nparts = nothing\n" NARRATIVE,
		"'parts' must name count indicators");
	refused(HEAD MEDICAL "[chart x]\na = b\n" NARRATIVE, "unknown section");
	refused(HEAD MEDICAL "[narrative en]\np1 = {n:nobody}\n[narrative az]\np1 = x\n",
		"no indicator of that id");
	refused(HEAD MEDICAL "[narrative en]\np1 = {n:medical\n[narrative az]\np1 = x\n",
		"unbalanced braces");
	refused(HEAD MEDICAL "[narrative en]\np1 = {m:medical}\n[narrative az]\np1 = x\n",
		"need a money indicator");
	refused(HEAD MEDICAL "[narrative en]\np1 = {pl:medical|one}\n[narrative az]\np1 = x\n",
		"{pl:ID|singular|plural}");
	refused(HEAD MEDICAL "[narrative en]\np1 = {if:often:medical|a}\n[narrative az]\np1 = x\n",
		"the condition is one of");
	refused(HEAD MEDICAL "[narrative en]\np1 = {shout:medical}\n[narrative az]\np1 = x\n",
		"unknown placeholder");
	refused(HEAD MEDICAL "[narrative en]\np1 = x\n", "[narrative az]: the narrative has no paragraph");
	snprintf(line, sizeof line, HEAD MEDICAL "[narrative en]\np1 = %0200d\n", 7);
	refused(line, "is longer than 196 bytes");
	/* a key given twice is refused, not joined to the first value */
	refused(HEAD MEDICAL "[narrative en]\np1 = one\np1 = two\n", "line 15: p1 is given twice");
}

/* A deployment's own file: one more indicator and its own sentence. */
static void test_deployment_definition(void **state)
{
	char *dir = tu_tempdir(), *dbp = tu_path(dir, "h.db"), *key = tu_path(dir, "h.key");
	char *defp = tu_path(dir, "mine.ini"), errbuf[ERRBUF_MAX];
	struct registry_paths p = {dbp, key};
	struct report_def *d = NULL;
	struct report *r = NULL;
	registry *reg = NULL;
	char **paras = NULL;
	size_t n = 0;
	enum put_outcome out;
	struct person v = {.ref = "V", .status = "victim", .given_name = "Nərgiz",
			   .family_name = "Quliyeva", .sex = "female", .identified_on = 0,
			   .identification_source = "police", .recognized_on = DATE_NONE,
			   .decided_on = DATE_NONE};
	struct service s = {.ref = "S", .person_ref = "V", .service = "medical_assistance",
			    .provider = "ngo", .end_date = DATE_NONE};
	(void)state;
	assert_int_equal(date_parse("2024-05-05", &v.identified_on), ERR_OK);
	assert_int_equal(date_parse("2024-05-06", &s.date), ERR_OK);
	assert_int_equal(registry_init(&p, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&p, &reg, errbuf), ERR_OK);
	assert_int_equal(db_begin(registry_db(reg)), ERR_OK);
	assert_int_equal(registry_put_person(reg, &v, 0, &out), ERR_OK);
	assert_int_equal(registry_put_service(reg, &s, 0, &out), ERR_OK);
	assert_int_equal(db_commit(registry_db(reg)), ERR_OK);

	tu_write_file(defp, HEAD MEDICAL NARRATIVE);
	if (report_def_load(defp, &d, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(report_compute(registry_db(reg), d, 2024, &r, errbuf), ERR_OK);
	assert_int_equal(r->n_indicators, 1);
	assert_int_equal(r->indicators[0].value.v, 1);
	assert_int_equal(report_narrative(r, REPORT_EN, &paras, &n, errbuf), ERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(paras[0], "One person was treated in 2024, one more than in 2023.");
	report_paragraphs_free(paras, n);
	assert_int_equal(report_narrative(r, REPORT_AZ, &paras, &n, errbuf), ERR_OK);
	assert_string_equal(paras[0], "2024-cü ildə 1 nəfər müalicə olunub.");
	report_paragraphs_free(paras, n);
	report_free(r);
	report_def_free(d);

	/* a code the database does not know is an error, not a silent zero */
	tu_write_file(defp, HEAD "[indicator medical]\nlabel.en = M\nlabel.az = M\nevent = service\n"
			       "service = medicall\n" NARRATIVE);
	assert_int_equal(report_def_load(defp, &d, errbuf), ERR_OK);
	assert_int_equal(report_compute(registry_db(reg), d, 2024, &r, errbuf), ERR_INVALID);
	assert_non_null(strstr(errbuf, "service 'medicall' is not a code of this database"));
	report_def_free(d);

	registry_close(reg);
	tu_rmtree(dir);
	free(dir);
	free(dbp);
	free(key);
	free(defp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_definition),
		cmocka_unit_test(test_mistakes_are_refused),
		cmocka_unit_test(test_deployment_definition),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
