/*
 * http_client.h - what the HTTP tests share: a fresh database with one
 * account per role and agency, the server in-process on 127.0.0.1 with an
 * ephemeral port, and a libcurl client that keeps the session cookie and the
 * CSRF token the way a browser's script would.
 *
 * Header-only (static functions) because the test build compiles only
 * tests/support/testutil.c besides each test file.  Include it after cmocka.h.
 */
#ifndef HAVEN_HTTP_CLIENT_H
#define HAVEN_HTTP_CLIENT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>
#include <liboath/oath.h>

#include "core/clock.h"
#include "core/registry.h"
#include "core/totp.h"
#include "util/date.h"
#include "core/users.h"
#include "http/server.h"
#include "testutil.h"

#define HC_PASSWORD "river copper lantern"
#define HC_ACCOUNTS_MAX 32
#define HC_HEADERS_MAX 16384

struct hc_account {
	char name[USERS_NAME_MAX + 1];
	char agency[PRINCIPAL_AGENCY_MAX + 1];
	char role[16];
	unsigned char secret[TOTP_SECRET_BYTES];
	size_t secret_len;
};

/* The fixture: a database, its server, the accounts made in it. */
struct hf {
	char *dir, *dbpath, *keypath;
	http_server *srv;
	unsigned port;
	struct hc_account acc[HC_ACCOUNTS_MAX];
	size_t nacc;
};

/* One client: a base URL, the session cookie and the CSRF token it holds. */
struct hc {
	char base[64];
	char cookie[SESSION_TOKEN_TEXT + 1];
	char csrf[SESSION_TOKEN_TEXT + 1];
};

struct hc_response {
	long status;
	char *body;
	size_t len;
	char headers[HC_HEADERS_MAX];
	size_t hlen;
	json_t *json; /* the body parsed, when it is JSON */
};

/* ---- fixture ------------------------------------------------------------ */

static inline void hf_secret_of(const char *uri, struct hc_account *a)
{
	const char *s = strstr(uri, "secret=");
	char b32[TOTP_BASE32_MAX];
	char *raw = NULL;
	size_t n, rawlen = 0;
	a->secret_len = 0;
	if (!s)
		return;
	s += 7;
	n = strcspn(s, "&");
	assert_true(n < sizeof b32);
	memcpy(b32, s, n);
	b32[n] = '\0';
	assert_int_equal(oath_base32_decode(b32, n, &raw, &rawlen), OATH_OK);
	assert_int_equal(rawlen, TOTP_SECRET_BYTES);
	memcpy(a->secret, raw, rawlen);
	a->secret_len = rawlen;
	free(raw);
}

/* Adds an account (password HC_PASSWORD) to the fixture's database, as
 * `haven user add` does: the data-protection terms not yet accepted. */
static inline struct hc_account *hf_add_new(struct hf *f, registry *r, const char *name,
					    const char *agency, const char *role)
{
	const struct audit_entry hc_by = {.actor = "cli:test", .agency = "", .role = "operator",
					  .request_id = "test"};
	char uri[TOTP_URI_MAX], errbuf[ERRBUF_MAX];
	struct hc_account *a = &f->acc[f->nacc++];
	assert_true(f->nacc <= HC_ACCOUNTS_MAX);
	if (users_add(r, &hc_by, name, agency, role, HC_PASSWORD, uri, sizeof uri, errbuf) != ERR_OK)
		fail_msg("users_add %s: %s", name, errbuf);
	snprintf(a->name, sizeof a->name, "%s", name);
	snprintf(a->agency, sizeof a->agency, "%s", agency);
	snprintf(a->role, sizeof a->role, "%s", role);
	hf_secret_of(uri, a);
	return a;
}

/* An account as hf_add_new makes it, whose user has accepted the terms: the
 * terms page is a first sign-in's business (test_http_session's
 * terms_first_sign_in), not every test's. */
static inline struct hc_account *hf_add(struct hf *f, registry *r, const char *name,
					const char *agency, const char *role)
{
	struct hc_account *a = hf_add_new(f, r, name, agency, role);
	tu_accept_terms(r, name);
	return a;
}

static inline struct hc_account *hf_account(struct hf *f, const char *name)
{
	for (size_t i = 0; i < f->nacc; i++)
		if (strcmp(f->acc[i].name, name) == 0)
			return &f->acc[i];
	fail_msg("no test account %s", name);
	return NULL;
}

/* The --trust-proxy of the servers hf_start starts (NULL: none). */
static const char *hf_trust_proxy = NULL;

/* Makes the database (calling `seed` with it open, may be NULL) and starts
 * the server with `timeout` seconds of idle time (0: default). */
static inline struct hf *hf_start(void (*seed)(struct hf *, registry *), unsigned timeout)
{
	struct hf *f = calloc(1, sizeof *f);
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	assert_non_null(f);
	clock_reset();
	f->dir = tu_tempdir();
	f->dbpath = tu_new_database(f->dir);
	f->keypath = tu_path(f->dir, "h.key");
	struct registry_paths p = {f->dbpath, f->keypath};
	assert_int_equal(registry_init(&p, "AZE", errbuf), ERR_OK);
	assert_int_equal(registry_open(&p, &r, errbuf), ERR_OK);
	if (seed)
		seed(f, r);
	registry_close(r);
	struct http_config c = {.listen = "127.0.0.1:0", .paths = p, .threads = 4,
				.timeout = timeout, .quiet = 1, .trust_proxy = hf_trust_proxy};
	if (http_server_start(&c, &f->srv, errbuf) != ERR_OK)
		fail_msg("http_server_start: %s", errbuf);
	f->port = http_server_port(f->srv);
	assert_true(f->port > 0);
	return f;
}

static inline void hf_stop(struct hf *f)
{
	if (!f)
		return;
	http_server_stop(f->srv);
	tu_rmtree(f->dir);
	free(f->dir);
	free(f->dbpath);
	free(f->keypath);
	free(f);
	clock_reset();
}

/* Opens the fixture's database in the test's own thread (caller closes). */
static inline registry *hf_registry(struct hf *f)
{
	char errbuf[ERRBUF_MAX];
	registry *r = NULL;
	struct registry_paths p = {f->dbpath, f->keypath};
	if (registry_open(&p, &r, errbuf) != ERR_OK)
		fail_msg("registry_open: %s", errbuf);
	return r;
}

/* The seed of the server fault tests: "officer1", an officer of mia_ctd,
 * and one victim, Aygün Həsənova, under `ref`. */
static inline void hf_seed_victim(struct hf *f, registry *r, const char *ref)
{
	enum put_outcome o;
	struct person victim = {.ref = ref, .status = "victim", .given_name = "Aygün",
				.family_name = "Həsənova", .sex = "female", .identified_on = 1704067200,
				.identification_source = "police", .recognized_on = 1704153600,
				.decided_on = DATE_NONE};
	hf_add(f, r, "officer1", "mia_ctd", "officer");
	assert_int_equal(db_begin(registry_db(r)), ERR_OK);
	assert_int_equal(registry_put_person(r, &victim, 0, &o), ERR_OK);
	assert_int_equal(db_commit(registry_db(r)), ERR_OK);
}

static inline err_t hf_count_one(const struct service *s, void *ctx)
{
	(void)s;
	(*(int *)ctx)++;
	return ERR_OK;
}

/* How many services the person `ref` has stored, read on a registry of its own. */
static inline int hf_services(struct hf *f, const char *ref)
{
	int n = 0;
	registry *r = hf_registry(f);
	assert_int_equal(registry_each_service(r, ref, hf_count_one, &n), ERR_OK);
	registry_close(r);
	return n;
}

/* ---- client ------------------------------------------------------------- */

static inline void hc_init(struct hc *c, const struct hf *f)
{
	memset(c, 0, sizeof *c);
	snprintf(c->base, sizeof c->base, "http://127.0.0.1:%u", f->port);
}

static inline size_t hc_body_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct hc_response *r = ctx;
	size_t len = size * n;
	char *b = realloc(r->body, r->len + len + 1);
	if (!b)
		return 0;
	memcpy(b + r->len, data, len);
	r->body = b;
	r->len += len;
	r->body[r->len] = '\0';
	return len;
}

static inline size_t hc_header_cb(char *data, size_t size, size_t n, void *ctx)
{
	struct hc_response *r = ctx;
	size_t len = size * n;
	if (r->hlen + len < sizeof r->headers) {
		memcpy(r->headers + r->hlen, data, len);
		r->hlen += len;
		r->headers[r->hlen] = '\0';
	}
	return len;
}

static inline void hc_free(struct hc_response *r)
{
	free(r->body);
	json_decref(r->json);
	memset(r, 0, sizeof *r);
}

/* The value of response header `name` (case-insensitive) copied into buf, or
 * NULL when absent. */
static inline const char *hc_header(const struct hc_response *r, const char *name, char *buf,
			     size_t len)
{
	size_t n = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		if (!end)
			break;
		if ((size_t)(end - line) > n && strncasecmp(line, name, n) == 0 && line[n] == ':') {
			const char *v = line + n + 1;
			while (*v == ' ')
				v++;
			snprintf(buf, len, "%.*s", (int)(end - v), v);
			return buf;
		}
		line = end + 2;
	}
	return NULL;
}

/*
 * Sends a request; `extra` is a NULL-terminated list of "Name: value" header
 * lines (may be NULL).  The client's cookie and, for state changes, its CSRF
 * token go with it.  A JSON body is parsed into r->json.
 */
static inline CURLcode hc_try_send(struct hc *c, const char *method, const char *path,
				   const char *body, const char *const *extra, struct hc_response *r)
{
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	char url[512], line[256];
	memset(r, 0, sizeof *r);
	assert_non_null(h);
	snprintf(url, sizeof url, "%s%s", c->base, path);
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, hc_body_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, hc_header_cb);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
	int own_type = 0;
	for (size_t i = 0; extra && extra[i]; i++)
		own_type |= strncasecmp(extra[i], "Content-Type:", 13) == 0;
	if (body) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
		if (!own_type)
			hdrs = curl_slist_append(hdrs, "Content-Type: application/json");
	}
	/* no "Expect: 100-continue" unless a test asks for it: curl would wait
	 * for the 100 on every body over 1 MiB */
	int expect = 0;
	for (size_t i = 0; extra && extra[i]; i++)
		expect |= strncasecmp(extra[i], "Expect:", 7) == 0;
	if (!expect)
		hdrs = curl_slist_append(hdrs, "Expect:");
	if (c->cookie[0]) {
		snprintf(line, sizeof line, "Cookie: " HTTP_COOKIE_NAME "=%s", c->cookie);
		hdrs = curl_slist_append(hdrs, line);
	}
	if (c->csrf[0] && strcmp(method, "GET") != 0) {
		snprintf(line, sizeof line, HTTP_CSRF_HEADER ": %s", c->csrf);
		hdrs = curl_slist_append(hdrs, line);
	}
	for (size_t i = 0; extra && extra[i]; i++)
		hdrs = curl_slist_append(hdrs, extra[i]);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	CURLcode rc = curl_easy_perform(h);
	if (rc == CURLE_OK)
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	if (r->body)
		r->json = json_loads(r->body, 0, NULL);
	return rc;
}

/* hc_try_send, failing the test when no answer came. */
static inline void hc_send(struct hc *c, const char *method, const char *path, const char *body,
			   const char *const *extra, struct hc_response *r)
{
	CURLcode rc = hc_try_send(c, method, path, body, extra, r);
	if (rc != CURLE_OK)
		fail_msg("%s %s: %s", method, path, curl_easy_strerror(rc));
}

/* The status of a request whose response is not otherwise needed. */
static inline long hc_status(struct hc *c, const char *method, const char *path, const char *body)
{
	struct hc_response r;
	hc_send(c, method, path, body, NULL, &r);
	long s = r.status;
	hc_free(&r);
	return s;
}

/* The JSON answer of GET `path`, whose status must be `status` (else the
 * test fails with the answer); the caller decrefs it. */
static inline json_t *hc_get_json(struct hc *c, const char *path, long status)
{
	struct hc_response r;
	hc_send(c, "GET", path, NULL, NULL, &r);
	if (r.status != status)
		fail_msg("GET %s: %ld, expected %ld: %s", path, r.status, status,
			 r.body ? r.body : "");
	json_t *j = json_incref(r.json);
	hc_free(&r);
	return j;
}

/* Keeps the session cookie of a Set-Cookie header. */
static inline void hc_take_cookie(struct hc *c, const struct hc_response *r)
{
	char v[512];
	const char *prefix = HTTP_COOKIE_NAME "=";
	if (!hc_header(r, "Set-Cookie", v, sizeof v) || strncmp(v, prefix, strlen(prefix)) != 0)
		return;
	const char *tok = v + strlen(prefix);
	snprintf(c->cookie, sizeof c->cookie, "%.*s", (int)strcspn(tok, ";"), tok);
}

/* The one-time code of an account for the next 30-second step: the clock
 * moves on a step first, so that no code is ever replayed. */
static inline void hc_next_code(const struct hc_account *a, char code[TOTP_CODE_MAX])
{
	clock_shift(TOTP_STEP_SECONDS);
	if (!a->secret_len) {
		code[0] = '\0';
		return;
	}
	assert_int_equal(totp_code(a->secret, a->secret_len, clock_now(), code), ERR_OK);
}

/* Signs in as `a`; returns the status and keeps cookie and CSRF token. */
static inline long hc_sign_in(struct hc *c, const struct hc_account *a)
{
	char code[TOTP_CODE_MAX], body[512];
	struct hc_response r;
	hc_next_code(a, code);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}",
		 a->name, HC_PASSWORD, code);
	hc_send(c, "POST", "/api/v1/session", body, NULL, &r);
	if (r.status == 200) {
		hc_take_cookie(c, &r);
		json_t *t = json_object_get(r.json, "csrf_token");
		assert_true(json_is_string(t));
		snprintf(c->csrf, sizeof c->csrf, "%s", json_string_value(t));
	}
	long s = r.status;
	hc_free(&r);
	return s;
}

/* Authenticates again as `a` (step-up); returns the status and, on 200,
 * keeps the new session's cookie and CSRF token. */
static inline long hc_reauth(struct hc *c, const struct hc_account *a, const char *password)
{
	char code[TOTP_CODE_MAX], body[512];
	struct hc_response r;
	hc_next_code(a, code);
	snprintf(body, sizeof body, "{\"password\":\"%s\",\"otp\":\"%s\"}", password, code);
	hc_send(c, "POST", "/api/v1/session/reauth", body, NULL, &r);
	if (r.status == 200) {
		hc_take_cookie(c, &r);
		json_t *t = json_object_get(r.json, "csrf_token");
		assert_true(json_is_string(t));
		snprintf(c->csrf, sizeof c->csrf, "%s", json_string_value(t));
	}
	long s = r.status;
	hc_free(&r);
	return s;
}

#endif
