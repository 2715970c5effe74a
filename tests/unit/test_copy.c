/*
 * test_copy.c - `haven copy` moves a deployment whole.  The source is the demo
 * on SQLite; the target is the test's engine (TU_BOTH_ENGINES: a SQLite file,
 * then a PostgreSQL database).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/copy.h"
#include "db/copy_queries.h"
#include "testutil.h"

static int listed(const char *table)
{
	for (const struct copy_query *q = copy_queries; q->table; q++)
		if (strcmp(q->table, table) == 0)
			return 1;
	for (size_t i = 0; copy_skipped[i]; i++)
		if (strcmp(copy_skipped[i], table) == 0)
			return 1;
	return 0;
}

static int table_columns(db *d, const char *table)
{
	db_stmt *st;
	int n = 0;
	assert_int_equal(db_prepare(d, "SELECT count(*) FROM pragma_table_info($1)", &st), ERR_OK);
	assert_int_equal(db_bind_text(st, 1, table), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	n = (int)db_col_int(st, 0);
	db_finalize(st);
	return n;
}

/* A new migration's table or column that copy would silently drop fails here. */
static void test_every_table_and_column_is_copied(void **state)
{
	(void)state;
	char errbuf[ERRBUF_MAX], *dir = tu_tempdir(), *path = tu_path(dir, "s.db");
	db *d = NULL;
	db_stmt *st;
	assert_int_equal(db_open(path, DB_OPEN_CREATE, &d, errbuf), ERR_OK);
	assert_int_equal(db_prepare(d, "SELECT name FROM sqlite_master WHERE type = 'table' AND "
				       "name NOT LIKE 'sqlite_%'", &st), ERR_OK);
	while (db_step(st) == DB_ROW)
		if (!listed(db_col_text(st, 0)))
			fail_msg("table %s is neither copied nor skipped", db_col_text(st, 0));
	db_finalize(st);
	for (const struct copy_query *q = copy_queries; q->table; q++) {
		db_stmt *sel;
		assert_int_equal(db_prepare(d, q->select, &sel), ERR_OK);
		db_step(sel);
		if (db_col_count(sel) != table_columns(d, q->table))
			fail_msg("copy of %s reads %d of its %d columns", q->table, db_col_count(sel),
				 table_columns(d, q->table));
		db_finalize(sel);
	}
	db_close(d);
	tu_rmtree(dir);
	free(dir);
	free(path);
}

static void test_copy_demo(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *src = tu_path(dir, "src.db"), *key = tu_path(dir, "src.db.key");
	char *dst = tu_new_database(dir), cmd[8192], *out = NULL, *err = NULL;

	snprintf(cmd, sizeof cmd, "'%s' demo --db '%s'", HAVEN_BIN, src);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	snprintf(cmd, sizeof cmd, "'%s' copy --from '%s' --to '%s'", HAVEN_BIN, src, dst);
	assert_int_equal(tu_run(cmd, &out, &err), 0);
	assert_non_null(strstr(out, "annual reports of 6 years match")); /* 2019-2024 */
	free(out);
	free(err);
	/* the same key opens the copy, and it holds the people */
	snprintf(cmd, sizeof cmd, "'%s' person show --db '%s' --key '%s' P-2024-0001", HAVEN_BIN, dst,
		 key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "Recognised as victim on  2024-"));
	free(out);
	/* a target that holds a Haven database already is refused */
	snprintf(cmd, sizeof cmd, "'%s' copy --from '%s' --to '%s'", HAVEN_BIN, src, dst);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "already"));
	free(err);
	tu_rmtree(dir);
	free(dir);
	free(src);
	free(key);
	free(dst);
}

int main(void)
{
	/* TU_BOTH_ENGINES */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_and_column_is_copied),
		cmocka_unit_test(test_copy_demo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
