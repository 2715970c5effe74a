/*
 * test_oom.c - running out of memory (REL-06): the n-th allocation fails,
 * once or from then on, for n over the allocations the operation makes.
 *
 * Two places fail.  SQLite's allocations, through a wrapper installed with
 * sqlite3_config(SQLITE_CONFIG_MALLOC) before SQLite starts; and Haven's own,
 * through the linker's --wrap of malloc, calloc, realloc, strdup and strndup
 * for this executable (CMakeLists.txt), which reaches every call in
 * haven_core and no library's.  A first run counts the operation's
 * allocations; then each is failed in turn (at most POINTS_TRIED of them,
 * spread evenly, unless HAVEN_OOM_EVERY is set).  Under each, a real import
 * (the write path) and the 2024 report (the read path) must fail with
 * ERR_NOMEM, never crash, and never blame the data ("invalid input"), the
 * disk ("input/output error"), the key or the database file for it.  A
 * failed import leaves the database exactly as it was; an import or a report
 * that gets through anyway (SQLite does without some blocks) must be exactly
 * the one made with nothing failing.  The ASan build runs this test too, so
 * LeakSanitizer catches what an error path forgets to free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "core/registry.h"
#include "report/report.h"
#include "failalloc.h"
#include "testutil.h"

/* ---- the database under test ------------------------------------------------ */

static const char BASE_PERSONS[] =
	"id,status,given_name,family_name,sex,birth_date,citizenship,identified_on,"
	"identification_source,recognized_on,exploitation\n"
	"P-1,victim,Aygün,Həsənova,female,1990,AZE,2024-01-05,police,2024-01-20,sexual\n"
	"P-2,potential_victim,Nərmin,Quliyeva,female,2001,AZE,2024-02-05,hotline,,labour\n"
	"P-3,victim,Elvin,Məmmədov,male,1985,AZE,2023-06-01,police,2023-07-01,labour\n";
static const char NEW_ROWS[] =
	"id,person_id,service,provider,date,amount,note\n"
	"S-1,P-1,one_time_allowance,ssa_assistance_center,2024-02-01,700,\n"
	"S-2,P-1,shelter,mia_shelter,2024-02-02,,Sığınacaq\n"
	"S-3,P-2,financial_assistance,mia_support_fund,2024-03-01,57.50,\n";

struct fixture {
	char *dir, *db, *key, *new_csv, *before, *after, *imported, *pristine, *report;
	struct registry_paths paths;
	struct report_def *def;
};

/* The report of 2024 as plain text, or NULL when it failed; the armed
 * failure is disarmed before the text is read back, *fired telling whether
 * it came. */
static char *report_text(struct fixture *f, err_t *e, int *fired)
{
	char errbuf[ERRBUF_MAX];
	struct report *rep = NULL;
	char *text = NULL;
	size_t len = 0;
	registry *r = NULL;
	FILE *out = fopen(f->report, "w");
	assert_non_null(out);
	*e = registry_open(&f->paths, &r, errbuf);
	if (*e == ERR_OK)
		*e = report_compute(registry_db(r), f->def, 2024, &rep, errbuf);
	if (*e == ERR_OK)
		*e = report_render_text(rep, REPORT_EN, out, NULL, errbuf);
	report_free(rep);
	registry_close(r);
	*fired = oom_fired();
	oom_off();
	assert_int_equal(fclose(out), 0);
	if (*e == ERR_OK)
		text = tu_read_file(f->report, &len);
	return text;
}

/* The database file as it is (closed, its WAL folded in), and back. */
static void save_pristine(struct fixture *f)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s'", f->db, f->pristine);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

static void restore_pristine(struct fixture *f)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "cp '%s' '%s' && rm -f '%s-wal' '%s-shm'", f->pristine, f->db,
		 f->db, f->db);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	char *base = NULL;
	f->dir = tu_tempdir();
	f->db = tu_path(f->dir, "f.db");
	f->key = tu_path(f->dir, "f.key");
	base = tu_path(f->dir, "base.csv");
	f->new_csv = tu_path(f->dir, "new.csv");
	f->before = tu_path(f->dir, "before");
	f->after = tu_path(f->dir, "after");
	f->imported = tu_path(f->dir, "imported");
	f->pristine = tu_path(f->dir, "pristine.db");
	f->report = tu_path(f->dir, "report.txt");
	f->paths = (struct registry_paths){f->db, f->key};
	tu_write_file(base, BASE_PERSONS);
	tu_write_file(f->new_csv, NEW_ROWS);
	assert_int_equal(registry_init(&f->paths, "AZE", errbuf), ERR_OK);
	assert_int_equal(tu_import(f->db, f->key, base), ERR_OK);
	free(base);
	assert_int_equal(report_def_load(NULL, &f->def, errbuf), ERR_OK);
	assert_int_equal(mkdir(f->before, 0700), 0);
	assert_int_equal(mkdir(f->imported, 0700), 0);
	tu_export_into(f->db, f->key, f->before);
	/* what the import makes when nothing fails, then the database back */
	save_pristine(f);
	assert_int_equal(tu_import(f->db, f->key, f->new_csv), ERR_OK);
	tu_export_into(f->db, f->key, f->imported);
	restore_pristine(f);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	oom_off();
	report_def_free(f->def);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f->new_csv);
	free(f->before);
	free(f->after);
	free(f->imported);
	free(f->pristine);
	free(f->report);
	free(f);
	return 0;
}

/* ---- the loops ---------------------------------------------------------------- */

/* The import with the n-th allocation at `site` failing; *fired tells
 * whether it did. */
static err_t import_with_oom(struct fixture *f, enum oom_site site, long n, int persistent,
			     int *fired)
{
	oom_at(site, n, persistent);
	err_t e = tu_import(f->db, f->key, f->new_csv);
	*fired = oom_fired();
	oom_off();
	return e;
}

static void import_loop(void **state, enum oom_site site, int persistent)
{
	struct fixture *f = *state;
	int fired;
	/* a first run, nothing failing, counts the allocations */
	assert_int_equal(import_with_oom(f, site, LONG_MAX, 0, &fired), ERR_OK);
	long total = oom_used(), tried = points_tried(total);
	assert_false(fired);
	assert_true(total > 0);
	restore_pristine(f);
	for (long i = 0; i < tried; i++) {
		long n = point(i, tried, total);
		err_t e = import_with_oom(f, site, n, persistent, &fired);
		if (e == ERR_OK) { /* whole, though SQLite may have done without a block */
			tu_assert_holds(f->db, f->key, f->imported, f->after);
			restore_pristine(f);
			continue;
		}
		if (e != ERR_NOMEM)
			fail_msg("allocation %ld failed: %s, not out of memory", n, err_str(e));
		tu_assert_holds(f->db, f->key, f->before, f->after);
	}
	print_message("%ld of %ld allocations failed in turn\n", tried, total);
}

static void report_loop(void **state, enum oom_site site, int persistent)
{
	struct fixture *f = *state;
	err_t e;
	int fired;
	oom_at(site, LONG_MAX, 0);
	char *want = report_text(f, &e, &fired), *got = NULL;
	long total = oom_used(), tried = points_tried(total);
	assert_int_equal(e, ERR_OK);
	assert_true(total > 0);
	for (long i = 0; i < tried; i++) {
		long n = point(i, tried, total);
		oom_at(site, n, persistent);
		got = report_text(f, &e, &fired);
		if (e == ERR_OK && strcmp(got, want) != 0)
			fail_msg("allocation %ld failed and a different report came out", n);
		if (e != ERR_OK && e != ERR_NOMEM)
			fail_msg("allocation %ld failed: %s, not out of memory", n, err_str(e));
		free(got);
	}
	free(want);
	print_message("%ld of %ld allocations failed in turn\n", tried, total);
}

static void test_import_sqlite_once(void **state) { import_loop(state, SITE_SQLITE, 0); }
static void test_import_sqlite_persistent(void **state) { import_loop(state, SITE_SQLITE, 1); }
static void test_import_app_once(void **state) { import_loop(state, SITE_APP, 0); }
static void test_import_app_persistent(void **state) { import_loop(state, SITE_APP, 1); }
static void test_report_sqlite_once(void **state) { report_loop(state, SITE_SQLITE, 0); }
static void test_report_app_once(void **state) { report_loop(state, SITE_APP, 0); }
static void test_report_app_persistent(void **state) { report_loop(state, SITE_APP, 1); }

int main(void)
{
	if (fa_install() != 0) {
		fputs("test_oom: SQLite refused the failing allocator\n", stderr);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_import_sqlite_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_sqlite_persistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_app_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_import_app_persistent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_sqlite_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_app_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_report_app_persistent, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
