/*
 * test_canary.c - ASVS-24 / FLE: a unique marker in every personal field of
 * the interchange format, imported with the real haven binary, must appear in
 * no byte of the database file or its write-ahead log.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "testutil.h"

/* One marker per personal column; the birth date is a date nobody else has. */
static const char *const markers[] = {
	"ZZCANARY-given-7f3a",   "ZZCANARY-family-7f3a", "ZZCANARY-patronymic-7f3a",
	"ZZCANARY-document-7f3a", "ZZCANARY-phone-7f3a",  "ZZCANARY-address-7f3a",
	"ZZCANARY-note-7f3a",    "1913-07-19",           "Şəhriyar Gülnarə",
};

static void write_inputs(const char *dir)
{
	char *persons = tu_path(dir, "persons.csv"), *services = tu_path(dir, "services.csv");
	tu_write_file(persons,
		      "id,status,given_name,family_name,patronymic,sex,birth_date,citizenship,"
		      "document_number,phone,address,identified_on,identification_source,"
		      "recognized_on\n"
		      "P-C1,victim,ZZCANARY-given-7f3a,ZZCANARY-family-7f3a,ZZCANARY-patronymic-7f3a,"
		      "female,1913-07-19,AZE,ZZCANARY-document-7f3a,ZZCANARY-phone-7f3a,"
		      "ZZCANARY-address-7f3a,2024-03-01,police,2024-03-05\n"
		      "P-C2,potential_victim,Şəhriyar Gülnarə,Əliyeva,,female,,,,,,2024-03-02,"
		      "hotline,\n");
	tu_write_file(services, "id,person_id,service,provider,date,note\n"
				"S-C1,P-C1,psychological_support,ssa_assistance_center,2024-03-10,"
				"ZZCANARY-note-7f3a\n");
	free(persons);
	free(services);
}

static void test_markers_never_at_rest(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *db = tu_path(dir, "c.db"), *wal = tu_path(dir, "c.db-wal");
	char cmd[8192], *err = NULL;
	sqlite3 *watcher;

	snprintf(cmd, sizeof cmd, "'%s' init --db '%s'", HAVEN_BIN, db);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	write_inputs(dir);
	/* A second connection kept open stops the importer's close from
	 * checkpointing and deleting the WAL, so the WAL can be searched too. */
	assert_int_equal(sqlite3_open(db, &watcher), SQLITE_OK);
	assert_int_equal(sqlite3_exec(watcher, "SELECT count(*) FROM persons", 0, 0, 0), SQLITE_OK);
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s' '%s/persons.csv' '%s/services.csv'",
		 HAVEN_BIN, db, dir, dir);
	assert_int_equal(tu_run(cmd, NULL, &err), 0);
	free(err);
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++) {
		assert_false(tu_file_contains(db, markers[i], strlen(markers[i])));
		assert_false(tu_file_contains(wal, markers[i], strlen(markers[i])));
	}
	/* the WAL did receive the import: the search looked at real pages */
	assert_true(tu_file_contains(wal, "P-C1", 4));
	sqlite3_close(watcher);
	for (size_t i = 0; i < sizeof markers / sizeof markers[0]; i++)
		assert_false(tu_file_contains(db, markers[i], strlen(markers[i])));
	/* ... and the values are there, for those who hold the key */
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "'%s' person show --db '%s' P-C1", HAVEN_BIN, db);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "ZZCANARY-given-7f3a"));
	assert_non_null(strstr(out, "ZZCANARY-note-7f3a"));
	assert_non_null(strstr(out, "1913-07-19"));
	free(out);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(wal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markers_never_at_rest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
