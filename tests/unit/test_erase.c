/*
 * test_erase.c - `haven person erase` (HUM-09): the erased values leave no
 * byte in the database file or its WAL, the statistics keep the person, and
 * the old rows cannot be imported back.  TU_BOTH_ENGINES (the raw file scan
 * is SQLite's; on PostgreSQL the behaviour is checked).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/totp.h"
#include "testutil.h"

static char cmd[8192];

static int run(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return tu_run(cmd, out, err);
}

static const char *const markers[] = {"ZZCANARY-er-given", "ZZCANARY-er-family",
				      "ZZCANARY-er-doc",   "ZZCANARY-er-note",
				      "ZZCANARY-er-keep",  "1931-02-17"};

static void test_erase_leaves_nothing(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *db = tu_new_database(dir), *key = tu_path(dir, "k.key");
	char *persons = tu_path(dir, "p.csv"), *services = tu_path(dir, "s.csv");
	char *out = NULL, *err = NULL, answers[512] = "";
	struct tu_account asks, approves, worker;
	int pg = tu_engine_is_postgres();

	assert_int_equal(run(NULL, NULL, "'%s' init --db '%s' --key '%s'", HAVEN_BIN, db, key), 0);
	tu_write_file(persons,
		      "id,status,given_name,family_name,sex,birth_date,document_number,"
		      "identified_on,identification_source,recognized_on\n"
		      "P-ER1,victim,ZZCANARY-er-given,ZZCANARY-er-family,female,1931-02-17,"
		      "ZZCANARY-er-doc,2024-02-01,police,2024-02-10\n"
		      "P-ER2,victim,ZZCANARY-er-keep,Əliyeva,female,,,2024-02-01,police,2024-02-11\n");
	tu_write_file(services, "id,person_id,service,provider,date,note\n"
				"S-ER1,P-ER1,psychological_support,ssa_assistance_center,2024-03-01,"
				"ZZCANARY-er-note\n");
	assert_int_equal(run(NULL, NULL, "'%s' import --db '%s' --key '%s' '%s' '%s'", HAVEN_BIN, db,
			     key, persons, services), 0);
	tu_add_account(db, key, "officer.asks", "mia_ctd", "officer", &asks);
	tu_add_account(db, key, "officer.approves", "mia_ctd", "officer", &approves);
	tu_add_account(db, key, "ngo.worker", "ngo", "caseworker", &worker);
	/* ASVS-11: not for one officer and a caseworker; nothing is erased */
	tu_console_answers(&asks, answers, sizeof answers);
	tu_console_answers(&worker, answers, sizeof answers);
	assert_int_equal(run(NULL, &err, "printf '%%s\\n' %s | '%s' person erase --db '%s' --key '%s' "
					 "--reason 'case 7/2026' --by officer.asks "
					 "--approver ngo.worker P-ER1",
			     answers, HAVEN_BIN, db, key),
			 1);
	assert_non_null(strstr(err, "ngo.worker is a caseworker"));
	free(err);
	assert_int_equal(run(&out, NULL, "'%s' person show --db '%s' --key '%s' P-ER1", HAVEN_BIN, db,
			     key), 0);
	assert_non_null(strstr(out, "ZZCANARY-er-given"));
	free(out);
	/* two officers: asked by one, approved by the other (their codes of the
	 * next step: this one's of officer.asks is used) */
	clock_shift(TOTP_STEP_SECONDS);
	answers[0] = '\0';
	tu_console_answers(&asks, answers, sizeof answers);
	tu_console_answers(&approves, answers, sizeof answers);
	assert_int_equal(run(&out, NULL, "printf '%%s\\n' %s | '%s' person erase --db '%s' --key '%s' "
					 "--reason 'case 7/2026' --by officer.asks "
					 "--approver officer.approves P-ER1",
			     answers, HAVEN_BIN, db, key),
			 0);
	assert_non_null(strstr(out, "asked by officer.asks, approved by officer.approves"));
	free(out);
	if (!pg) {
		char walpath[4200];
		snprintf(walpath, sizeof walpath, "%s-wal", db);
		for (size_t i = 0; i < 4; i++) { /* the erased person's values */
			assert_false(tu_file_contains(db, markers[i], strlen(markers[i])));
			assert_false(tu_file_contains(walpath, markers[i], strlen(markers[i])));
		}
	}
	/* the record stays for the statistics, without its personal values */
	assert_int_equal(run(&out, NULL, "'%s' person show --db '%s' --key '%s' P-ER1", HAVEN_BIN, db,
			     key), 0);
	assert_non_null(strstr(out, "(erased)"));
	assert_non_null(strstr(out, "Recognised as victim on  2024-02-10"));
	assert_null(strstr(out, "ZZCANARY"));
	assert_null(strstr(out, "1931"));
	free(out);
	/* the other person is untouched */
	assert_int_equal(run(&out, NULL, "'%s' person show --db '%s' --key '%s' P-ER2", HAVEN_BIN, db,
			     key), 0);
	assert_non_null(strstr(out, "ZZCANARY-er-keep"));
	free(out);
	/* the old rows cannot bring the data back, and nothing is written */
	assert_int_equal(run(NULL, &err, "'%s' import --db '%s' --key '%s' '%s' '%s'", HAVEN_BIN, db,
			     key, persons, services), 1);
	assert_non_null(strstr(err, "erased"));
	free(err);
	assert_int_equal(run(&out, NULL, "'%s' person show --db '%s' --key '%s' P-ER1", HAVEN_BIN, db,
			     key), 0);
	assert_null(strstr(out, "ZZCANARY"));
	free(out);
	assert_int_equal(run(NULL, NULL, "'%s' audit verify --db '%s' --key '%s'", HAVEN_BIN, db, key),
			 0);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(key);
	free(persons);
	free(services);
}

int main(void)
{
	/* TU_BOTH_ENGINES */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erase_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
