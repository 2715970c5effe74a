/*
 * serve_proc.h - the real `haven serve` binary as a separate process, for the
 * tests that kill it or run several on one database, and a thread-safe
 * request function that reports a dead server instead of failing the test.
 *
 * Header-only, like http_client.h (include that first).
 */
#ifndef HAVEN_SERVE_PROC_H
#define HAVEN_SERVE_PROC_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A loopback port nobody listens on right now. */
static inline unsigned sp_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof a;
	int s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	close(s);
	return ntohs(a.sin_port);
}

/* Starts `haven serve` on 127.0.0.1:port and waits until /healthz answers. */
static inline pid_t sp_start(const char *dbpath, const char *keypath, unsigned port)
{
	char listen_at[32], cmd[256];
	pid_t pid;
	snprintf(listen_at, sizeof listen_at, "127.0.0.1:%u", port);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl(HAVEN_BIN, "haven", "serve", "--db", dbpath, "--key", keypath, "--listen",
		      listen_at, "--quiet", (char *)NULL);
		_exit(127);
	}
	snprintf(cmd, sizeof cmd, "curl -sf -o /dev/null http://%s/healthz", listen_at);
	for (int i = 0; i < 200; i++) {
		if (system(cmd) == 0)
			return pid;
		usleep(25000);
	}
	fail_msg("haven serve did not start");
	return -1;
}

static inline void sp_stop(pid_t pid, int sig)
{
	kill(pid, sig);
	waitpid(pid, NULL, 0);
}

/* One request with the client's cookie and CSRF token, safe in any thread;
 * status 0 when the server could not be reached.  Caller frees r->body and
 * r->json (hc_free). */
static inline long sp_request(const struct hc *c, const char *method, const char *path,
			      const char *body, struct hc_response *r)
{
	struct curl_slist *h = NULL;
	char url[256], line[256];
	CURL *e = curl_easy_init();
	memset(r, 0, sizeof *r);
	snprintf(url, sizeof url, "%s%s", c->base, path);
	snprintf(line, sizeof line, "Cookie: " HTTP_COOKIE_NAME "=%s", c->cookie);
	h = curl_slist_append(h, line);
	if (strcmp(method, "GET") != 0) {
		snprintf(line, sizeof line, HTTP_CSRF_HEADER ": %s", c->csrf);
		h = curl_slist_append(h, line);
	}
	if (body) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, hc_body_cb);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &r->status);
	if (r->body)
		r->json = json_loads(r->body, 0, NULL);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	return r->status;
}

/* Signs in with the real clock's one-time code (the server reads it too). */
static inline void sp_sign_in(struct hc *c, unsigned port, const struct hc_account *a)
{
	char code[TOTP_CODE_MAX], body[256];
	struct hc_response r;
	assert_int_equal(totp_code(a->secret, a->secret_len, (int64_t)time(NULL), code), ERR_OK);
	memset(c, 0, sizeof *c);
	snprintf(c->base, sizeof c->base, "http://127.0.0.1:%u", port);
	snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\",\"otp\":\"%s\"}", a->name,
		 HC_PASSWORD, code);
	hc_send(c, "POST", "/api/v1/session", body, NULL, &r);
	if (r.status != 200)
		fail_msg("sign-in of %s: %ld %s", a->name, r.status, r.body ? r.body : "");
	hc_take_cookie(c, &r);
	snprintf(c->csrf, sizeof c->csrf, "%s", json_string_value(json_object_get(r.json, "csrf_token")));
	/* a first sign-in: the user accepts the data-protection terms shown */
	json_t *terms = json_object_get(r.json, "terms");
	if (!json_is_true(json_object_get(terms, "accepted"))) {
		snprintf(body, sizeof body, "{\"version\":\"%s\"}",
			 json_string_value(json_object_get(terms, "version")));
		assert_int_equal(hc_status(c, "POST", "/api/v1/session/terms", body), 204);
	}
	hc_free(&r);
}

#endif
