/*
 * test_server_oom.c - the server running out of memory (REL-06): while the
 * n-th allocation of the server's threads fails (SQLite's or Haven's, once
 * or from then on: failalloc.h), a signed-in read of a record and a new
 * service each get their right answer or a 5xx, or at worst a closed
 * connection (when the request's own state cannot be made); never a crash,
 * never a 4xx blaming the client, never a record shown without its audit
 * entry, never a half-stored write.  A write whose answer fails after it
 * committed is stored whole, with its audit entry.  Afterwards the server
 * serves as before and the audit chain holds.  The test client's own
 * allocations (this thread's) never fail.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/audit.h"
#include "failalloc.h"
#include "http_client.h"

#define PERSON "/api/v1/persons/P-OOM"
#define SERVICES PERSON "/services"
#define SERVICE_BODY \
	"{\"service\":\"social_assistance\",\"provider\":\"mia_ctd\",\"date\":\"2024-09-01\"}"

static void seed(struct hf *f, registry *r) { hf_seed_victim(f, r, "P-OOM"); }

static int audit_entries(struct hf *f)
{
	struct audit_verdict v;
	registry *reg = hf_registry(f);
	assert_int_equal(audit_verify(registry_db(reg), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(reg);
	return (int)v.entries;
}

/* A failed answer: a 5xx that shows nothing of the person (a problem, or
 * no body when even that could not be made), or no answer at all (the
 * connection closed when the request's own state could not be). */
static void assert_refused(const struct hc_response *r, long n)
{
	if (r->status == 0)
		return;
	if (r->status < 500)
		fail_msg("allocation %ld failed and the answer was %ld", n, r->status);
	if (r->body)
		assert_null(strstr(r->body, "Aygün"));
}

/* One request with the n-th allocation of the server's threads failing;
 * what the request would answer with nothing failing is `ok`. */
static void try_request(struct hf *f, struct hc *c, enum oom_site site, long n, int persistent,
			const char *method, const char *path, const char *body, long ok)
{
	struct hc_response r;
	int before = hf_services(f, "P-OOM"), entries = audit_entries(f);
	oom_arm(site, n, persistent, 1);
	(void)hc_try_send(c, method, path, body, NULL, &r); /* no answer: status 0 */
	oom_off();
	if (r.status == ok) {
		if (body) /* stored whole: the service and its audit entry */
			assert_int_equal(hf_services(f, "P-OOM"), before + 1);
		else /* shown only once its audit entry is there */
			assert_non_null(strstr(r.body, "Aygün"));
		assert_true(audit_entries(f) > entries);
	} else {
		assert_refused(&r, n);
		int stored = hf_services(f, "P-OOM") - before;
		assert_true(stored == 0 || stored == 1);
		if (stored) /* it committed whole, then its answer could not be made */
			assert_true(audit_entries(f) > entries);
	}
	hc_free(&r);
}

/* Counts the allocations of one request, then fails each in turn. */
static void loop(enum oom_site site, int persistent, const char *method, const char *path,
		 const char *body, long ok)
{
	struct hf *f = hf_start(seed, 0);
	struct hc c;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "officer1")), 200);
	oom_arm(site, LONG_MAX, 0, 1);
	assert_int_equal(hc_status(&c, method, path, body), ok);
	oom_off();
	long total = oom_used(), tried = points_tried(total);
	assert_true(total > 0);
	for (long i = 0; i < tried; i++)
		try_request(f, &c, site, point(i, tried, total), persistent, method, path, body, ok);
	/* and then it serves as before */
	assert_int_equal(hc_status(&c, "GET", "/healthz", NULL), 200);
	assert_int_equal(hc_status(&c, method, path, body), ok);
	audit_entries(f);
	print_message("%ld of %ld allocations failed in turn\n", tried, total);
	hf_stop(f);
}

static void test_read_sqlite(void **state)
{
	(void)state;
	loop(SITE_SQLITE, 0, "GET", PERSON, NULL, 200);
}
static void test_read_app(void **state)
{
	(void)state;
	loop(SITE_APP, 0, "GET", PERSON, NULL, 200);
}
static void test_read_app_persistent(void **state)
{
	(void)state;
	loop(SITE_APP, 1, "GET", PERSON, NULL, 200);
}
static void test_write_sqlite(void **state)
{
	(void)state;
	loop(SITE_SQLITE, 0, "POST", SERVICES, SERVICE_BODY, 201);
}
static void test_write_app(void **state)
{
	(void)state;
	loop(SITE_APP, 0, "POST", SERVICES, SERVICE_BODY, 201);
}
static void test_write_app_persistent(void **state)
{
	(void)state;
	loop(SITE_APP, 1, "POST", SERVICES, SERVICE_BODY, 201);
}

static int disarm(void **state)
{
	(void)state;
	oom_off(); /* a failed test must not leave the next one failing */
	return 0;
}

int main(void)
{
	if (fa_install() != 0) {
		fputs("test_server_oom: SQLite refused the failing allocator\n", stderr);
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_read_sqlite, disarm),
		cmocka_unit_test_teardown(test_read_app, disarm),
		cmocka_unit_test_teardown(test_read_app_persistent, disarm),
		cmocka_unit_test_teardown(test_write_sqlite, disarm),
		cmocka_unit_test_teardown(test_write_app, disarm),
		cmocka_unit_test_teardown(test_write_app_persistent, disarm),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
