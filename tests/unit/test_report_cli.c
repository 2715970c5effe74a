/*
 * test_report_cli.c - `haven report` as a user runs it: the real binary on the
 * demo database; formats, languages, --out, --public, approval with
 * `haven report freeze` (once only), the approved figures with restatements
 * after an import changes the records, and the exit status of each mistake.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static char *dir, *dbpath;

/* Runs `haven ARGS --db <demo>`; returns the exit status, output in *out. */
static int haven(const char *args, char **out, char **err)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "'%s' %s --db '%s'", HAVEN_BIN, args, dbpath);
	return tu_run(cmd, out, err);
}

static void has(const char *text, const char *want)
{
	if (!text || !strstr(text, want))
		fail_msg("missing \"%s\" in:\n%s", want, text ? text : "(nothing)");
}

static int setup_all(void **state)
{
	char cmd[8192], *out = NULL, *err = NULL;
	(void)state;
	dir = tu_tempdir();
	dbpath = tu_path(dir, "demo.db");
	snprintf(cmd, sizeof cmd, "'%s' demo --db '%s'", HAVEN_BIN, dbpath);
	if (tu_run(cmd, &out, &err) != 0)
		fail_msg("haven demo failed: %s", err);
	free(out);
	free(err);
	return 0;
}

static int teardown_all(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	free(dbpath);
	return 0;
}

static void test_languages_and_formats(void **state)
{
	char *out = NULL, *err = NULL, *path = tu_path(dir, "report.md"), args[4200], *md;
	(void)state;
	assert_int_equal(haven("report --year 2024 --lang en", &out, &err), 0);
	has(out, "Each of the 80 victims, which is 10 fewer than in 2023, received a one-time "
		 "allowance of 700 AZN.");
	free(out);
	free(err);
	/* Azerbaijani is the default */
	assert_int_equal(haven("report --year 2024", &out, &err), 0);
	has(out, "2024-cü ildə qurban kimi tanınmış 80 nəfərin");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --format json", &out, &err), 0);
	has(out, "\"victims_identified\": {");
	has(out, "\"value\": \"5050.00\"");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --format csv --lang en", &out, &err), 0);
	has(out, "indicator,shelter_placements,,,");
	free(out);
	free(err);
	snprintf(args, sizeof args, "report --year 2024 --format markdown --lang en --out '%s'", path);
	assert_int_equal(haven(args, &out, &err), 0);
	assert_string_equal(out, "");
	md = tu_read_file(path, NULL);
	has(md, "| Victims identified (recognised as victims) | persons | 80 (\xe2\x88\x92" "10) | 90 |");
	free(md);
	free(out);
	free(err);
	free(path);
}

static void test_public(void **state)
{
	char *out = NULL, *err = NULL;
	(void)state;
	assert_int_equal(haven("report --year 2024 --lang en --public --format markdown", &out, &err), 0);
	has(out, "| Foreign victims assisted in repatriation | persons | <5 | 0 |");
	has(out, "fewer than five foreign victims were assisted in repatriation");
	free(out);
	free(err);
}

static void test_mistakes(void **state)
{
	char *out = NULL, *err = NULL;
	(void)state;
	assert_int_equal(haven("report --lang en", &out, &err), 2);
	has(err, "--year is required");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --lang ru", &out, &err), 2);
	has(err, "--lang is az or en");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --format docx", &out, &err), 2);
	has(err, "unknown --format 'docx'");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --format pdf", &out, &err), 2);
	has(err, "give --out FILE");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --definitions /nonexistent.ini", &out, &err), 1);
	has(err, "cannot open the definitions /nonexistent.ini");
	free(out);
	free(err);
	assert_int_equal(haven("report --help", &out, &err), 0);
	has(out, "haven report freeze --year Y");
	free(out);
	free(err);
}

/* Runs last: it approves 2023 and then changes the records. */
/* --format svg --chart NAME: one chart to a file; every report on the audit log. */
static void test_chart_and_audit(void **state)
{
	char *out = NULL, *err = NULL, *path = tu_path(dir, "trend.svg"), args[4200], *svg;
	(void)state;
	snprintf(args, sizeof args, "report --year 2024 --lang az --format svg --chart trend --out '%s'",
		 path);
	assert_int_equal(haven(args, &out, &err), 0);
	svg = tu_read_file(path, NULL);
	has(svg, "<svg");
	has(svg, "2020");
	free(svg);
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2024 --chart trend", &out, &err), 2);
	has(err, "--chart goes with --format svg");
	free(out);
	free(err);
	snprintf(args, sizeof args, "report --year 2024 --format svg --chart nosuch --out '%s'", path);
	assert_int_equal(haven(args, &out, &err), 1);
	has(err, "breakdown-sex");
	free(out);
	free(err);
	/* the reports made above are on the audit log, by format */
	snprintf(args, sizeof args, "sqlite3 '%s' \"SELECT count(*) FROM audit_log WHERE "
		 "action = 'report' AND detail LIKE 'format svg%%'\"", dbpath);
	assert_int_equal(tu_run(args, &out, NULL), 0);
	assert_true(strtol(out, NULL, 10) >= 1);
	free(out);
	free(path);
}

static void test_freeze_and_restatement(void **state)
{
	char *out = NULL, *err = NULL, *csv = tu_path(dir, "late.csv"), args[4200];
	(void)state;
	assert_int_equal(haven("report freeze --year 2023", &out, &err), 0);
	has(out, "approved the annual report of 2023");
	free(out);
	free(err);
	assert_int_equal(haven("report freeze --year 2023", &out, &err), 1);
	has(err, "approved already");
	free(out);
	free(err);
	/* a late record: one more shelter stay in 2023 */
	tu_write_file(csv, "id,person_id,service,provider,date\n"
			   "LATE-1,P-2018-0001,shelter,mia_shelter,2023-12-30\n");
	snprintf(args, sizeof args, "import '%s'", csv);
	if (haven(args, &out, &err) != 0)
		fail_msg("import failed: %s", err);
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2023 --lang en", &out, &err), 0);
	has(out, "Approved on ");
	has(out, "68 victims"); /* the approved figure stays */
	has(out, "Restatements");
	has(out, "Placed in the special shelter of the Ministry of Internal Affairs, 2023: "
		 "approved 68, now 69 (+1)");
	free(out);
	free(err);
	assert_int_equal(haven("report --year 2023 --lang en --live", &out, &err), 0);
	has(out, "69 victims");
	free(out);
	free(err);
	free(csv);
}

/* An indicator added the documented way (docs/internals/report.md) after a
 * year was approved: the live year uses it, and the approved year still
 * prints, as approved, without the sentence about a figure it never had. */
static void test_new_indicator_after_approval(void **state)
{
	char *def = tu_read_file(HAVEN_SOURCE_DIR "/src/report/definitions/annual.ini", NULL);
	char *ini = tu_path(dir, "more.ini"), *out = NULL, *err = NULL, args[4200];
	char *en = strstr(def, "[narrative en]\n"), *az = strstr(def, "[narrative az]\n");
	size_t n = strlen(def) + 1024;
	char *more = malloc(n);
	(void)state;
	assert_non_null(en);
	assert_non_null(az);
	assert_true(en < az);
	snprintf(more, n,
		 "%.*s[indicator ngo_medical]\nlabel.en = Medical assistance by NGOs\n"
		 "label.az = QHT-lərin tibbi yardımı\nevent = service\nservice = medical_assistance\n"
		 "provider = ngo\npopulation = all\n\n"
		 "[narrative en]\nngo_medical = NGOs gave medical assistance to {n:ngo_medical} persons.\n"
		 "%.*s"
		 "[narrative az]\nngo_medical = QHT-lər {n:ngo_medical} nəfərə tibbi yardım göstərmişdir.\n"
		 "%s",
		 (int)(en - def), def, (int)(az - en - strlen("[narrative en]\n")),
		 en + strlen("[narrative en]\n"), az + strlen("[narrative az]\n"));
	tu_write_file(ini, more);
	snprintf(args, sizeof args, "report --year 2024 --lang en --definitions '%s'", ini);
	assert_int_equal(haven(args, &out, &err), 0);
	has(out, "NGOs gave medical assistance to ");
	free(out);
	free(err);
	snprintf(args, sizeof args, "report --year 2023 --lang az --definitions '%s'", ini);
	assert_int_equal(haven(args, &out, &err), 0);
	assert_null(strstr(out, "tibbi yardım göstərmişdir"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "report --year 2023 --lang en --definitions '%s'", ini);
	if (haven(args, &out, &err) != 0)
		fail_msg("the approved year no longer prints: %s", err);
	has(out, "Approved on ");
	has(out, "68 victims"); /* the approved figure, as before */
	assert_null(strstr(out, "NGOs gave medical assistance"));
	free(out);
	free(err);
	free(more);
	free(def);
	free(ini);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_languages_and_formats),
		cmocka_unit_test(test_public),
		cmocka_unit_test(test_mistakes),
		cmocka_unit_test(test_chart_and_audit),
		cmocka_unit_test(test_freeze_and_restatement),
		cmocka_unit_test(test_new_indicator_after_approval),
	};
	return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
