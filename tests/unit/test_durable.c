/*
 * test_durable.c - files outside the database survive a crash whole
 * (REL-18): durable_replace itself, and, watched with strace, the order of
 * system calls by which `haven report --out` and `haven init` put their
 * files in place: the new file synced before it takes the name, the
 * directory synced after.  Whatever moment a crash or power cut strikes,
 * the name then holds the old file or the whole new one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"
#include "util/durable.h"

static void test_replace(void **state)
{
	(void)state;
	char *dir = tu_tempdir(), *path = tu_path(dir, "f.txt"), *tmp = tu_path(dir, "f.txt.tmp");
	tu_write_file(path, "old\n");
	tu_write_file(tmp, "new\n");
	assert_int_equal(durable_replace(tmp, path), ERR_OK);
	char *text = tu_read_file(path, NULL);
	assert_string_equal(text, "new\n");
	free(text);
	assert_int_not_equal(access(tmp, F_OK), 0);
	/* nothing to put in place: an error, and the file as it was */
	assert_int_equal(durable_replace(tmp, path), ERR_IO);
	text = tu_read_file(path, NULL);
	assert_string_equal(text, "new\n");
	free(text);
	assert_int_equal(durable_sync_parent("no-directory/at/all"), ERR_IO);
	free(tmp);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* ---- the order of system calls, from strace -------------------------------- */

#define EVENTS_MAX 4096
#define FDS_MAX 1024

enum kind { SYNC, MOVE };

struct event {
	enum kind kind;
	char from[1024], to[1024]; /* SYNC: from only */
};

struct trace {
	struct event ev[EVENTS_MAX];
	size_t n;
	char fd_path[FDS_MAX][1024];
};

/* The n-th quoted string of the line ("" when there is none). */
static void quoted(const char *line, int n, char *out, size_t len)
{
	const char *p = line;
	*out = '\0';
	for (int i = 0; i <= n; i++) {
		if (!(p = strchr(p, '"')))
			return;
		const char *end = strchr(++p, '"');
		if (!end)
			return;
		if (i == n)
			snprintf(out, len, "%.*s", (int)(end - p), p);
		p = end + 1;
	}
}

static void read_trace(const char *log, struct trace *t)
{
	FILE *f = fopen(log, "r");
	char line[4096];
	assert_non_null(f);
	t->n = 0;
	memset(t->fd_path, 0, sizeof t->fd_path);
	while (fgets(line, sizeof line, f) && t->n < EVENTS_MAX) {
		const char *call = strchr(line, ' '); /* after the pid */
		const char *eq = strrchr(line, '='); /* the result, after padding */
		if (!call || !eq)
			continue;
		call += strspn(call, " ");
		int result = atoi(eq + 1), fd;
		struct event *e = &t->ev[t->n];
		if (strncmp(call, "openat(", 7) == 0 && result >= 0 && result < FDS_MAX) {
			quoted(call, 0, t->fd_path[result], sizeof t->fd_path[0]);
		} else if ((sscanf(call, "fsync(%d)", &fd) == 1 || sscanf(call, "fdatasync(%d)", &fd) == 1) &&
			   result == 0 && fd >= 0 && fd < FDS_MAX) {
			e->kind = SYNC;
			memcpy(e->from, t->fd_path[fd], sizeof e->from);
			t->n++;
		} else if ((strncmp(call, "rename", 6) == 0 || strncmp(call, "link", 4) == 0) &&
			   result == 0) {
			e->kind = MOVE;
			quoted(call, 0, e->from, sizeof e->from);
			quoted(call, 1, e->to, sizeof e->to);
			t->n++;
		}
	}
	fclose(f);
}

/* The index of the first event of `kind` on `from` (and `to`) at or after
 * `start`; -1 when none. */
static long find(const struct trace *t, size_t start, enum kind kind, const char *from,
		 const char *to)
{
	for (size_t i = start; i < t->n; i++)
		if (t->ev[i].kind == kind && strcmp(t->ev[i].from, from) == 0 &&
		    (!to || strcmp(t->ev[i].to, to) == 0))
			return (long)i;
	return -1;
}

/* `tmp` synced, then moved to `path`, then `dir` synced. */
static void assert_durable_move(const struct trace *t, const char *tmp, const char *path,
				const char *dir)
{
	long synced = find(t, 0, SYNC, tmp, NULL);
	long moved = find(t, 0, MOVE, tmp, path);
	if (moved < 0)
		fail_msg("%s never became %s", tmp, path);
	if (synced < 0 || synced > moved)
		fail_msg("%s took the name %s before it was synced", tmp, path);
	if (find(t, (size_t)moved + 1, SYNC, dir, NULL) < 0)
		fail_msg("%s was not synced after %s took its name", dir, path);
}

static void traced(const char *dir, const char *log, const char *args)
{
	char cmd[4096];
	/* LeakSanitizer cannot stop the world under ptrace: in the ASan build
	 * the traced haven would fail at exit for that alone */
	snprintf(cmd, sizeof cmd,
		 "ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" strace -f -o '%s' "
		 "-e trace=openat,fsync,fdatasync,rename,renameat,renameat2,link,linkat '%s' %s",
		 log, HAVEN_BIN, args);
	if (tu_run(cmd, NULL, NULL) != 0)
		fail_msg("failed under strace (is it installed? scripts/install-deps.sh): %s", cmd);
	(void)dir;
}

static void test_files_put_in_place(void **state)
{
	(void)state;
	static struct trace t;
	char *dir = tu_tempdir(), *db = tu_path(dir, "h.db"), *key = tu_path(dir, "h.key");
	char *log = tu_path(dir, "strace.log"), *out = tu_path(dir, "r.csv");
	char *key_tmp = tu_path(dir, "h.key.tmp"), *out_tmp = tu_path(dir, "r.csv.tmp");
	char args[3000];

	snprintf(args, sizeof args, "init --db '%s' --key '%s' >/dev/null", db, key);
	traced(dir, log, args);
	read_trace(log, &t);
	assert_durable_move(&t, key_tmp, key, dir); /* the key file: linked, never replaced */

	/* a report written twice: the second replaces the first */
	for (int i = 0; i < 2; i++) {
		snprintf(args, sizeof args, "report --db '%s' --key '%s' --year 2024 --format csv --out '%s'",
			 db, key, out);
		traced(dir, log, args);
		read_trace(log, &t);
		assert_durable_move(&t, out_tmp, out, dir);
	}
	free(key_tmp);
	free(out_tmp);
	free(out);
	free(log);
	free(key);
	free(db);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_files_put_in_place),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
