/*
 * test_schema_parity.c - the SQLite and PostgreSQL migrations must describe
 * the same tables and columns, so every SQL text can run on both.  Needs the
 * throwaway cluster of scripts/pg-cluster.sh ($HAVEN_TEST_PG).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "testutil.h"

#define COLUMNS_MAX 4096

static const char LITE_COLUMNS[] =
	"SELECT m.name || '.' || p.name FROM sqlite_master m, pragma_table_info(m.name) p "
	"WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1";
static const char PG_COLUMNS[] =
	"SELECT table_name || '.' || column_name FROM information_schema.columns "
	"WHERE table_schema = 'public' ORDER BY table_name || '.' || column_name COLLATE \"C\"";

/* Every "table.column" of the database, newline-separated, in order. */
static char *columns(const char *target, const char *sql)
{
	char errbuf[ERRBUF_MAX];
	db *d = NULL;
	db_stmt *st = NULL;
	char *out = calloc(1, COLUMNS_MAX * 64);
	size_t used = 0;
	if (db_open(target, DB_OPEN_CREATE, &d, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(db_prepare(d, sql, &st), ERR_OK);
	while (db_step(st) == DB_ROW)
		used += (size_t)snprintf(out + used, COLUMNS_MAX * 64 - used, "%s\n", db_col_text(st, 0));
	db_finalize(st);
	db_close(d);
	return out;
}

static void test_same_tables_and_columns(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *lite_path = tu_path(dir, "p.db");
	char *lite, *pg, *pg_url;
	if (!getenv("HAVEN_TEST_PG"))
		fail_msg("HAVEN_TEST_PG is not set: run the tests through scripts/run-tests.sh");
	setenv("HAVEN_TEST_ENGINE", "postgres", 1);
	pg_url = tu_new_database(dir);
	lite = columns(lite_path, LITE_COLUMNS);
	pg = columns(pg_url, PG_COLUMNS);
	assert_true(strlen(lite) > 100);
	assert_string_equal(lite, pg);
	free(lite);
	free(pg);
	free(pg_url);
	free(lite_path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_tables_and_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
