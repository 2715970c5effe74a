/*
 * test_rekey.c - key rotation (FLE-09) with the real binary: every value
 * moves to the new key and reads back the same; a rotation killed at random
 * moments finishes when run again; re-importing the same rows afterwards
 * changes nothing.  TU_BOTH_ENGINES.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include "testutil.h"

struct fixture {
	char *dir, *db, *key, *before;
};

static char cmd[8192];

static const char *db_args(const struct fixture *f)
{
	static char args[4200];
	snprintf(args, sizeof args, "--db '%s' --key '%s'", f->db, f->key);
	return args;
}

static void assert_same_export(const struct fixture *f, const char *name)
{
	char *after = tu_export_sealed(f->db, f->key, f->dir, name);
	tu_assert_same_export(f->dir, f->before, after);
	free(after);
}

/* `haven key status` lists exactly one key id, the current one. */
static void assert_single_key(const struct fixture *f, const char *current)
{
	char *out = NULL, want[64];
	snprintf(cmd, sizeof cmd, "'%s' key status %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	snprintf(want, sizeof want, "(current: %s)", current);
	assert_non_null(strstr(out, want));
	assert_null(strstr(strstr(out, "  key ") + 1, "  key ")); /* one line */
	free(out);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->dir = tu_tempdir();
	f->db = tu_new_database(f->dir);
	f->key = tu_path(f->dir, "k.key");
	snprintf(cmd, sizeof cmd, "'%s' demo %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
	f->before = tu_export_sealed(f->db, f->key, f->dir, "before");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->db);
	free(f->key);
	free(f->before);
	free(f);
	return 0;
}

static void test_rotate_keeps_every_value(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	snprintf(cmd, sizeof cmd, "'%s' key rotate %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "Added key 2"));
	free(out);
	assert_single_key(f, "2");
	assert_same_export(f, "after");
	/* the same rows imported again are unchanged: digests moved too */
	snprintf(cmd, sizeof cmd, "'%s' import %s --export-key '%s/recipient.key' '%s'", HAVEN_BIN,
		 db_args(f), f->dir, f->before);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	assert_non_null(strstr(out, "persons 0 added, 0 updated"));
	assert_non_null(strstr(out, "services 0 added, 0 updated"));
	assert_non_null(strstr(out, "referrals 0 added, 0 updated"));
	free(out);
	snprintf(cmd, sizeof cmd, "'%s' audit verify %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

/* Starts `haven key rotate` and kills it with SIGKILL after `usec`. */
static void kill_rotation_after(const struct fixture *f, useconds_t usec)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		snprintf(cmd, sizeof cmd, "exec '%s' key rotate %s >/dev/null 2>&1", HAVEN_BIN,
			 db_args(f));
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	usleep(usec);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_killed_rotation_finishes(void **state)
{
	struct fixture *f = *state;
	char *out = NULL;
	for (int round = 0; round < 6; round++)
		kill_rotation_after(f, 5000 + randombytes_uniform(150000));
	snprintf(cmd, sizeof cmd, "'%s' key rotate %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	free(out);
	/* every value readable, all on the newest key the file holds */
	snprintf(cmd, sizeof cmd, "grep -c '^key ' '%s'", f->key);
	assert_int_equal(tu_run(cmd, &out, NULL), 0);
	out[strcspn(out, "\n")] = '\0';
	assert_single_key(f, out);
	free(out);
	assert_same_export(f, "after-kills");
	snprintf(cmd, sizeof cmd, "'%s' audit verify %s", HAVEN_BIN, db_args(f));
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

int main(void)
{
	/* TU_BOTH_ENGINES */
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_rotate_keeps_every_value),
		T(test_killed_rotation_finishes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
