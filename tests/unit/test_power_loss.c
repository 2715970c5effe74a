/*
 * test_power_loss.c - the power cut at many points of a run of audit
 * appends (REL-03, AUD-12).
 *
 * A SQLite VFS shim (powerloss.h) logs each file's writes since its last
 * sync.  At crash point k it drops a random subset of them, tears the last
 * one kept, and fails every write from then on; the test then closes,
 * "reboots" (disarms the shim) and reopens, first with the real "unix" VFS
 * for SQLite's integrity check, then through the registry.  Every
 * acknowledged audit entry must be there, at most one more (committed to the
 * disk but not yet acknowledged), whole and in order, and the chain must
 * verify.  The workload opens the registry, appends 40 entries, each a
 * transaction of its own, checkpoints the WAL into the database file after
 * the 20th, and closes (which checkpoints again): crash points cover the
 * WAL, the database file and the close.
 *
 * A control run with synchronous=OFF, whose commits are never synced, must
 * lose something: otherwise the checker could not see a loss at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "core/audit.h"
#include "core/registry.h"
#include "powerloss.h"
#include "testutil.h"

#define RECORDS 40
#define CHECKPOINT_AFTER 20
#define SPREAD 80      /* crash points spread over the whole run */
#define POINTS_MAX 120 /* with the checkpoint's and the close's writes */

/* Where the power fails in each trial (write k[t], seed t). */
struct plan {
	int w; /* writes of a whole run */
	int n;
	int k[POINTS_MAX];
};

/* Where in the workload the power failed. */
enum phase { PH_NONE, PH_OPEN, PH_RECORD, PH_CHECKPOINT, PH_CLOSE, PH_COUNT };
static const char *const phase_name[PH_COUNT] = {"none", "open", "record", "checkpoint",
						 "close"};

struct store {
	char *dir, *db, *key;
	struct registry_paths paths;
};

/* What a run of the workload did. */
struct run {
	int acked;         /* audit_record calls that returned ERR_OK */
	enum phase failed; /* where the crash hit, PH_NONE when it did not */
	/* pl_writes() when the checkpoint began and ended, and the close began */
	int checkpoint_from, checkpoint_to, close_from;
};

/* What the store held after the reboot; why is "" when that is right. */
struct verdict {
	int64_t entries, first_bad, ours;
	int lost; /* fewer of the workload's entries than were acknowledged */
	char why[ERRBUF_MAX + 64];
};

/* Audit entries registry_init writes itself, learned in the dry run. */
static int64_t base_entries;

static void store_make(struct store *s)
{
	char errbuf[ERRBUF_MAX] = "";
	s->dir = tu_tempdir();
	s->db = tu_path(s->dir, "p.db");
	s->key = tu_path(s->dir, "p.key");
	s->paths = (struct registry_paths){s->db, s->key};
	if (registry_init(&s->paths, "AZE", errbuf) != ERR_OK)
		fail_msg("cannot create %s: %s", s->db, errbuf);
}

static void store_drop(struct store *s)
{
	tu_rmtree(s->dir);
	free(s->dir);
	free(s->db);
	free(s->key);
}

/* Turns off the syncs of commits (the control), and checks it took. */
static void sync_off(db *d)
{
	db_stmt *st = NULL;
	if (db_exec_simple(d, "PRAGMA synchronous=OFF") != ERR_OK)
		fail_msg("cannot set synchronous=OFF: %s", db_errmsg(d));
	assert_int_equal(db_prepare(d, "PRAGMA synchronous", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 0);
	db_finalize(st);
}

/* Copies the WAL into the database file and empties it, so that the file
 * itself is written, and crashed in, too. */
static err_t checkpoint(db *d, struct run *run)
{
	run->checkpoint_from = pl_writes();
	err_t e = db_exec_simple(d, "PRAGMA wal_checkpoint(TRUNCATE)");
	run->checkpoint_to = pl_writes();
	if (e != ERR_OK)
		run->failed = PH_CHECKPOINT;
	return e;
}

/* The appends and the checkpoint, up to the first failure. */
static void appends(db *d, struct run *run)
{
	for (int i = 1; i <= RECORDS; i++) {
		if (tu_audit_read(d, i) != ERR_OK) {
			run->failed = PH_RECORD;
			return;
		}
		run->acked++;
		if (i == CHECKPOINT_AFTER && checkpoint(d, run) != ERR_OK)
			return;
	}
}

/* Opens, appends, closes; stops at the first failure. */
static void workload(struct store *s, int unsynced, struct run *run)
{
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	*run = (struct run){.failed = PH_NONE};
	if (registry_open(&s->paths, &r, errbuf) != ERR_OK) {
		run->failed = PH_OPEN;
		return;
	}
	if (unsynced)
		sync_off(registry_db(r));
	appends(registry_db(r), run);
	int before = pl_crashed();
	run->close_from = pl_writes();
	registry_close(r); /* after a crash its errors are expected */
	if (pl_crashed() && !before)
		run->failed = PH_CLOSE;
}

/* Writes why the store is wrong, unless an earlier check said so. */
__attribute__((format(printf, 2, 3))) static void why(struct verdict *v, const char *fmt, ...)
{
	va_list ap;
	if (v->why[0])
		return;
	va_start(ap, fmt);
	vsnprintf(v->why, sizeof v->why, fmt, ap);
	va_end(ap);
}

/* SQLite's own check, on the first open after the reboot, with the real
 * VFS: it replays what it finds of the WAL. */
static void integrity(struct store *s, struct verdict *v)
{
	sqlite3 *c = NULL;
	sqlite3_stmt *st = NULL;
	const char *got = NULL;
	if (sqlite3_open_v2(s->db, &c, SQLITE_OPEN_READWRITE, "unix") == SQLITE_OK &&
	    sqlite3_prepare_v2(c, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		got = (const char *)sqlite3_column_text(st, 0);
	if (got && strncmp(got, "*** ", 4) == 0 && strchr(got, '\n'))
		got = strchr(got, '\n') + 1; /* past "*** in database main ***" */
	if (!got || strcmp(got, "ok") != 0) /* its first problem says enough */
		why(v, "integrity_check: %.*s", got ? (int)strcspn(got, "\n") : 200,
		    got ? got : sqlite3_errmsg(c));
	sqlite3_finalize(st);
	sqlite3_close(c);
}

/* The workload's entries, after registry_init's own, are P-1, P-2, ... in
 * sequence order: no entry half there, none out of place. */
static void in_order(db *d, struct verdict *v)
{
	db_stmt *st = NULL;
	char want[32];
	int64_t n = 0;
	int rc;
	assert_int_equal(db_prepare(d, "SELECT object_ref FROM audit_log ORDER BY seq", &st), ERR_OK);
	while ((rc = db_step(st)) == DB_ROW) {
		const char *ref = db_col_text(st, 0);
		if (++n <= base_entries)
			continue;
		snprintf(want, sizeof want, "P-%" PRId64, n - base_entries);
		if (!ref || strcmp(ref, want) != 0)
			why(v, "entry %" PRId64 " is %s, not %s", n, ref ? ref : "NULL", want);
	}
	if (rc != DB_DONE)
		why(v, "reading the log: %s", db_errmsg(d));
	db_finalize(st);
}

/* The chain holds, with every acknowledged entry and at most one more. */
static void counts(db *d, const struct run *run, struct verdict *v)
{
	struct audit_verdict av;
	if (audit_verify(d, &av) != ERR_OK) {
		why(v, "audit_verify: %s", db_errmsg(d));
		return;
	}
	v->entries = av.entries;
	v->first_bad = av.first_bad;
	v->ours = av.entries - base_entries;
	v->lost = v->ours < run->acked;
	if (av.first_bad)
		why(v, "chain broken at %" PRId64 ": %s", av.first_bad, av.reason);
	if (v->lost || v->ours > run->acked + 1)
		why(v, "%" PRId64 " entries for %d acknowledged", v->ours, run->acked);
}

/* Through the registry, as Haven itself opens the store after the reboot. */
static void chain(struct store *s, const struct run *run, struct verdict *v)
{
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	if (registry_open(&s->paths, &r, errbuf) != ERR_OK) {
		why(v, "reopen: %s", errbuf);
		return;
	}
	counts(registry_db(r), run, v);
	in_order(registry_db(r), v);
	registry_close(r);
}

/* After the reboot: "" in v->why when the store is what it must be. */
static void judge(struct store *s, const struct run *run, struct verdict *v)
{
	*v = (struct verdict){.first_bad = 0};
	integrity(s, v);
	/* A damaged file has failed already; what the chain walk would read
	 * from it is REL-08's business (test_corrupt). */
	if (!v->why[0])
		chain(s, run, v);
}

/* Crash point s of n spread over w writes: one in each n-th of the range,
 * somewhere in it. */
static int spread_point(int s, int n, int w)
{
	unsigned h = (unsigned)s * 2654435761u;
	h ^= h >> 15;
	return 1 + (int)(((int64_t)s * w + (int64_t)(h % (unsigned)w)) / n);
}

/* Audit entries in a fresh store before the workload writes any. */
static int64_t entries_at_start(struct store *s)
{
	char errbuf[ERRBUF_MAX];
	struct audit_verdict av;
	registry *r = NULL;
	if (registry_open(&s->paths, &r, errbuf) != ERR_OK)
		fail_msg("%s", errbuf);
	assert_int_equal(audit_verify(registry_db(r), &av), ERR_OK);
	registry_close(r);
	return av.entries;
}

/* The crash points: SPREAD of them over the whole run, then every write of
 * the checkpoint and of the close, which are too few for a spread to be
 * sure to hit. */
static void plan_points(struct plan *p, const struct run *dry)
{
	p->n = 0;
	for (int s = 0; s < SPREAD; s++)
		p->k[p->n++] = spread_point(s, SPREAD, p->w);
	for (int i = dry->checkpoint_from + 1; i <= dry->checkpoint_to && p->n < POINTS_MAX; i++)
		p->k[p->n++] = i;
	for (int i = dry->close_from + 1; i <= p->w && p->n < POINTS_MAX; i++)
		p->k[p->n++] = i;
}

/* A whole run without a crash, checked: how many writes it makes, where,
 * and so where to crash; sets base_entries. */
static void dry_run(int unsynced, struct plan *plan)
{
	struct store s;
	struct run run;
	struct verdict v;
	store_make(&s);
	base_entries = entries_at_start(&s);
	pl_disarm();
	workload(&s, unsynced, &run);
	plan->w = pl_writes();
	assert_false(pl_crashed());
	assert_int_equal(run.acked, RECORDS);
	judge(&s, &run, &v);
	if (v.why[0])
		fail_msg("dry run: %s", v.why);
	store_drop(&s);
	assert_true(plan->w > RECORDS);
	assert_true(run.checkpoint_to > run.checkpoint_from); /* the database file is written */
	plan_points(plan, &run);
	print_message("dry run: %d writes (checkpoint %d..%d, close %d..%d), %" PRId64
		      " entries before the workload\n",
		      plan->w, run.checkpoint_from + 1, run.checkpoint_to, run.close_from + 1,
		      plan->w, base_entries);
}

/* One trial: a fresh store, the power cut at write k. */
static void trial(int k, unsigned seed, int unsynced, struct run *run, struct verdict *v)
{
	struct store s;
	store_make(&s);
	pl_disarm();
	pl_arm(k, seed);
	workload(&s, unsynced, run);
	int crashed = pl_crashed();
	pl_disarm(); /* the reboot */
	judge(&s, run, v);
	if (crashed != (run->failed != PH_NONE))
		why(v, "%s", crashed ? "crashed, yet nothing failed" : "failed without a crash");
	store_drop(&s);
}

static void print_phases(const int per[PH_COUNT])
{
	for (int p = 0; p < PH_COUNT; p++)
		print_message("  crashed in %-10s %d\n", phase_name[p], per[p]);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_synced_commits_survive(void **state)
{
	(void)state;
	struct timespec t0;
	struct plan plan;
	int per[PH_COUNT] = {0}, extra = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dry_run(0, &plan);
	for (int t = 0; t < plan.n; t++) {
		struct run run;
		struct verdict v;
		trial(plan.k[t], (unsigned)t, 0, &run, &v);
		if (v.why[0])
			fail_msg("crash at write %d of %d, seed %d (in %s): %s; acked %d, entries "
				 "%" PRId64 " (%" PRId64 " of the workload), first_bad %" PRId64,
				 plan.k[t], plan.w, t, phase_name[run.failed], v.why, run.acked,
				 v.entries, v.ours, v.first_bad);
		per[run.failed]++;
		extra += v.ours > run.acked;
	}
	print_message("%d trials, %d crashed mid-transaction (in an audit_record), %d kept a "
		      "commit not yet acknowledged (%.1f s)\n",
		      plan.n, per[PH_RECORD], extra, seconds_since(&t0));
	print_phases(per);
}

/* The checker has teeth: without syncs the same crashes lose entries or
 * break the file. */
static void test_control_unsynced_loses(void **state)
{
	(void)state;
	struct timespec t0;
	struct plan plan;
	int per[PH_COUNT] = {0}, lost = 0, broken = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	dry_run(1, &plan);
	for (int t = 0; t < plan.n; t++) {
		struct run run;
		struct verdict v;
		trial(plan.k[t], (unsigned)t, 1, &run, &v);
		per[run.failed]++;
		if (!v.why[0])
			continue;
		if (lost + broken < 5 || (!v.lost && broken < 3))
			print_message("  e.g. write %d, seed %d (in %s): %s\n", plan.k[t], t,
				      phase_name[run.failed], v.why);
		lost += v.lost;
		broken += !v.lost;
	}
	print_message("control (synchronous=OFF): %d of %d trials failed the check: %d lost "
		      "acknowledged entries, %d more left a damaged file or chain (%.1f s)\n",
		      lost + broken, plan.n, lost, broken, seconds_since(&t0));
	print_phases(per);
	assert_true(lost + broken > 0);
}

static int install(void **state)
{
	(void)state;
	return pl_install();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synced_commits_survive),
		cmocka_unit_test(test_control_unsynced_loses),
	};
	return cmocka_run_group_tests(tests, install, NULL);
}
