/*
 * test_http_session.c - the server in-process, driven by libcurl: health and
 * metrics, security headers on every response, sign-in with a one-time code,
 * identical failure answers, throttling, the cookie's flags, CSRF and origin
 * checks, fixation, expiry and revocation with the shiftable clock, strict
 * bodies, the data-protection terms at a first sign-in, and the named limits
 * (413, 431, 415, a slow client cut off while others are served).
 *
 * TU_BOTH_ENGINES: also on PostgreSQL. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "core/auditlog.h"
#include "http_client.h"

static void seed(struct hf *f, registry *r)
{
	hf_add(f, r, "rashad", "mia_ctd", "officer");
	hf_add(f, r, "leyla", "ngo", "caseworker");
	hf_add(f, r, "kamran", "mia_ctd", "officer");
	hf_add(f, r, "orxan", "mia_ctd", "officer");
	hf_add(f, r, "aysel", "ngo", "admin");
	hf_add(f, r, "tural", "ngo", "caseworker");
	hf_add(f, r, "gunel", "ngo", "caseworker");
	hf_add(f, r, "samir", "mia_ctd", "officer");
	hf_add_new(f, r, "nuray", "ngo", "caseworker"); /* has not seen the terms yet */
	hf_seed_victim(f, r, "T1");
}

static int setup(void **state)
{
	*state = hf_start(seed, 2);
	return 0;
}

static int teardown(void **state)
{
	hf_stop(*state);
	return 0;
}

static void assert_security_headers(const struct hc_response *r)
{
	char v[512];
	assert_non_null(hc_header(r, "Content-Security-Policy", v, sizeof v));
	assert_non_null(strstr(v, "frame-ancestors 'none'"));
	assert_non_null(strstr(v, "object-src 'none'"));
	assert_non_null(strstr(v, "base-uri 'none'"));
	assert_non_null(hc_header(r, "X-Content-Type-Options", v, sizeof v));
	assert_string_equal(v, "nosniff");
	assert_non_null(hc_header(r, "Referrer-Policy", v, sizeof v));
	assert_string_equal(v, "no-referrer");
	assert_non_null(hc_header(r, "Cache-Control", v, sizeof v));
	assert_string_equal(v, "no-store");
	assert_non_null(hc_header(r, "Strict-Transport-Security", v, sizeof v));
	assert_non_null(strstr(v, "max-age=31536000"));
	assert_non_null(strstr(v, "includeSubDomains"));
	assert_null(hc_header(r, "Access-Control-Allow-Origin", v, sizeof v));
	if (r->len > 0) {
		assert_non_null(hc_header(r, "Content-Type", v, sizeof v));
		assert_non_null(strstr(v, "charset=utf-8"));
	}
}

static void health_metrics_and_headers(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	char v[256];
	hc_init(&c, f);
	hc_send(&c, "GET", "/healthz", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	assert_security_headers(&r);
	hc_free(&r);

	hc_send(&c, "GET", "/no/such/place", NULL, NULL, &r);
	assert_int_equal(r.status, 404);
	assert_non_null(hc_header(&r, "Content-Type", v, sizeof v));
	assert_string_equal(v, "application/problem+json; charset=utf-8");
	assert_int_equal(json_integer_value(json_object_get(r.json, "status")), 404);
	assert_security_headers(&r);
	hc_free(&r);

	const char *methods[] = {"TRACE", "OPTIONS", "PUT", "DELETE"};
	for (size_t i = 0; i < 4; i++) {
		hc_send(&c, methods[i], "/healthz", NULL, NULL, &r);
		assert_int_equal(r.status, 405);
		assert_non_null(hc_header(&r, "Allow", v, sizeof v));
		assert_string_equal(v, "GET");
		assert_security_headers(&r);
		hc_free(&r);
	}
	assert_int_equal(hc_status(&c, "GET", "/.git/config", NULL), 404);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/", NULL), 404);

	/* a request is counted once its response is sent: the next may be faster */
	for (int i = 0; i < 50; i++) {
		hc_send(&c, "GET", "/metrics", NULL, NULL, &r);
		assert_int_equal(r.status, 200);
		if (strstr(r.body, "haven_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"))
			break;
		hc_free(&r);
		usleep(20000);
	}
	assert_non_null(strstr(r.body, "haven_http_requests_total{route=\"GET /healthz\",status=\"200\"} 1"));
	assert_non_null(strstr(r.body, "route=\"- unmatched\",status=\"404\""));
	assert_non_null(strstr(r.body, "haven_http_request_duration_seconds_bucket{le=\"+Inf\"}"));
	assert_non_null(strstr(r.body, "haven_signin_failures_total 0"));
	assert_non_null(strstr(r.body, "haven_audit_group_commits_total 0\n"));
	assert_non_null(strstr(r.body, "haven_audit_group_entries_total 0\n"));
	assert_security_headers(&r);
	hc_free(&r);
}

static void signing_in(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	char v[512], code[TOTP_CODE_MAX], body[256];
	hc_init(&c, f);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);

	hc_next_code(hf_account(f, "rashad"), code);
	snprintf(body, sizeof body,
		 "{\"username\":\"rashad\",\"password\":\"" HC_PASSWORD "\",\"otp\":\"%s\"}", code);
	hc_send(&c, "POST", "/api/v1/session", body, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_security_headers(&r);
	assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof v));
	assert_memory_equal(v, "__Host-haven=", 13);
	assert_non_null(strstr(v, "; Secure"));
	assert_non_null(strstr(v, "; HttpOnly"));
	assert_non_null(strstr(v, "; SameSite=Strict"));
	assert_non_null(strstr(v, "; Path=/"));
	assert_null(strstr(v, "Domain"));
	assert_int_equal(strcspn(v + 13, ";"), SESSION_TOKEN_TEXT - 1);
	json_t *user = json_object_get(r.json, "user");
	assert_string_equal(json_string_value(json_object_get(user, "role")), "officer");
	assert_string_equal(json_string_value(json_object_get(user, "agency")), "mia_ctd");
	assert_true(json_is_string(json_object_get(r.json, "csrf_token")));
	hc_take_cookie(&c, &r);
	hc_free(&r);

	hc_send(&c, "GET", "/api/v1/session", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "user"),
							      "username")), "rashad");
	hc_free(&r);

	/* the same code again: refused */
	struct hc d;
	hc_init(&d, f);
	hc_send(&d, "POST", "/api/v1/session", body, NULL, &r);
	assert_int_equal(r.status, 401);
	hc_free(&r);
}

static err_t count_entry(const struct auditlog_entry *e, void *ctx)
{
	(void)e;
	++*(int *)ctx;
	return ERR_OK;
}

/* Checklist HUM-15: a new account reaches no record until its user has
 * accepted the data-protection terms of the current version, in any of
 * the three languages; the acceptance is recorded and audited, and asked
 * for once. */
static void terms_first_sign_in(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	char body[128];
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "nuray")), 200);
	json_t *me = hc_get_json(&c, "/api/v1/session", 200), *terms = json_object_get(me, "terms");
	assert_false(json_is_true(json_object_get(terms, "accepted")));
	assert_string_equal(json_string_value(json_object_get(terms, "version")), terms_version());
	json_decref(me);

	/* nothing of the records meanwhile: not a list, not a read, not a write */
	const char *refused[][3] = {
		{"GET", "/api/v1/persons", NULL},
		{"GET", "/api/v1/persons/T1", NULL},
		{"POST", "/api/v1/persons/search", "{\"name\":\"Test\"}"},
		{"POST", "/api/v1/persons/T1/services",
		 "{\"service\":\"case_management\",\"provider\":\"ngo\",\"date\":\"2024-04-01\"}"},
		{"GET", "/api/v1/referrals?to=mine", NULL},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		hc_send(&c, refused[i][0], refused[i][1], refused[i][2], NULL, &r);
		assert_int_equal(r.status, 403);
		assert_string_equal(json_string_value(json_object_get(r.json, "type")),
				    "https://haven.invalid/problems/terms-required");
		hc_free(&r);
	}
	assert_int_equal(hf_services(f, "T1"), 0);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session/activity", NULL), 200);

	/* the text in each language; Azerbaijani unless asked otherwise */
	json_t *az = hc_get_json(&c, "/api/v1/terms", 200);
	json_t *en = hc_get_json(&c, "/api/v1/terms?lang=en", 200);
	json_t *ru = hc_get_json(&c, "/api/v1/terms?lang=ru", 200);
	assert_string_equal(json_string_value(json_object_get(az, "lang")), "az");
	assert_non_null(strstr(json_string_value(json_object_get(az, "title")), "qaydaları"));
	assert_string_equal(json_string_value(json_object_get(en, "title")),
			    "Data-protection terms for Haven users");
	assert_non_null(strstr(json_string_value(json_object_get(ru, "title")), "Правила"));
	size_t n = json_array_size(json_object_get(en, "paragraphs"));
	assert_true(n >= 5);
	assert_int_equal(json_array_size(json_object_get(az, "paragraphs")), n);
	assert_int_equal(json_array_size(json_object_get(ru, "paragraphs")), n);
	/* a paragraph is one line of text, whatever the file's line breaks */
	const char *first = json_string_value(json_array_get(json_object_get(en, "paragraphs"), 0));
	assert_non_null(strstr(first, "human trafficking and of their children"));
	assert_null(strchr(first, '\n'));
	assert_string_equal(json_string_value(json_object_get(ru, "version")), terms_version());
	json_decref(az), json_decref(en), json_decref(ru);
	hc_send(&c, "GET", "/api/v1/terms?lang=fr", NULL, NULL, &r);
	assert_int_equal(r.status, 400);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r.json, "errors"), 0), "field")),
			    "lang");
	hc_free(&r);

	/* an older text accepted is no acceptance */
	hc_send(&c, "POST", "/api/v1/session/terms", "{\"version\":\"2020-01-00000000\"}", NULL,
		&r);
	assert_int_equal(r.status, 400);
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(r.json, "errors"), 0), "field")),
			    "version");
	hc_free(&r);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/persons", NULL), 403);

	snprintf(body, sizeof body, "{\"version\":\"%s\"}", terms_version());
	assert_int_equal(hc_status(&c, "POST", "/api/v1/session/terms", body), 204);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/persons", NULL), 200);
	me = hc_get_json(&c, "/api/v1/session", 200);
	assert_true(json_is_true(json_object_get(json_object_get(me, "terms"), "accepted")));
	json_decref(me);

	/* a second acceptance (another tab) changes nothing */
	assert_int_equal(hc_status(&c, "POST", "/api/v1/session/terms", body), 204);

	/* recorded with the account, audited once, and not asked again */
	registry *reg = hf_registry(f);
	struct user_info u = {0};
	int entries = 0;
	const struct auditlog_filter by = {.actor = "nuray", .action = "user.terms_accept"};
	int64_t next = 0;
	assert_int_equal(users_find(reg, "nuray", &u), ERR_OK);
	assert_string_equal(u.terms_version, terms_version());
	assert_true(u.terms_accepted_at > 0);
	assert_int_equal(auditlog_page(reg, &by, 0, 10, count_entry, &entries, &next), ERR_OK);
	assert_int_equal(entries, 1);
	registry_close(reg);
	struct hc adm;
	hc_init(&adm, f);
	assert_int_equal(hc_sign_in(&adm, hf_account(f, "aysel")), 200);
	json_t *users = hc_get_json(&adm, "/api/v1/users", 200), *one;
	size_t i;
	int listed = 0;
	json_array_foreach(json_object_get(users, "users"), i, one)
		if (strcmp(json_string_value(json_object_get(one, "username")), "nuray") == 0)
			listed += json_is_true(json_object_get(one, "terms_accepted"));
	assert_int_equal(listed, 1);
	json_decref(users);
	struct hc d;
	hc_init(&d, f);
	assert_int_equal(hc_sign_in(&d, hf_account(f, "nuray")), 200);
	me = hc_get_json(&d, "/api/v1/session", 200);
	assert_true(json_is_true(json_object_get(json_object_get(me, "terms"), "accepted")));
	json_decref(me);
	assert_int_equal(hc_status(&d, "GET", "/api/v1/persons", NULL), 200);
	/* past the terms, the record of another agency's case is out of sight */
	assert_int_equal(hc_status(&d, "GET", "/api/v1/persons/T1", NULL), 404);
}

/* A wrong password, an unknown user and a wrong code answer byte for byte
 * alike (the request id is a header, not in the body). */
static void identical_failures(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response a, b, d;
	char code[TOTP_CODE_MAX], body[256];
	hc_init(&c, f);
	hc_next_code(hf_account(f, "kamran"), code);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"kamran\",\"password\":\"not the password\",\"otp\":\"000000\"}", NULL,
		&a);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"nobody\",\"password\":\"not the password\",\"otp\":\"000000\"}", NULL,
		&b);
	snprintf(body, sizeof body,
		 "{\"username\":\"kamran\",\"password\":\"" HC_PASSWORD "\",\"otp\":\"%s\"}",
		 code[0] == '9' ? "000000" : "999999");
	hc_send(&c, "POST", "/api/v1/session", body, NULL, &d);
	assert_int_equal(a.status, 401);
	assert_int_equal(b.status, 401);
	assert_int_equal(d.status, 401);
	assert_string_equal(a.body, b.body);
	assert_string_equal(a.body, d.body);
	assert_null(strstr(a.body, "kamran"));
	assert_null(strstr(a.hlen ? a.headers : "", "Set-Cookie"));
	hc_free(&a);
	hc_free(&b);
	hc_free(&d);
}

static void throttled(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);
	for (int i = 0; i < USERS_THROTTLE_USER_FREE + 1; i++)
		assert_int_equal(hc_status(&c, "POST", "/api/v1/session",
					   "{\"username\":\"orxan\",\"password\":\"guess number "
					   "one\",\"otp\":\"123456\"}"),
				 401);
	/* the right password and a fresh code: held back all the same */
	char code[TOTP_CODE_MAX], body[256];
	const struct hc_account *a = hf_account(f, "orxan");
	assert_int_equal(totp_code(a->secret, a->secret_len, clock_now(), code), ERR_OK);
	snprintf(body, sizeof body,
		 "{\"username\":\"orxan\",\"password\":\"" HC_PASSWORD "\",\"otp\":\"%s\"}", code);
	assert_int_equal(hc_status(&c, "POST", "/api/v1/session", body), 429);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"orxan\",\"password\":\"guess number two\",\"otp\":\"123456\"}", NULL,
		&r);
	assert_int_equal(r.status, 429);
	assert_security_headers(&r);
	hc_free(&r);
	clock_shift(USERS_THROTTLE_MAX_DELAY);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "orxan")), 200);
	hc_send(&c, "GET", "/metrics", NULL, NULL, &r);
	assert_null(strstr(r.body, "haven_signin_failures_total 0\n"));
	hc_free(&r);
}

static void csrf_and_origin(void **state)
{
	struct hf *f = *state;
	struct hc c;
	char saved[sizeof c.csrf];
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "tural")), 200);
	memcpy(saved, c.csrf, sizeof saved);

	c.csrf[0] = '\0';
	assert_int_equal(hc_status(&c, "DELETE", "/api/v1/session", NULL), 403);
	snprintf(c.csrf, sizeof c.csrf, "%s", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	assert_int_equal(hc_status(&c, "DELETE", "/api/v1/session", NULL), 403);
	memcpy(c.csrf, saved, sizeof saved);

	struct hc_response r;
	const char *foreign[] = {"Origin: https://evil.example", NULL};
	hc_send(&c, "DELETE", "/api/v1/session", NULL, foreign, &r);
	assert_int_equal(r.status, 403);
	hc_free(&r);
	const char *cross[] = {"Sec-Fetch-Site: cross-site", NULL};
	hc_send(&c, "DELETE", "/api/v1/session", NULL, cross, &r);
	assert_int_equal(r.status, 403);
	hc_free(&r);

	/* still signed in after all that; then signed out for good */
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 200);
	char own[128];
	snprintf(own, sizeof own, "Origin: http://127.0.0.1:%u", f->port);
	const char *same[] = {own, NULL};
	hc_send(&c, "DELETE", "/api/v1/session", NULL, same, &r);
	assert_int_equal(r.status, 204);
	char v[256];
	assert_non_null(hc_header(&r, "Set-Cookie", v, sizeof v));
	assert_non_null(strstr(v, "Max-Age=0"));
	assert_non_null(hc_header(&r, "Clear-Site-Data", v, sizeof v));
	assert_non_null(strstr(v, "\"cache\""));
	assert_non_null(strstr(v, "\"cookies\""));
	hc_free(&r);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);
}

/* A cookie planted before sign-in is not the session after it. */
static void fixation(void **state)
{
	struct hf *f = *state;
	struct hc c, planted;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "gunel")), 200);
	planted = c;
	assert_int_equal(hc_sign_in(&c, hf_account(f, "gunel")), 200);
	assert_string_not_equal(planted.cookie, c.cookie);
	assert_int_equal(hc_status(&planted, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 200);
}

static void expiry_and_revocation(void **state)
{
	struct hf *f = *state;
	struct hc c;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "leyla")), 200);
	clock_shift(SESSION_IDLE_SECONDS - 60);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 200);
	clock_shift(SESSION_IDLE_SECONDS);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);

	/* absolute: active every 25 minutes, out at 12 hours */
	assert_int_equal(hc_sign_in(&c, hf_account(f, "leyla")), 200);
	for (int i = 0; i < 28; i++) {
		clock_shift(25 * 60);
		assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 200);
	}
	clock_shift(25 * 60);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);

	/* disabled: the next request is refused */
	assert_int_equal(hc_sign_in(&c, hf_account(f, "leyla")), 200);
	registry *r = hf_registry(f);
	const struct audit_entry by = {.actor = "cli:test", .role = "operator"};
	assert_int_equal(users_set_disabled(r, &by, "leyla", 1), ERR_OK);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(hc_sign_in(&c, hf_account(f, "leyla")), 401);
	registry_close(r);
}

static void strict_bodies(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"rashad\",\"username\":\"aysel\",\"password\":\"x\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_non_null(strstr(r.body, "duplicate key"));
	hc_free(&r);
	hc_send(&c, "POST", "/api/v1/session",
		"{\"username\":\"rashad\",\"password\":\"x\",\"role\":\"admin\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	json_t *errors = json_object_get(r.json, "errors");
	assert_int_equal(json_array_size(errors), 1);
	hc_free(&r);
	hc_send(&c, "POST", "/api/v1/session", "[1,2]", NULL, &r);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	hc_send(&c, "POST", "/api/v1/session", "{\"username\":\"r\xff\"}", NULL, &r);
	assert_int_equal(r.status, 400);
	hc_free(&r);
	hc_send(&c, "POST", "/api/v1/session", "{\"username\":5,\"password\":[]}", NULL, &r);
	assert_int_equal(r.status, 400);
	assert_int_equal(json_array_size(json_object_get(r.json, "errors")), 2);
	hc_free(&r);
	const char *text[] = {"Content-Type: text/plain", NULL};
	hc_send(&c, "POST", "/api/v1/session", "{}", text, &r);
	assert_int_equal(r.status, 415);
	assert_security_headers(&r);
	hc_free(&r);
}

/* ---- limits ----------------------------------------------------------------- */

static int connect_raw(const struct hf *f)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)f->port)};
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Sends `req` on a fresh connection; returns the status of the answer. */
static int raw_status(const struct hf *f, const char *req, size_t len)
{
	char buf[4096];
	int fd = connect_raw(f), status = -1;
	size_t sent = 0;
	while (sent < len) {
		ssize_t n = send(fd, req + sent, len - sent, MSG_NOSIGNAL);
		if (n <= 0)
			break; /* the server may answer and close before reading it all */
		sent += (size_t)n;
	}
	ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
	if (n > 12) {
		buf[n] = '\0';
		status = (int)strtol(buf + 9, NULL, 10);
	}
	close(fd);
	return status;
}

/* "{", spaces, "}": a JSON object of exactly `len` bytes. */
static char *padded_object(size_t len)
{
	char *b = malloc(len + 1);
	assert_non_null(b);
	memset(b, ' ', len);
	b[0] = '{';
	b[len - 1] = '}';
	b[len] = '\0';
	return b;
}

static void limits(void **state)
{
	struct hf *f = *state;
	struct hc c;
	struct hc_response r;
	hc_init(&c, f);

	/* a body over 1 MiB, told by Content-Length: refused before it is read */
	const char *big = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: "
			  "application/json\r\nContent-Length: 1048577\r\n\r\n{";
	assert_int_equal(raw_status(f, big, strlen(big)), 413);

	/* ... and sent in chunks without a length */
	char *body = padded_object(HTTP_BODY_MAX + 4096);
	const char *chunked[] = {"Transfer-Encoding: chunked", NULL};
	hc_send(&c, "POST", "/api/v1/session", body, chunked, &r);
	assert_int_equal(r.status, 413);
	assert_security_headers(&r);
	hc_free(&r);
	/* with a length, as a client should send a large body: asking first
	 * (Expect: 100-continue), so that the 413 comes before any of it is sent.
	 * Without asking, the server's close could reset the connection while
	 * the client still sends, and the client might never read the 413. */
	const char *ask[] = {"Expect: 100-continue", NULL};
	hc_send(&c, "POST", "/api/v1/session", body, ask, &r);
	assert_int_equal(r.status, 413);
	hc_free(&r);
	free(body);

	/* REL-12: the limit itself is allowed, one byte more is not, either way
	 * the body comes (a sign-in with no credentials: 400 when let through) */
	for (size_t len = HTTP_BODY_MAX - 1; len <= HTTP_BODY_MAX + 1; len++) {
		long want = len > HTTP_BODY_MAX ? 413 : 400;
		char *edge = padded_object(len);
		hc_send(&c, "POST", "/api/v1/session", edge, ask, &r);
		assert_int_equal(r.status, want);
		hc_free(&r);
		hc_send(&c, "POST", "/api/v1/session", edge, chunked, &r);
		assert_int_equal(r.status, want);
		hc_free(&r);
		free(edge);
	}

	/* both framings at once */
	const char *both = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: "
			   "application/json\r\nContent-Length: 2\r\nTransfer-Encoding: "
			   "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n";
	assert_int_equal(raw_status(f, both, strlen(both)), 400);

	/* headers over 8 KiB: 431 with our headers; far over: libmicrohttpd's 431 */
	char *h = malloc(HTTP_MEMORY_LIMIT * 2);
	assert_non_null(h);
	memset(h, 'a', HTTP_MEMORY_LIMIT * 2);
	h[HTTP_MEMORY_LIMIT * 2 - 1] = '\0';
	char line[HTTP_HEADERS_MAX + 64];
	snprintf(line, sizeof line, "X-Filler: %.*s", HTTP_HEADERS_MAX, h);
	const char *fat[] = {line, NULL};
	hc_send(&c, "GET", "/healthz", NULL, fat, &r);
	assert_int_equal(r.status, 431);
	assert_security_headers(&r);
	hc_free(&r);
	char *huge = malloc(HTTP_MEMORY_LIMIT * 2 + 64);
	assert_non_null(huge);
	int len = snprintf(huge, HTTP_MEMORY_LIMIT * 2 + 64, "GET /healthz HTTP/1.1\r\nHost: x\r\n"
				"X-Filler: %s\r\n\r\n", h);
	assert_int_equal(raw_status(f, huge, (size_t)len), 431);
	free(huge);

	/* just within both limits (a fat cookie and many fields): served */
	char near[HTTP_HEADERS_MAX];
	size_t at = (size_t)snprintf(near, sizeof near, "GET /healthz HTTP/1.1\r\nHost: x\r\n"
				     "X-Filler: %.*s\r\n", HTTP_HEADERS_MAX - 1024, h);
	for (int i = 0; i < HTTP_HEADER_COUNT_MAX - 4; i++)
		at += (size_t)snprintf(near + at, sizeof near - at, "X-H%d: 1\r\n", i);
	at += (size_t)snprintf(near + at, sizeof near - at, "\r\n");
	assert_true(at < sizeof near - 1);
	assert_int_equal(raw_status(f, near, at), 200);
	/* the same headers before a large body: the body is read past them */
	size_t pad = 200 * 1000, post_len = at + pad + 256;
	char *post = malloc(post_len);
	assert_non_null(post);
	int head = snprintf(post, post_len, "POST /api/v1/session HTTP/1.1\r\n"
		 "Content-Type: application/json\r\nContent-Length: %zu\r\n%s",
		 pad + 2, near + strlen("GET /healthz HTTP/1.1\r\n"));
	assert_true(head > 0 && (size_t)head + pad + 2 <= post_len);
	memset(post + head, ' ', pad);
	memcpy(post + head + pad, "{}", 2);
	assert_int_equal(raw_status(f, post, (size_t)head + pad + 2), 400);
	free(post);

	free(h);

	/* many small headers */
	char many[8192];
	size_t used = (size_t)snprintf(many, sizeof many, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
	for (int i = 0; i < HTTP_HEADER_COUNT_MAX + 1; i++)
		used += (size_t)snprintf(many + used, sizeof many - used, "X-H%d: 1\r\n", i);
	used += (size_t)snprintf(many + used, sizeof many - used, "\r\n");
	assert_int_equal(raw_status(f, many, used), 431);

	assert_int_equal(hc_status(&c, "GET", "/healthz", NULL), 200);
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Stopping a server with many pool threads never aborts the process:
 * MHD_quiesce_daemon raced the pool threads' own removal of the listening
 * socket from their epoll sets, and libmicrohttpd aborted when it lost
 * (test_http_proxy, 2 runs in 40).  Servers of the fixture's database,
 * started, asked once and stopped again and again. */
#define STOP_ROUNDS 40

static void stops_cleanly(void **state)
{
	struct hf *f = *state;
	struct http_config c = {.listen = "127.0.0.1:0",
				.paths = {f->dbpath, f->keypath},
				.threads = HTTP_THREADS_MAX,
				.quiet = 1};
	for (int i = 0; i < STOP_ROUNDS; i++) {
		char errbuf[ERRBUF_MAX];
		struct hf other = *f;
		struct hc client;
		if (http_server_start(&c, &other.srv, errbuf) != ERR_OK)
			fail_msg("http_server_start: %s", errbuf);
		other.port = http_server_port(other.srv);
		hc_init(&client, &other);
		assert_int_equal(hc_status(&client, "GET", "/healthz", NULL), 200);
		http_server_stop(other.srv);
	}
}

/* A client that sends half a request and stalls is cut off after the idle
 * timeout (2 s here), while others are served meanwhile. */
static void slow_client_cut_off(void **state)
{
	struct hf *f = *state;
	struct hc c;
	char buf[256];
	hc_init(&c, f);
	int fd = connect_raw(f);
	const char *half = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ";
	assert_true(send(fd, half, strlen(half), MSG_NOSIGNAL) > 0);
	int64_t start = ms_now();
	for (int i = 0; i < 5; i++)
		assert_int_equal(hc_status(&c, "GET", "/healthz", NULL), 200);
	struct pollfd p = {.fd = fd, .events = POLLIN};
	assert_int_equal(poll(&p, 1, 10000), 1);
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	assert_true(n <= 0 || strstr(buf, "408") != NULL); /* closed, at most with a 408 */
	int64_t waited = ms_now() - start;
	assert_true(waited >= 1500 && waited < 9000);
	close(fd);
}

/* A redemption's status, its problem type (or "") into `type`. */
static long redeem(struct hc *c, const char *user, const char *code, const char *password,
		   const char *otp, char *type, size_t typelen)
{
	char body[512];
	struct hc_response r;
	snprintf(body, sizeof body,
		 "{\"username\":\"%s\",\"code\":\"%s\",\"new_password\":\"%s\",\"otp\":\"%s\"}",
		 user, code, password, otp);
	hc_send(c, "POST", "/api/v1/password-reset", body, NULL, &r);
	json_t *t = json_object_get(r.json, "type");
	snprintf(type, typelen, "%s", json_is_string(t) ? json_string_value(t) : "");
	long s = r.status;
	hc_free(&r);
	return s;
}

/* Signs in with `password`; keeps the session's cookie when it succeeds. */
static long sign_in_with(struct hc *c, const struct hc_account *a, const char *password)
{
	char code[TOTP_CODE_MAX], body[512];
	struct hc_response r;
	hc_next_code(a, code);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}",
		 a->name, password, code);
	hc_send(c, "POST", "/api/v1/session", body, NULL, &r);
	if (r.status == 200)
		hc_take_cookie(c, &r);
	long s = r.status;
	hc_free(&r);
	return s;
}

static int64_t audit_count(registry *r, const char *action, const char *outcome)
{
	db_stmt *st = NULL;
	int64_t n = -1;
	assert_int_equal(db_prepare(registry_db(r),
				    "SELECT count(*) FROM audit_log WHERE action = $1 AND outcome = $2",
				    &st),
			 ERR_OK);
	assert_int_equal(db_bind_text(st, 1, action), ERR_OK);
	assert_int_equal(db_bind_text(st, 2, outcome), ERR_OK);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_finalize(st);
	return n;
}

/* The entries of the caller's own account activity with this action and
 * outcome that are marked as notices. */
static int notices(struct hc *c, const char *action, const char *outcome)
{
	struct hc_response r;
	size_t i;
	json_t *x;
	int n = 0;
	hc_send(c, "GET", "/api/v1/session/activity?limit=50", NULL, NULL, &r);
	assert_int_equal(r.status, 200);
	json_array_foreach(json_object_get(r.json, "entries"), i, x)
		n += json_is_true(json_object_get(x, "notice")) &&
		     strcmp(json_string_value(json_object_get(x, "action")), action) == 0 &&
		     strcmp(json_string_value(json_object_get(x, "outcome")), outcome) == 0;
	hc_free(&r);
	return n;
}

/* ASVS-06: an administrator's reset makes a single-use, short-lived code; the
 * user chooses the password with it and the one-time code; the old password
 * and the sessions end at once; every step is audited. */
static void password_reset(void **state)
{
	struct hf *f = *state;
	const struct hc_account *a = hf_account(f, "samir");
	const struct audit_entry by = {.actor = "cli:test", .role = "operator", .request_id = "t"};
	char code[USERS_RESET_CODE_TEXT], lower[USERS_RESET_CODE_TEXT], otp[TOTP_CODE_MAX];
	char errbuf[ERRBUF_MAX], type[128];
	const char *fresh = "violet harbour seventeen";
	struct hc c;
	hc_init(&c, f);
	assert_int_equal(hc_sign_in(&c, a), 200);

	registry *r = hf_registry(f);
	assert_int_equal(users_reset_issue(r, &by, "nobody", clock_now(), code, errbuf),
			 ERR_NOT_FOUND);
	assert_int_equal(users_reset_issue(r, &by, "samir", clock_now(), code, errbuf), ERR_OK);
	assert_int_equal(strlen(code), USERS_RESET_CODE_TEXT - 1);
	assert_int_equal(audit_count(r, "user.reset", "ok"), 1);
	/* stored only as a hash, in place of the password: in no file of the
	 * store (database, WAL, shared memory), or of the PostgreSQL cluster */
	const char *where = tu_engine_is_postgres() ? getenv("HAVEN_TEST_PG") : f->dir;
	assert_true(tu_tree_contains(where, "samir", 5)); /* the search sees what is stored */
	assert_false(tu_tree_contains(where, code, strlen(code)));

	/* the session and the old password are gone */
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);
	assert_int_equal(hc_sign_in(&c, a), 401);

	/* a weak password is refused at its field, before anything is checked */
	hc_next_code(a, otp);
	assert_int_equal(redeem(&c, "samir", code, "password1234", otp, type, sizeof type), 400);
	/* wrong code, missing one-time code, unknown user: one and the same answer */
	assert_int_equal(redeem(&c, "samir", "ABCD-EFGH-JKMN-PQRS", fresh, otp, type, sizeof type),
			 403);
	assert_non_null(strstr(type, "reset-failed"));
	assert_int_equal(redeem(&c, "samir", code, fresh, "", type, sizeof type), 403);
	assert_non_null(strstr(type, "reset-failed"));
	assert_int_equal(redeem(&c, "nobody", code, fresh, otp, type, sizeof type), 403);
	assert_non_null(strstr(type, "reset-failed"));

	/* the right code (case and dashes do not matter) with the one-time code */
	for (size_t i = 0; i < sizeof code; i++)
		lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] - 'A' + 'a' : code[i]);
	assert_int_equal(redeem(&c, "samir", lower, fresh, otp, type, sizeof type), 204);
	assert_int_equal(audit_count(r, "user.reset.use", "ok"), 1);
	/* single use */
	hc_next_code(a, otp);
	assert_int_equal(redeem(&c, "samir", code, "another fine passphrase", otp, type,
			       sizeof type), 403);
	assert_int_equal(sign_in_with(&c, a, HC_PASSWORD), 401);
	assert_int_equal(sign_in_with(&c, a, fresh), 200);

	/* ASVS-06 "user notified": what happened since the sign-in before this
	 * one is marked for the user to see, until the next sign-in */
	assert_true(notices(&c, "user.reset", "ok") == 1);
	assert_true(notices(&c, "signin", "denied") >= 2);
	assert_true(notices(&c, "user.reset.use", "denied") >= 3);
	assert_int_equal(notices(&c, "signin", "ok"), 0);
	assert_int_equal(sign_in_with(&c, a, fresh), 200);
	assert_int_equal(notices(&c, "user.reset", "ok"), 0);
	assert_int_equal(notices(&c, "signin", "denied"), 0);

	/* short-lived: 30 minutes */
	assert_int_equal(users_reset_issue(r, &by, "samir", clock_now(), code, errbuf), ERR_OK);
	assert_int_equal(hc_status(&c, "GET", "/api/v1/session", NULL), 401);
	clock_shift(USERS_RESET_SECONDS);
	hc_next_code(a, otp);
	assert_int_equal(redeem(&c, "samir", code, "another fine passphrase", otp, type,
			       sizeof type), 403);
	assert_non_null(strstr(type, "reset-failed"));
	assert_true(audit_count(r, "user.reset.use", "denied") >= 4);
	registry_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(health_metrics_and_headers),
		cmocka_unit_test(signing_in),
		cmocka_unit_test(identical_failures),
		cmocka_unit_test(throttled),
		cmocka_unit_test(csrf_and_origin),
		cmocka_unit_test(fixation),
		cmocka_unit_test(strict_bodies),
		cmocka_unit_test(limits),
		cmocka_unit_test(slow_client_cut_off),
		cmocka_unit_test(stops_cleanly),
		cmocka_unit_test(expiry_and_revocation),
		cmocka_unit_test(password_reset),
		cmocka_unit_test(terms_first_sign_in),
	};
	if (sodium_init() < 0)
		return 1;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	int rc = cmocka_run_group_tests(tests, setup, teardown);
	curl_global_cleanup();
	return rc;
}
