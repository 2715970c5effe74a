/*
 * test_db_cache.c - the per-connection cache of prepared statements
 * (db_sqlite.c, db_pg.c): the same SQL text gets the same statement back,
 * reset; a statement still in use is not handed out twice; a buffer reused
 * for another text never returns the old statement; a table that changes
 * shape under a cached statement (another connection's DDL) is followed.
 * TU_BOTH_ENGINES.
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

static const char Q_ROWS[] = "SELECT a FROM cache_t WHERE a >= $1 ORDER BY a";
static const char Q_ALL[] = "SELECT * FROM cache_t ORDER BY a";

static int64_t first(db *d, const char *sql, int64_t arg, int bind)
{
	db_stmt *st = NULL;
	int64_t v = -1;
	assert_int_equal(db_prepare(d, sql, &st), ERR_OK);
	if (bind)
		assert_int_equal(db_bind_int(st, 1, arg), ERR_OK);
	if (db_step(st) == DB_ROW)
		v = db_col_int(st, 0);
	db_finalize(st);
	return v;
}

static void cache(void **state)
{
	char errbuf[ERRBUF_MAX];
	char *dir = tu_tempdir(), *target = tu_new_database(dir);
	db *d = NULL, *other = NULL;
	db_stmt *a = NULL, *b = NULL;
	(void)state;
	assert_int_equal(db_open(target, DB_OPEN_CREATE, &d, errbuf), ERR_OK);
	assert_int_equal(db_exec_simple(d, "CREATE TABLE cache_t (a BIGINT NOT NULL)"), ERR_OK);
	assert_int_equal(db_exec_simple(d, "INSERT INTO cache_t (a) VALUES (1), (2), (3)"), ERR_OK);

	/* the same text: the same statement, reset (bindings and position) */
	assert_int_equal(db_prepare(d, Q_ROWS, &a), ERR_OK);
	assert_int_equal(db_bind_int(a, 1, 2), ERR_OK);
	assert_int_equal(db_step(a), DB_ROW);
	assert_int_equal(db_col_int(a, 0), 2);
	db_finalize(a); /* half-read: must come back reset */
	assert_int_equal(db_prepare(d, Q_ROWS, &b), ERR_OK);
	assert_ptr_equal(a, b);
	assert_int_equal(db_bind_int(b, 1, 1), ERR_OK);
	assert_int_equal(db_step(b), DB_ROW);
	assert_int_equal(db_col_int(b, 0), 1);

	/* in use: a second prepare of the text gets another statement */
	assert_int_equal(db_prepare(d, Q_ROWS, &a), ERR_OK);
	assert_ptr_not_equal(a, b);
	assert_int_equal(db_bind_int(a, 1, 3), ERR_OK);
	assert_int_equal(db_step(a), DB_ROW);
	assert_int_equal(db_col_int(a, 0), 3);
	assert_int_equal(db_step(b), DB_ROW);
	assert_int_equal(db_col_int(b, 0), 2);
	db_finalize(a);
	db_finalize(b);

	/* one buffer, two texts: each answers its own */
	char buf[128];
	snprintf(buf, sizeof buf, "SELECT max(a) FROM cache_t");
	assert_int_equal(first(d, buf, 0, 0), 3);
	snprintf(buf, sizeof buf, "SELECT min(a) FROM cache_t");
	assert_int_equal(first(d, buf, 0, 0), 1);
	assert_int_equal(first(d, buf, 0, 0), 1);

	/* many texts: past the cache's size statements are simply not kept */
	char texts[100][64];
	for (int i = 0; i < 100; i++) {
		snprintf(texts[i], sizeof texts[i], "SELECT a + %d FROM cache_t ORDER BY a", i);
		assert_int_equal(first(d, texts[i], 0, 0), 1 + i);
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(first(d, texts[i], 0, 0), 1 + i);

	/* another connection changes the table under a cached statement */
	assert_int_equal(first(d, Q_ALL, 0, 0), 1);
	assert_int_equal(db_open(target, DB_OPEN_EXISTING, &other, errbuf), ERR_OK);
	assert_int_equal(db_exec_simple(other, "ALTER TABLE cache_t ADD COLUMN b BIGINT"), ERR_OK);
	assert_int_equal(db_exec_simple(other, "UPDATE cache_t SET b = a * 10"), ERR_OK);
	db_close(other);
	assert_int_equal(db_prepare(d, Q_ALL, &a), ERR_OK);
	assert_int_equal(db_step(a), DB_ROW);
	assert_int_equal(db_col_count(a), 2);
	assert_int_equal(db_col_int(a, 1), 10);
	db_finalize(a);

	db_close(d); /* frees the cached statements (ASan: no leak) */
	tu_rmtree(dir);
	free(target);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(cache)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
