/*
 * test_auditqueue.c - the queue that commits the reads' audit entries (issue
 * 4: reads do not hold a worker through a sync).  TU_BOTH_ENGINES: run on
 * SQLite and on PostgreSQL.  Threads submit tickets at once; each is told
 * once, every entry is in the chain as it was when copied, the chain holds;
 * the writer waits for the write turn; a ticket after the stop fails at once.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/auditqueue.h"
#include "core/registry.h"
#include "testutil.h"

#define THREADS 8
#define TICKETS 40 /* per thread */

struct fixture {
	struct tu_store st; /* st.r: the queue's own connection */
	registry *check_reg;
	writeturn *turn;
	auditqueue *q;
};

/* A submitted ticket and what became of it. */
struct told {
	struct audit_ticket t;
	sem_t done;
	atomic_int calls;
	err_t result;
};

static void on_done(struct audit_ticket *t, err_t result, void *arg)
{
	struct told *k = arg;
	k->result = t == &k->t ? result : ERR_INVALID; /* no cmocka assert off the main thread */
	atomic_fetch_add(&k->calls, 1);
	sem_post(&k->done);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	tu_store_open(&f->st);
	struct registry_paths p = {f->st.db, f->st.key};
	char errbuf[ERRBUF_MAX];
	assert_int_equal(registry_open(&p, &f->check_reg, errbuf), ERR_OK); /* a reader of its own */
	assert_int_equal(writeturn_new(&f->turn), ERR_OK);
	assert_int_equal(auditqueue_start(registry_db(f->st.r), f->turn, &f->q), ERR_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	auditqueue_free(f->q);
	writeturn_free(f->turn);
	registry_close(f->check_reg);
	tu_store_close(&f->st);
	free(f);
	return 0;
}

static int64_t count_where(registry *r, const char *sql, const char *arg)
{
	db_stmt *st;
	assert_int_equal(db_prepare(registry_db(r), sql, &st), ERR_OK);
	if (arg)
		assert_int_equal(db_bind_text(st, 1, arg), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	int64_t n = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

/* Fills a ticket with 1..3 entries whose strings are then overwritten: the
 * ticket must have copied them.  ERR_INVALID if the count is wrong. */
static err_t fill(struct told *k, int thread, int i)
{
	char ref[3][32], actor[32];
	struct audit_entry e[3];
	size_t n = (size_t)(i % 3) + 1;
	snprintf(actor, sizeof actor, "reader%d", thread);
	for (size_t j = 0; j < n; j++) {
		snprintf(ref[j], sizeof ref[j], "P-%d-%d-%zu", thread, i, j);
		e[j] = (struct audit_entry){.actor = actor, .agency = "mia_ctd", .role = "officer",
					    .action = "person.read", .object_type = "person",
					    .object_ref = ref[j], .request_id = "q", .outcome = "ok"};
	}
	err_t err = audit_ticket_add(&k->t, e, n);
	memset(ref, 'x', sizeof ref);
	memset(actor, 'x', sizeof actor - 1);
	return err == ERR_OK && k->t.n != n ? ERR_INVALID : err;
}

/* A ticket of one reader (1-3 entries), ready to submit. */
static void told_start(struct told *k, int thread, int i)
{
	memset(k, 0, sizeof *k);
	sem_init(&k->done, 0, 0);
	assert_int_equal(fill(k, thread, i), ERR_OK);
}

static void told_end(struct told *k)
{
	audit_ticket_clear(&k->t);
	sem_destroy(&k->done);
}

struct submitter {
	auditqueue *q;
	int thread;
	struct told *told; /* TICKETS of them */
};

static void *submit_all(void *arg)
{
	struct submitter *s = arg;
	for (int i = 0; i < TICKETS; i++) {
		struct told *k = &s->told[i];
		sem_init(&k->done, 0, 0);
		if (fill(k, s->thread, i) != ERR_OK)
			on_done(&k->t, ERR_NOMEM, k); /* seen as a failed ticket below */
		else
			auditqueue_submit(s->q, &k->t, on_done, k);
	}
	return NULL;
}

static void test_every_entry_commits_once(void **state)
{
	struct fixture *f = *state;
	static struct told told[THREADS][TICKETS];
	struct submitter s[THREADS];
	pthread_t th[THREADS];
	int64_t expected = 0;
	memset(told, 0, sizeof told);
	for (int i = 0; i < THREADS; i++) {
		s[i] = (struct submitter){f->q, i, told[i]};
		assert_int_equal(pthread_create(&th[i], NULL, submit_all, &s[i]), 0);
	}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < TICKETS; j++) {
			struct told *k = &told[i][j];
			while (sem_wait(&k->done) != 0)
				;
			assert_int_equal(k->result, ERR_OK);
			expected += (int64_t)k->t.n;
			audit_ticket_clear(&k->t);
			assert_int_equal(k->t.n, 0);
			sem_destroy(&k->done);
		}
	usleep(10000); /* no second call comes late */
	for (int i = 0; i < THREADS; i++)
		for (int j = 0; j < TICKETS; j++)
			assert_int_equal(atomic_load(&told[i][j].calls), 1);

	registry *r = f->check_reg;
	assert_int_equal(count_where(r, "SELECT count(*) FROM audit_log WHERE request_id = 'q' "
					"AND object_ref LIKE 'P-%' AND actor LIKE 'reader%'", NULL),
			 expected);
	assert_int_equal(count_where(r, "SELECT count(*) FROM audit_log WHERE object_ref = $1",
				     "P-3-7-1"), 1);
	struct audit_verdict v;
	assert_int_equal(audit_verify(registry_db(r), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	assert_int_equal(v.entries, expected);

	uint64_t commits, entries;
	auditqueue_stats(f->q, &commits, &entries);
	assert_int_equal(entries, (uint64_t)expected);
	assert_true(commits >= 1 && commits <= THREADS * TICKETS);
}

/* The writer writes in the write turn: while another thread holds it, no
 * ticket is told; once given back, the ticket commits. */
static void test_writer_waits_for_the_turn(void **state)
{
	struct fixture *f = *state;
	static struct told k;
	assert_int_equal(writeturn_take(f->turn), ERR_OK);
	told_start(&k, 0, 0);
	auditqueue_submit(f->q, &k.t, on_done, &k);
	usleep(100000);
	assert_int_equal(atomic_load(&k.calls), 0);
	writeturn_give(f->turn);
	while (sem_wait(&k.done) != 0)
		;
	assert_int_equal(k.result, ERR_OK);
	assert_int_equal(count_where(f->check_reg,
				     "SELECT count(*) FROM audit_log WHERE object_ref = $1", "P-0-0-0"),
			 1);
	told_end(&k);
}

/* After the stop, a ticket is refused at once, on the caller's thread, and
 * nothing of it is written. */
static void test_after_stop_refused_at_once(void **state)
{
	struct fixture *f = *state;
	static struct told k;
	auditqueue_stop(f->q);
	told_start(&k, 9, 1);
	auditqueue_submit(f->q, &k.t, on_done, &k);
	assert_int_equal(atomic_load(&k.calls), 1);
	assert_int_equal(k.result, ERR_IO);
	assert_int_equal(count_where(f->check_reg,
				     "SELECT count(*) FROM audit_log WHERE actor = $1", "reader9"),
			 0);
	told_end(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_every_entry_commits_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_writer_waits_for_the_turn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_after_stop_refused_at_once, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
