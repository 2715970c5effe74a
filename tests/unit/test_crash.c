/*
 * test_crash.c - kill -9 torture (REL-01, AUD-12): writers record every
 * service the real `haven serve` acknowledged (201), the server is killed
 * with SIGKILL at a random moment, and every acknowledged write must be in
 * the database afterwards, which must pass SQLite's integrity check and
 * whose audit chain must verify.  20 rounds, each killed at another moment.
 * TU_BOTH_ENGINES.
 *
 * REL-15 (a history, both engines): writers append services and readers read
 * the record while the server is stopped and continued (SIGSTOP, SIGCONT)
 * and killed and restarted.  Every answer is the right one, 503 (busy: try
 * again), or none (the server stopped or gone), never another failure; a
 * read shows every service acknowledged before it was asked, each once, and
 * a reader never sees fewer services than it saw before.
 *
 * REL-07 (SQLite): after a kill, the first open, which recovers the WAL,
 * meets I/O errors (the fault VFS: the n-th read, write or sync fails, once
 * or from then on), for n = 1, 2, ... each on the database as the kill left
 * it; once the faults stop, every guarantee above holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>

#include <sodium.h>

#include "core/audit.h"
#include "faultvfs.h"
#include "http_client.h"
#include "serve_proc.h"

#define ROUNDS 20
#define WRITERS 4
#define ACKED_MAX 100000
#define SERVICE_BODY "{\"service\":\"social_assistance\",\"provider\":\"mia_ctd\",\"date\":\"2024-05-01\"}"

struct torture {
	struct hf f;
	struct hc client;
	pid_t server;
	unsigned port;
	pthread_mutex_t lock;
	char (*acked)[64];
	size_t nacked;
	atomic_int stop; /* set by the main thread, read by the writers */
	atomic_int reads; /* readers' answers checked (the history test) */
	char failure[256]; /* a thread's first finding, under lock; "" when none */
};

/* Records what a writer or reader thread found (cmocka's asserts belong to
 * the test's own thread), and stops the others; the test fails on it. */
static void found(struct torture *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void found(struct torture *t, const char *fmt, ...)
{
	va_list ap;
	pthread_mutex_lock(&t->lock);
	if (!t->failure[0]) {
		va_start(ap, fmt);
		vsnprintf(t->failure, sizeof t->failure, fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&t->lock);
	t->stop = 1;
}

/* One POST; 0 when the server could not be reached (killed). */
static long post_service(struct torture *t, char *id, size_t idlen)
{
	struct hc_response r;
	long status = sp_request(&t->client, "POST", "/api/v1/persons/P-CRASH/services", SERVICE_BODY,
				 &r);
	const char *ref = status == 201 ? json_string_value(json_object_get(r.json, "id")) : NULL;
	snprintf(id, idlen, "%s", ref ? ref : "");
	hc_free(&r);
	return status;
}

static void *writer(void *arg)
{
	struct torture *t = arg;
	char id[64];
	while (!t->stop) {
		long s = post_service(t, id, sizeof id);
		if (s == 0)
			break; /* the server is gone */
		if (s != 201 && s != 503)
			found(t, "a write was answered %ld", s);
		if (s != 201)
			continue; /* refused, e.g. 503 while busy: not acknowledged */
		pthread_mutex_lock(&t->lock);
		if (t->nacked < ACKED_MAX)
			snprintf(t->acked[t->nacked++], 64, "%s", id);
		pthread_mutex_unlock(&t->lock);
	}
	return NULL;
}

static err_t note_ref(const struct service *s, void *ctx)
{
	json_t *set = ctx;
	json_object_set_new(set, s->ref, json_true());
	return ERR_OK;
}

/* Every acknowledged service is stored; the database and its chain are whole. */
static void check_after_crash(struct torture *t)
{
	struct audit_verdict v;
	json_t *stored = json_object();
	registry *r = hf_registry(&t->f);
	assert_int_equal(registry_each_service(r, "P-CRASH", note_ref, stored), ERR_OK);
	for (size_t i = 0; i < t->nacked; i++)
		if (!json_object_get(stored, t->acked[i]))
			fail_msg("acknowledged service %s was lost", t->acked[i]);
	if (db_dialect_of(registry_db(r)) == DB_SQLITE) {
		db_stmt *st;
		assert_int_equal(db_prepare(registry_db(r), "PRAGMA integrity_check", &st), ERR_OK);
		assert_int_equal(db_step(st), DB_ROW);
		assert_string_equal(db_col_text(st, 0), "ok");
		db_finalize(st);
	}
	assert_int_equal(audit_verify(registry_db(r), &v), ERR_OK);
	if (v.first_bad)
		fail_msg("audit chain broken at %lld: %s", (long long)v.first_bad, v.reason);
	registry_close(r);
	json_decref(stored);
}

static void seed(struct torture *t)
{
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	struct registry_paths p = {t->f.dbpath, t->f.keypath};
	assert_int_equal(registry_init(&p, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&p, &r, errbuf), ERR_OK);
	hf_seed_victim(&t->f, r, "P-CRASH");
	registry_close(r);
}

static void torture_init(struct torture *t)
{
	t->f.dir = tu_tempdir();
	t->f.dbpath = tu_new_database(t->f.dir);
	t->f.keypath = tu_path(t->f.dir, "c.key");
	t->acked = calloc(ACKED_MAX, sizeof *t->acked);
	pthread_mutex_init(&t->lock, NULL);
	seed(t);
}

static void torture_free(struct torture *t)
{
	tu_rmtree(t->f.dir);
	free(t->f.dir);
	free(t->f.dbpath);
	free(t->f.keypath);
	free(t->acked);
}

static void *reader(void *arg);

/* Starts the server and, against it, the writers and `readers` readers
 * (th holds WRITERS + readers); signs in on the first phase only: the
 * session lives in the database, across restarts. */
static void phase_start(struct torture *t, int first, int readers, pthread_t *th)
{
	t->port = sp_free_port();
	t->server = sp_start(t->f.dbpath, t->f.keypath, t->port);
	if (first)
		sp_sign_in(&t->client, t->port, &t->f.acc[0]);
	snprintf(t->client.base, sizeof t->client.base, "http://127.0.0.1:%u", t->port);
	t->stop = 0;
	for (int i = 0; i < WRITERS + readers; i++)
		pthread_create(&th[i], NULL, i < WRITERS ? writer : reader, t);
}

/* Stops the server with `sig`, then the threads; fails on what they found. */
static void phase_end(struct torture *t, int sig, pthread_t *th, int readers)
{
	sp_stop(t->server, sig);
	t->stop = 1;
	for (int i = 0; i < WRITERS + readers; i++)
		pthread_join(th[i], NULL);
	if (t->failure[0])
		fail_msg("%s", t->failure);
}

/* Serves with writers writing, and kills the server at a random moment. */
static void write_and_kill(struct torture *t, int round)
{
	pthread_t th[WRITERS];
	phase_start(t, round == 0, 0, th);
	usleep(50000 + randombytes_uniform(400000));
	phase_end(t, SIGKILL, th, 0);
}

static void test_kill_9_loses_no_acknowledged_write(void **state)
{
	(void)state;
	struct torture t = {0};
	torture_init(&t);
	for (int round = 0; round < ROUNDS; round++) {
		write_and_kill(&t, round);
		check_after_crash(&t);
	}
	print_message("%d kills, %zu acknowledged writes checked, none lost\n", ROUNDS, t.nacked);
	assert_true(t.nacked > ROUNDS); /* the writers really wrote */
	torture_free(&t);
}

/* One read: every service acknowledged before it was asked is shown, each
 * once, and never fewer than this reader saw before (*seen). */
static void read_once(struct torture *t, size_t *seen)
{
	struct hc_response r;
	pthread_mutex_lock(&t->lock);
	size_t before = t->nacked; /* acknowledged before the request left */
	pthread_mutex_unlock(&t->lock);
	long status = sp_request(&t->client, "GET", "/api/v1/persons/P-CRASH", NULL, &r);
	if (status == 200) {
		json_t *shown = json_object(), *list = json_object_get(r.json, "services"), *v;
		size_t i;
		json_array_foreach(list, i, v) {
			const char *id = json_string_value(json_object_get(v, "id"));
			if (!id || json_object_get(shown, id))
				found(t, "service %s shown twice or without its id", id ? id : "?");
			else
				json_object_set_new(shown, id, json_true());
		}
		for (i = 0; i < before; i++)
			if (!json_object_get(shown, t->acked[i]))
				found(t, "acknowledged service %s not shown", t->acked[i]);
		if (json_array_size(list) < *seen)
			found(t, "a read showed %zu services after one showed %zu",
			      json_array_size(list), *seen);
		*seen = json_array_size(list);
		json_decref(shown);
		atomic_fetch_add(&t->reads, 1);
	} else if (status != 0 && status != 503) {
		found(t, "a read was answered %ld", status);
	}
	hc_free(&r);
}

static void *reader(void *arg)
{
	struct torture *t = arg;
	size_t seen = 0;
	while (!t->stop)
		read_once(t, &seen);
	return NULL;
}

static void test_history_under_stops_and_kills(void **state)
{
	enum { READERS = 2, PHASES = 4 };
	struct torture t = {0};
	pthread_t th[WRITERS + READERS];
	(void)state;
	torture_init(&t);
	for (int phase = 0; phase < PHASES; phase++) {
		phase_start(&t, phase == 0, READERS, th);
		for (int pause = 0; pause < 2; pause++) {
			usleep(100000 + randombytes_uniform(200000));
			kill(t.server, SIGSTOP); /* a stalled process: requests wait */
			usleep(200000 + randombytes_uniform(300000));
			kill(t.server, SIGCONT);
		}
		usleep(100000 + randombytes_uniform(200000));
		/* every other phase ends in a kill, the others in a clean stop */
		phase_end(&t, phase % 2 ? SIGKILL : SIGTERM, th, READERS);
		check_after_crash(&t);
	}
	print_message("%d phases, %zu acknowledged writes, %d reads checked\n", PHASES, t.nacked,
		      atomic_load(&t.reads));
	assert_true(t.nacked > 0 && atomic_load(&t.reads) > 0);
	torture_free(&t);
}

/* The files as the kill left them, copied aside (`back` 0) or put back,
 * without the shared-memory index, so that the next open recovers the WAL
 * from the file as after a reboot. */
static void crashed_files(struct torture *t, int back)
{
	char cmd[8192];
	const char *path = t->f.dbpath, *dir = t->f.dir;
	if (back)
		snprintf(cmd, sizeof cmd,
			 "cp '%s/crashed.db' '%s' && cp '%s/crashed.db-wal' '%s-wal' && rm -f '%s-shm'",
			 dir, path, dir, path, path);
	else
		snprintf(cmd, sizeof cmd, "cp '%s' '%s/crashed.db' && cp '%s-wal' '%s/crashed.db-wal'",
			 path, dir, path, dir);
	assert_int_equal(tu_run(cmd, NULL, NULL), 0);
}

/* The first open after the kill, with the n-th `op` failing; 1 when the
 * fault came. */
static int faulty_first_open(struct torture *t, enum fault_op op, int n, int persistent, int rc)
{
	char errbuf[ERRBUF_MAX];
	struct registry_paths p = {t->f.dbpath, t->f.keypath};
	registry *r = NULL;
	json_t *stored = json_object();
	crashed_files(t, 1);
	fault_at(op, n, persistent, rc);
	if (registry_open(&p, &r, errbuf) == ERR_OK)
		(void)registry_each_service(r, "P-CRASH", note_ref, stored); /* reads the pages */
	registry_close(r);
	pthread_mutex_lock(&fault_lock);
	int fired = fault.fired;
	pthread_mutex_unlock(&fault_lock);
	faults_off();
	json_decref(stored);
	return fired;
}

static void test_kill_9_then_faulty_recovery(void **state)
{
	static const struct {
		enum fault_op op;
		int persistent, rc;
	} faults[] = {
		{OP_READ, 0, SQLITE_IOERR_READ},
		{OP_READ, 1, SQLITE_IOERR_READ},
		{OP_WRITE, 1, SQLITE_IOERR_WRITE},
		{OP_SYNC, 1, SQLITE_IOERR_FSYNC},
	};
	struct torture t = {0};
	int points = 0;
	(void)state;
	if (tu_engine_is_postgres())
		skip(); /* the fault VFS is SQLite's */
	torture_init(&t);
	write_and_kill(&t, 0);
	crashed_files(&t, 0);
	for (size_t k = 0; k < sizeof faults / sizeof faults[0]; k++) {
		/* every operation among the first 40, every 7th after (CI's time) */
		for (int n = 1; n < 500; n += n < 40 ? 1 : 7, points++) {
			int fired = faulty_first_open(&t, faults[k].op, n, faults[k].persistent,
						      faults[k].rc);
			check_after_crash(&t); /* the faults have stopped */
			if (!fired)
				break; /* the open needed fewer operations than n */
		}
	}
	print_message("%d faulty recoveries after a kill, %zu acknowledged writes kept\n", points,
		      t.nacked);
	assert_true(t.nacked > 0 && points > 0);
	torture_free(&t);
}

int main(void)
{
	/* TU_BOTH_ENGINES */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_9_loses_no_acknowledged_write),
		cmocka_unit_test(test_history_under_stops_and_kills),
		cmocka_unit_test(test_kill_9_then_faulty_recovery),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* the fault VFS only passes calls on until a test arms it */
	return cmocka_run_group_tests(tests, fv_install, NULL);
}
