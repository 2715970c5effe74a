/*
 * test_report_public.c - a published report hides an amount whenever it would
 * give a hidden count away: three allowances of 700 AZN are "<5" recipients,
 * and the 2,100 AZN total (2100 / 700 = 3) must not be printed either.
 * Found by the web interface's analyst dashboard.
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

static void test_amount_hidden_with_its_recipients(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *db = tu_path(dir, "s.db"), *p = tu_path(dir, "p.csv");
	char *s = tu_path(dir, "s.csv"), cmd[8192], *out = NULL;
	tu_write_file(p, "id,status,given_name,family_name,sex,identified_on,identification_source,"
			 "recognized_on\n"
			 "P-1,victim,A,B,female,2024-01-05,police,2024-01-20\n"
			 "P-2,victim,C,D,female,2024-01-05,police,2024-01-21\n"
			 "P-3,victim,E,F,female,2024-01-05,police,2024-01-22\n");
	tu_write_file(s, "id,person_id,service,provider,date,amount\n"
			 "S-1,P-1,one_time_allowance,ssa_assistance_center,2024-02-01,700\n"
			 "S-2,P-2,one_time_allowance,ssa_assistance_center,2024-02-01,700\n"
			 "S-3,P-3,one_time_allowance,ssa_assistance_center,2024-02-01,700\n");
	snprintf(cmd, sizeof cmd, "'%s' init --db '%s' && '%s' import --db '%s' '%s' '%s'", HAVEN_BIN,
		 db, HAVEN_BIN, db, p, s);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' report --db '%s' --year 2024 --public --format csv", HAVEN_BIN,
		 db);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_null(strstr(out, "2100"));
	assert_non_null(strstr(out, "allowance_total"));
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' report --db '%s' --year 2024 --public --format json", HAVEN_BIN,
		 db);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_null(strstr(out, "2100"));
	assert_non_null(strstr(out, "\"x\""));
	free(out);
	/* the official report prints it */
	snprintf(cmd, sizeof cmd, "'%s' report --db '%s' --year 2024 --format csv", HAVEN_BIN, db);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "2100.00"));
	free(out);
	tu_rmtree(dir);
	free(dir);
	free(db);
	free(p);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount_hidden_with_its_recipients),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
