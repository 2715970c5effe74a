/*
 * test_pg_dropped.c - PostgreSQL connections cut under a running server
 * (issue 7): every server connection is terminated (pg_terminate_backend)
 * while writers keep writing; a request that meets the cut gets a clear
 * error, the next ones are served on fresh connections, and exactly the
 * acknowledged writes are stored, with their audit entries.  Needs the
 * throwaway cluster ($HAVEN_TEST_PG): run through scripts/run-tests.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>

#include "core/audit.h"
#include "http_client.h"
#include "serve_proc.h"
#include "util/date.h"

#define ROUNDS 5
#define WRITERS 3
#define SERVICE_BODY "{\"service\":\"social_assistance\",\"provider\":\"mia_ctd\",\"date\":\"2024-08-01\"}"

struct shared {
	struct hc client;
	atomic_int stop; /* set by the main thread, read by the writers */
	int acked, failed, other;
	pthread_mutex_t lock;
};

static void *writer(void *arg)
{
	struct shared *s = arg;
	while (!s->stop) {
		struct hc_response r;
		long st = sp_request(&s->client, "POST", "/api/v1/persons/P-CUT/services", SERVICE_BODY, &r);
		int clear = st >= 500 && r.body && strstr(r.body, "\"title\"");
		pthread_mutex_lock(&s->lock);
		if (st == 201)
			s->acked++;
		else if (clear)
			s->failed++; /* a problem+json answer: the cut, told clearly */
		else
			s->other++;
		pthread_mutex_unlock(&s->lock);
		hc_free(&r);
	}
	return NULL;
}

static err_t count(const struct service *sv, void *ctx)
{
	(void)sv;
	(*(int *)ctx)++;
	return ERR_OK;
}

static void terminate_server_connections(const char *dbname)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "psql -q -h '%s' -U postgres -d %s -c \"SELECT count(pg_terminate_backend(pid)) FROM "
		 "pg_stat_activity WHERE datname = '%s' AND pid <> pg_backend_pid()\" >/dev/null",
		 getenv("HAVEN_TEST_PG"), dbname, dbname);
	assert_int_equal(system(cmd), 0);
}

static void test_cut_connections(void **state)
{
	(void)state;
	struct hf f = {0};
	struct shared s = {0};
	pthread_t th[WRITERS];
	char errbuf[ERRBUF_MAX], dbname[64];
	enum put_outcome o;
	registry *r = NULL;
	unsigned port = sp_free_port();
	int stored = 0;
	if (!getenv("HAVEN_TEST_PG"))
		fail_msg("HAVEN_TEST_PG is not set: run the tests through scripts/run-tests.sh");
	setenv("HAVEN_TEST_ENGINE", "postgres", 1);
	f.dir = tu_tempdir();
	f.dbpath = tu_new_database(f.dir);
	f.keypath = tu_path(f.dir, "cut.key");
	sscanf(f.dbpath, "postgresql:///%63[^?]", dbname);
	struct registry_paths p = {f.dbpath, f.keypath};
	struct person victim = {.ref = "P-CUT", .status = "victim", .given_name = "Aygün",
				.family_name = "Məmmədova", .sex = "female", .identified_on = 1704067200,
				.identification_source = "police", .recognized_on = 1704153600,
				.decided_on = DATE_NONE};
	assert_int_equal(registry_init(&p, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&p, &r, errbuf), ERR_OK);
	hf_add(&f, r, "officer1", "mia_ctd", "officer");
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, &victim, 0, &o), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	registry_close(r);

	pid_t server = sp_start(f.dbpath, f.keypath, port);
	sp_sign_in(&s.client, port, &f.acc[0]);
	pthread_mutex_init(&s.lock, NULL);
	for (int i = 0; i < WRITERS; i++)
		pthread_create(&th[i], NULL, writer, &s);
	for (int round = 0; round < ROUNDS; round++) {
		usleep(150000);
		terminate_server_connections(dbname);
	}
	usleep(300000);
	s.stop = 1;
	for (int i = 0; i < WRITERS; i++)
		pthread_join(th[i], NULL);
	/* after the cuts, the server serves again */
	struct hc_response resp;
	assert_int_equal(sp_request(&s.client, "GET", "/api/v1/persons/P-CUT", NULL, &resp), 200);
	hc_free(&resp);
	sp_stop(server, SIGTERM);
	print_message("%d writes acknowledged, %d refused with a clear error across %d cuts\n",
		      s.acked, s.failed, ROUNDS);
	assert_int_equal(s.other, 0);
	assert_true(s.acked > 0);

	r = hf_registry(&f);
	assert_int_equal(registry_each_service(r, "P-CUT", count, &stored), ERR_OK);
	assert_int_equal(stored, s.acked); /* nothing half-written, nothing lost */
	struct audit_verdict v;
	assert_int_equal(audit_verify(registry_db(r), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(r);
	tu_rmtree(f.dir);
	free(f.dir);
	free(f.dbpath);
	free(f.keypath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_connections),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
