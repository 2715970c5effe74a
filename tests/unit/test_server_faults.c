/*
 * test_server_faults.c - the server under a failing disk (REL-04, REL-05):
 * while every write fails (SQLITE_FULL or an I/O error, through the fault
 * VFS), a write request gets a clear 5xx and writes nothing, a read whose
 * audit entry cannot be written shows nothing (5xx), /healthz is answered, and once the fault clears the same request
 * succeeds; the database stays whole and its audit chain holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/audit.h"
#include "faultvfs.h"
#include "http_client.h"

#define SERVICE_BODY "{\"service\":\"social_assistance\",\"provider\":\"mia_ctd\",\"date\":\"2024-09-01\"}"

static void seed(struct hf *f, registry *r) { hf_seed_victim(f, r, "P-DISK"); }

static void run(int rc)
{
	struct hf *f = hf_start(seed, 0);
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "officer1")), 200);

	fault_at(OP_WRITE, 1, 1, rc); /* every write from now on fails */
	for (int i = 0; i < 3; i++) {
		hc_send(&c, "POST", "/api/v1/persons/P-DISK/services", SERVICE_BODY, NULL, &r);
		assert_true(r.status >= 500);
		assert_non_null(strstr(r.body, "\"title\"")); /* problem+json, said clearly */
		hc_free(&r);
	}
	/* A read cannot be audited now: the answer it held is not sent. */
	hc_send(&c, "GET", "/api/v1/persons/P-DISK", NULL, NULL, &r);
	assert_true(r.status >= 500);
	assert_non_null(strstr(r.body, "\"title\""));
	assert_null(strstr(r.body, "Aygün"));
	hc_free(&r);
	assert_int_equal(hc_status(&c, "GET", "/healthz", NULL), 200);
	faults_off();

	hc_send(&c, "POST", "/api/v1/persons/P-DISK/services", SERVICE_BODY, NULL, &r);
	assert_int_equal(r.status, 201);
	hc_free(&r);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/persons/P-DISK", NULL), 200);

	assert_int_equal(hf_services(f, "P-DISK"), 1); /* the refused writes left nothing */
	registry *reg = hf_registry(f);
	db_stmt *st;
	assert_int_equal(db_prepare(registry_db(reg), "PRAGMA integrity_check", &st), ERR_OK);
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "ok");
	db_finalize(st);
	struct audit_verdict v;
	assert_int_equal(audit_verify(registry_db(reg), &v), ERR_OK);
	assert_int_equal(v.first_bad, 0);
	registry_close(reg);
	hf_stop(f);
}

static void test_disk_full(void **state)
{
	(void)state;
	run(SQLITE_FULL);
}

static void test_write_errors(void **state)
{
	(void)state;
	run(SQLITE_IOERR_WRITE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_write_errors),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	return cmocka_run_group_tests(tests, fv_install, NULL);
}
