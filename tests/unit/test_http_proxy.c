/*
 * test_http_proxy.c - ASVS-37: X-Forwarded-For is believed only on
 * connections from the proxy named by --trust-proxy; from anyone else it is
 * ignored, so a forged header cannot dodge the per-address sign-in throttle.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sodium.h>

#include "http_client.h"

static void seed(struct hf *f, registry *r)
{
	hf_add(f, r, "rashad", "mia_ctd", "officer");
}

static void which_address(void **state)
{
	char out[HTTP_ADDRESS_MAX];
	(void)state;
	http_client_address("127.0.0.1", "", "192.0.2.1", out);
	assert_string_equal(out, "127.0.0.1"); /* no proxy trusted: never believed */
	http_client_address("198.51.100.7", "127.0.0.1", "192.0.2.1", out);
	assert_string_equal(out, "198.51.100.7"); /* not from the proxy */
	http_client_address("127.0.0.1", "127.0.0.1", "192.0.2.1", out);
	assert_string_equal(out, "192.0.2.1");
	/* the last address is the one the proxy appended; what the client sent
	 * before it is the client's to forge */
	http_client_address("127.0.0.1", "127.0.0.1", "10.9.9.9, 192.0.2.1", out);
	assert_string_equal(out, "192.0.2.1");
	http_client_address("127.0.0.1", "127.0.0.1", "10.9.9.9,  2001:db8::1 ", out);
	assert_string_equal(out, "2001:db8::1");
	http_client_address("127.0.0.1", "127.0.0.1", "192.0.2.1, not-an-address", out);
	assert_string_equal(out, "127.0.0.1");
	http_client_address("127.0.0.1", "127.0.0.1", "", out);
	assert_string_equal(out, "127.0.0.1");
	http_client_address("127.0.0.1", "127.0.0.1", NULL, out);
	assert_string_equal(out, "127.0.0.1");
}

/* 21 failed sign-ins (distinct unknown names: only the address counts) that
 * claim to come from `from`; then the status of one more from `from` and of
 * one from `other`. */
static void hammer(struct hf *f, const char *from, const char *other, long *same, long *next)
{
	char hdr[96], body[160];
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);
	snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s", from);
	const char *xff[] = {hdr, NULL};
	for (int i = 0; i <= USERS_THROTTLE_ADDR_FREE; i++) {
		snprintf(body, sizeof body,
			 "{\"username\":\"nobody%d\",\"password\":\"wrong password %d\",\"otp\":\"\"}",
			 i, i);
		hc_send(&c, "POST", "/api/v1/session", body, xff, &r);
		assert_int_equal(r.status, 401);
		hc_free(&r);
	}
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"rashad\",\"password\":\"wrong password\",\"otp\":\"\"}", xff, &r);
	*same = r.status;
	hc_free(&r);
	snprintf(hdr, sizeof hdr, "X-Forwarded-For: %s", other);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"rashad\",\"password\":\"wrong password\",\"otp\":\"\"}", xff, &r);
	*next = r.status;
	hc_free(&r);
}

static void trusted_proxy(void **state)
{
	long same, next;
	(void)state;
	hf_trust_proxy = "127.0.0.1";
	struct hf *f = hf_start(seed, 0);
	hammer(f, "192.0.2.1", "192.0.2.2", &same, &next);
	assert_int_equal(same, 429); /* the forwarded client is held */
	assert_int_equal(next, 401); /* another client behind the proxy is not */
	hf_stop(f);
	hf_trust_proxy = NULL;
}

static void untrusted_peer(void **state)
{
	long same, next;
	(void)state;
	hf_trust_proxy = "192.0.2.254"; /* some other machine is the proxy */
	struct hf *f = hf_start(seed, 0);
	hammer(f, "192.0.2.1", "192.0.2.2", &same, &next);
	assert_int_equal(same, 429);
	assert_int_equal(next, 429); /* a forged header changes nothing: 127.0.0.1 is held */
	hf_stop(f);
	hf_trust_proxy = NULL;
}

static void bad_option(void **state)
{
	char errbuf[ERRBUF_MAX];
	http_server *s = NULL;
	(void)state;
	struct http_config c = {.listen = "127.0.0.1:0",
				.paths = {"/nonexistent/db", "/nonexistent/key"},
				.quiet = 1, .trust_proxy = "proxy.example"};
	assert_int_equal(http_server_start(&c, &s, errbuf), ERR_INVALID);
	assert_non_null(strstr(errbuf, "--trust-proxy"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(which_address),
		cmocka_unit_test(trusted_proxy),
		cmocka_unit_test(untrusted_peer),
		cmocka_unit_test(bad_option),
	};
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
