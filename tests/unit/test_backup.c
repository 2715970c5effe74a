/*
 * test_backup.c - the backup and restore drill (REL-16): a backup taken from
 * a live database restores into a new database of the test's engine
 * (TU_BOTH_ENGINES) with every record, a verified audit chain, and no
 * personal value in clear in the backup file.
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

static void test_backup_restore_drill(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *src = tu_path(dir, "live.db"), *key = tu_path(dir, "live.db.key");
	char *bak = tu_path(dir, "backup.db"), *dst = tu_new_database(dir), *csv = tu_path(dir, "c.csv");
	char *err = NULL;

	assert_int_equal(run(NULL, NULL, "'%s' demo --db '%s'", HAVEN_BIN, src), 0);
	tu_write_file(csv, "id,status,given_name,family_name,sex,identified_on,identification_source,"
			   "document_number\nP-BK1,potential_victim,ZZCANARY-bk-given,ZZCANARY-bk-family,"
			   "female,2024-05-05,hotline,ZZCANARY-bk-doc\n");
	assert_int_equal(run(NULL, NULL, "'%s' import --db '%s' '%s'", HAVEN_BIN, src, csv), 0);
	assert_int_equal(run(NULL, NULL, "'%s' backup --db '%s' --out '%s'", HAVEN_BIN, src, bak), 0);
	assert_false(tu_file_contains(bak, "ZZCANARY", 8));
	assert_true(tu_file_contains(bak, "P-BK1", 5));
	/* a backup never overwrites */
	assert_int_equal(run(NULL, &err, "'%s' backup --db '%s' --out '%s'", HAVEN_BIN, src, bak), 1);
	assert_non_null(strstr(err, "exists already"));
	free(err);
	/* restore into a new database, then compare with the live one */
	assert_int_equal(run(NULL, NULL, "'%s' restore --from '%s' --db '%s' --key '%s'", HAVEN_BIN,
			     bak, dst, key), 0);
	char *exp_a = tu_export_sealed(src, NULL, dir, "a.sealed");
	char *exp_b = tu_export_sealed(dst, key, dir, "b.sealed");
	tu_assert_same_export(dir, exp_a, exp_b);
	free(exp_a);
	free(exp_b);
	assert_int_equal(run(NULL, NULL, "'%s' audit verify --db '%s' --key '%s'", HAVEN_BIN, dst, key),
			 0);
	/* restoring over an existing database is refused */
	assert_int_equal(run(NULL, NULL, "'%s' restore --from '%s' --db '%s' --key '%s'", HAVEN_BIN,
			     bak, dst, key), 1);
	tu_rmtree(dir);
	free(dir);
	free(src);
	free(key);
	free(bak);
	free(dst);
	free(csv);
}

int main(void)
{
	/* TU_BOTH_ENGINES: the restore target is the test's engine */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_restore_drill),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
