/*
 * test_http_openapi.c - the API document: served at /api/v1/openapi.json,
 * equal to docs/api/openapi.json, one operation per API route of the table
 * and no other, and the body members of the person routes equal to the fields
 * the person handlers read.  To refresh the copy in docs/ after changing the
 * route table, run this test with HAVEN_WRITE_OPENAPI=1.
 *
 * TU_BOTH_ENGINES: also on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>

#include <sodium.h>

#include "core/caseview.h"
#include "http/openapi.h"
#include "http/routes.h"
#include "http_client.h"

#define DOC_PATH HAVEN_SOURCE_DIR "/docs/api/openapi.json"

static void served_equals_docs(void **state)
{
	struct hf *f = hf_start(NULL, 0);
	struct hc c;
	struct hc_response r;
	json_error_t jerr;
	(void)state;
	hc_init(&c, f);
	hc_send(&c, "GET", "/api/v1/openapi.json", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(r.json);
	if (getenv("HAVEN_WRITE_OPENAPI"))
		assert_int_equal(json_dump_file(r.json, DOC_PATH, JSON_INDENT(2) | JSON_SORT_KEYS), 0);
	json_t *kept = json_load_file(DOC_PATH, JSON_REJECT_DUPLICATES, &jerr);
	if (!kept)
		fail_msg("%s: %s (write it with HAVEN_WRITE_OPENAPI=1)", DOC_PATH, jerr.text);
	if (!json_equal(kept, r.json))
		fail_msg("docs/api/openapi.json differs from the served document: run this test "
			 "with HAVEN_WRITE_OPENAPI=1 and review the change");
	json_decref(kept);
	hc_free(&r);
	hf_stop(f);
}

static void one_operation_per_route(void **state)
{
	json_t *doc = openapi_document();
	json_t *paths = json_object_get(doc, "paths");
	size_t operations = 0;
	const char *path;
	json_t *item;
	(void)state;
	assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.0.3");
	size_t covered = 0;
	for (size_t i = 0; i < routes_count; i++) {
		char method[16];
		size_t k = 0;
		if (!openapi_covers(&routes[i]))
			continue;
		covered++;
		for (; routes[i].method[k] && k + 1 < sizeof method; k++)
			method[k] = (char)tolower((unsigned char)routes[i].method[k]);
		method[k] = '\0';
		json_t *op = json_object_get(json_object_get(paths, routes[i].pattern), method);
		if (!op)
			fail_msg("%s %s has no operation", routes[i].method, routes[i].pattern);
		assert_string_equal(json_string_value(json_object_get(op, "x-haven-action")),
				    policy_action_name(routes[i].action));
		assert_int_equal(json_object_get(op, "requestBody") != NULL, routes[i].fields != NULL);
	}
	json_object_foreach(paths, path, item) operations += json_object_size(item);
	assert_int_equal(operations, covered);
	assert_true(covered >= routes_count - 2); /* at most the web interface's two routes */
	json_decref(doc);
}

/* The person routes take exactly the fields caseview knows, and the block. */
static void person_fields_agree(void **state)
{
	(void)state;
	for (size_t i = 0; i < routes_count; i++) {
		if (!routes[i].fields || strcmp(routes[i].pattern, "/api/v1/persons") != 0 ||
		    strcmp(routes[i].method, "POST") != 0)
			continue;
		size_t n = 0;
		while (routes[i].fields[n])
			n++;
		assert_int_equal(n, caseview_person_nfields + 1);
		for (size_t k = 0; k < caseview_person_nfields; k++)
			assert_string_equal(routes[i].fields[k], caseview_person_fields[k].name);
		assert_string_equal(routes[i].fields[n - 1], "access_block");
		return;
	}
	fail_msg("no POST /api/v1/persons route");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(served_equals_docs),
		cmocka_unit_test(one_operation_per_route),
		cmocka_unit_test(person_fields_agree),
	};
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
