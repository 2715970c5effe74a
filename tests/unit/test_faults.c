/*
 * test_faults.c - I/O faults (REL-04, REL-05) and what they leave behind.
 *
 * A SQLite VFS shim over the real "unix" VFS fails the n-th write, read or
 * sync with SQLITE_IOERR or SQLITE_FULL, once or from then on; the test loops
 * n = 1, 2, ... over a real import until the import succeeds.  After every
 * failed attempt the database must be exactly as before (the same export,
 * integrity_check ok, the audit chain intact), and after the fault clears
 * the same import must succeed.  Then a real disk-full on a small tmpfs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "core/registry.h"
#include "faultvfs.h"
#include "testutil.h"

/* ---- the database under test ------------------------------------------------ */

static const char BASE_PERSONS[] =
	"id,status,given_name,family_name,sex,identified_on,identification_source,recognized_on\n"
	"P-1,victim,Aygün,Həsənova,female,2024-01-05,police,2024-01-20\n"
	"P-2,potential_victim,Nərmin,Quliyeva,female,2024-02-05,hotline,\n";
static const char NEW_ROWS[] =
	"id,person_id,service,provider,date,amount,note\n"
	"S-1,P-1,one_time_allowance,ssa_assistance_center,2024-02-01,700,\n"
	"S-2,P-1,shelter,mia_shelter,2024-02-02,,Sığınacaq\n"
	"S-3,P-2,financial_assistance,mia_support_fund,2024-03-01,57.50,\n";

struct fixture {
	char *dir, *db, *key, *base_csv, *new_csv, *before, *after;
	struct registry_paths paths;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	f->dir = tu_tempdir();
	f->db = tu_path(f->dir, "f.db");
	f->key = tu_path(f->dir, "f.key");
	f->base_csv = tu_path(f->dir, "base.csv");
	f->new_csv = tu_path(f->dir, "new.csv");
	f->before = tu_path(f->dir, "before");
	f->after = tu_path(f->dir, "after");
	f->paths = (struct registry_paths){f->db, f->key};
	tu_write_file(f->base_csv, BASE_PERSONS);
	tu_write_file(f->new_csv, NEW_ROWS);
	assert_int_equal(registry_init(&f->paths, "AZE", errbuf), ERR_OK);
	assert_int_equal(tu_import(f->db, f->key, f->base_csv), ERR_OK);
	assert_int_equal(mkdir(f->before, 0700), 0);
	tu_export_into(f->db, f->key, f->before);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	faults_off();
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f->base_csv);
	free(f->new_csv);
	free(f->before);
	free(f->after);
	free(f);
	return 0;
}

/* Tries the import with the fault armed; returns its result. */
static err_t import_with_fault(struct fixture *f, enum fault_op op, int n, int persistent, int rc)
{
	fault_at(op, n, persistent, rc);
	err_t e = tu_import(f->db, f->key, f->new_csv);
	faults_off();
	return e;
}

/* Loops the fault point forward until the import gets through. */
static void fault_loop(void **state, enum fault_op op, int persistent, int rc)
{
	struct fixture *f = *state;
	int n;
	for (n = 1; n < 2000; n++) {
		if (import_with_fault(f, op, n, persistent, rc) == ERR_OK)
			break; /* the fault came too late to matter, or never came */
		tu_assert_holds(f->db, f->key, f->before, f->after);
	}
	tu_assert_holds(f->db, f->key, NULL, NULL);
	assert_true(n > 1); /* the import did meet the fault at least once */
	assert_true(n < 2000);
	/* with the fault gone, the same import goes through */
	assert_int_equal(import_with_fault(f, OP_NONE, 0, 0, 0), ERR_OK);
	print_message("%d fault points injected\n", n - 1);
}

static void test_write_ioerr_once(void **state)
{
	fault_loop(state, OP_WRITE, 0, SQLITE_IOERR_WRITE);
}
static void test_write_ioerr_persistent(void **state)
{
	fault_loop(state, OP_WRITE, 1, SQLITE_IOERR_WRITE);
}
static void test_disk_full_persistent(void **state)
{
	fault_loop(state, OP_WRITE, 1, SQLITE_FULL);
}
static void test_read_error_once(void **state)
{
	fault_loop(state, OP_READ, 0, SQLITE_IOERR_READ);
}
static void test_sync_error_persistent(void **state)
{
	fault_loop(state, OP_SYNC, 1, SQLITE_IOERR_FSYNC);
}

/* REL-05: a real full disk (a 512 KiB tmpfs; needs root, as CI has).  The
 * mount is undone in the teardown, which cmocka runs after a failed assert
 * too: a failure must not leave a tmpfs mounted under /tmp. */
struct small_disk {
	char *dir, *mnt, *csv;
	int mounted;
};

static int disk_setup(void **state)
{
	struct small_disk *s = calloc(1, sizeof *s);
	s->dir = tu_tempdir();
	s->mnt = tu_path(s->dir, "small");
	s->csv = tu_path(s->dir, "csv");
	*state = s;
	return 0;
}

static int disk_teardown(void **state)
{
	struct small_disk *s = *state;
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "umount '%s'", s->mnt);
	if (s->mounted && system(cmd) != 0)
		fprintf(stderr, "test_faults: could not unmount %s\n", s->mnt);
	tu_rmtree(s->dir);
	free(s->dir);
	free(s->mnt);
	free(s->csv);
	free(s);
	return 0;
}

static void test_real_disk_full(void **state)
{
	struct small_disk *s = *state;
	const char *dir = s->dir, *mnt = s->mnt, *csv = s->csv;
	char cmd[8192], *err = NULL, *out = NULL;
	if (geteuid() != 0)
		skip(); /* mounting needs root: CI runs as root */
	assert_int_equal(mkdir(mnt, 0700), 0);
	assert_int_equal(mkdir(csv, 0700), 0);
	snprintf(cmd, sizeof cmd, "mount -t tmpfs -o size=512k tmpfs '%s'", mnt);
	assert_int_equal(system(cmd), 0);
	s->mounted = 1;
	snprintf(cmd, sizeof cmd,
		 "'%s' init --db '%s/h.db' && '%s' demo --db '%s/demo.db' --key '%s/demo.key' "
		 ">/dev/null",
		 HAVEN_BIN, mnt, HAVEN_BIN, dir, dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	char *demo = tu_path(dir, "demo.db"), *demo_key = tu_path(dir, "demo.key");
	char *sealed = tu_export_sealed(demo, demo_key, csv, "demo.sealed");
	free(demo);
	free(demo_key);
	/* the demo's thousands of rows do not fit: refused, nothing half-written */
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s/h.db' --export-key '%s/recipient.key' '%s'",
		 HAVEN_BIN, mnt, csv, sealed);
	assert_int_equal(tu_run(cmd, NULL, &err), 1);
	assert_non_null(strstr(err, "full"));
	free(err);
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/h.db' 'PRAGMA integrity_check; SELECT count(*) FROM persons'",
		 mnt);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_string_equal(out, "ok\n0\n");
	free(out);
	/* space comes back: the same import goes through */
	snprintf(cmd, sizeof cmd, "mount -o remount,size=64m '%s'", mnt);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "'%s' import --db '%s/h.db' --export-key '%s/recipient.key' '%s' && "
				  "'%s' audit verify --db '%s/h.db'",
		 HAVEN_BIN, mnt, csv, sealed, HAVEN_BIN, mnt);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	free(sealed);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_write_ioerr_once),   T(test_write_ioerr_persistent), T(test_disk_full_persistent),
		T(test_read_error_once),    T(test_sync_error_persistent),
		cmocka_unit_test_setup_teardown(test_real_disk_full, disk_setup, disk_teardown),
	};
	return cmocka_run_group_tests(tests, fv_install, NULL);
}
