/*
 * test_two_servers.c - two `haven serve` processes on one database (issue 7):
 * a session started on one is valid on the other, a referral accepted
 * through one shows at once through the other, and concurrent writers
 * through both lose and duplicate nothing.  TU_BOTH_ENGINES: PostgreSQL is
 * the deployment this is for; SQLite in WAL mode allows it on one machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>

#include "core/audit.h"
#include "http_client.h"
#include "serve_proc.h"
#include "util/date.h"

#define WRITES_EACH 40
#define SERVICE_BODY "{\"service\":\"social_assistance\",\"provider\":\"mia_ctd\",\"date\":\"2024-07-01\"}"

struct writer_arg {
	struct hc client;
	int acked;
};

static void seed(struct hf *f)
{
	char errbuf[ERRBUF_MAX];
	enum put_outcome o;
	registry *r = NULL;
	struct registry_paths p = {f->dbpath, f->keypath};
	struct person victim = {.ref = "P-TWO", .status = "victim", .given_name = "Nərmin",
				.family_name = "Quliyeva", .sex = "female",
				.identified_on = 1704067200, .identification_source = "police",
				.recognized_on = 1704153600, .decided_on = DATE_NONE};
	assert_int_equal(registry_init(&p, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&p, &r, errbuf), ERR_OK);
	hf_add(f, r, "officer1", "mia_ctd", "officer");
	hf_add(f, r, "center1", "ssa_assistance_center", "caseworker");
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, &victim, 0, &o), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
	registry_close(r);
}

static void *writer(void *arg)
{
	struct writer_arg *w = arg;
	for (int i = 0; i < WRITES_EACH; i++) {
		struct hc_response r;
		if (sp_request(&w->client, "POST", "/api/v1/persons/P-TWO/services", SERVICE_BODY, &r) ==
		    201)
			w->acked++;
		hc_free(&r);
	}
	return NULL;
}

static err_t count_services(const struct service *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
	return ERR_OK;
}

/* The same client (cookie and CSRF token) pointed at another server. */
static struct hc at(const struct hc *c, unsigned port)
{
	struct hc other = *c;
	snprintf(other.base, sizeof other.base, "http://127.0.0.1:%u", port);
	return other;
}

static void test_two_servers_one_database(void **state)
{
	(void)state;
	struct hf f = {0};
	struct hc officer_a, officer_b, center_b;
	struct hc_response r;
	struct writer_arg w[4];
	pthread_t th[4];
	char path[128], ref[64];
	unsigned pa = sp_free_port(), pb;
	int stored = 0, acked = 0;
	pid_t a, b;

	f.dir = tu_tempdir();
	f.dbpath = tu_new_database(f.dir);
	f.keypath = tu_path(f.dir, "two.key");
	seed(&f);
	a = sp_start(f.dbpath, f.keypath, pa);
	pb = sp_free_port();
	b = sp_start(f.dbpath, f.keypath, pb);

	/* a session started on A is valid on B */
	sp_sign_in(&officer_a, pa, hf_account(&f, "officer1"));
	officer_b = at(&officer_a, pb);
	assert_int_equal(sp_request(&officer_b, "GET", "/api/v1/session", NULL, &r), 200);
	hc_free(&r);

	/* a referral made through A is in the inbox through B, accepted there,
	 * and shows as accepted through A at once */
	assert_int_equal(sp_request(&officer_a, "POST", "/api/v1/referrals",
				    "{\"person_id\":\"P-TWO\",\"to\":\"ssa_assistance_center\","
				    "\"purpose\":\"psychological_support\",\"date\":\"2024-06-01\",\"consent\":true}",
				    &r),
			 201);
	snprintf(ref, sizeof ref, "%s", json_string_value(json_object_get(r.json, "id")));
	hc_free(&r);
	sp_sign_in(&center_b, pb, hf_account(&f, "center1"));
	assert_int_equal(sp_request(&center_b, "GET", "/api/v1/referrals?status=sent", NULL, &r), 200);
	assert_non_null(strstr(r.body, ref));
	hc_free(&r);
	snprintf(path, sizeof path, "/api/v1/referrals/%s", ref);
	assert_int_equal(sp_request(&center_b, "PATCH", path, "{\"status\":\"accepted\"}", &r), 200);
	hc_free(&r);
	assert_int_equal(sp_request(&officer_a, "GET", "/api/v1/persons/P-TWO", NULL, &r), 200);
	assert_non_null(strstr(r.body, ref));
	assert_non_null(strstr(r.body, "\"accepted\""));
	hc_free(&r);

	/* concurrent writers through both servers */
	for (int i = 0; i < 4; i++) {
		w[i].client = at(&officer_a, i % 2 ? pb : pa);
		w[i].acked = 0;
		pthread_create(&th[i], NULL, writer, &w[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		acked += w[i].acked;
	}
	sp_stop(a, SIGTERM);
	sp_stop(b, SIGTERM);
	assert_int_equal(acked, 4 * WRITES_EACH);
	registry *reg = hf_registry(&f);
	assert_int_equal(registry_each_service(reg, "P-TWO", count_services, &stored), ERR_OK);
	assert_int_equal(stored, acked); /* none lost, none doubled */
	struct audit_verdict v;
	assert_int_equal(audit_verify(registry_db(reg), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(reg);
	tu_rmtree(f.dir);
	free(f.dir);
	free(f.dbpath);
	free(f.keypath);
}

int main(void)
{
	/* TU_BOTH_ENGINES */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_servers_one_database),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
