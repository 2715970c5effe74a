/*
 * h_session.c - signing in (POST /api/v1/session), who am I (GET),
 * signing out (DELETE), and the data-protection terms (GET /api/v1/terms,
 * POST /api/v1/session/terms).
 *
 * Every wrong credential answers the same 401 problem (reply.c, HF_SIGNIN):
 * users_signin makes the time the same too.  A session cookie sent with a
 * sign-in is ended first, so a cookie planted before sign-in never becomes a
 * signed-in session (fixation).
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "core/clock.h"
#include "core/password.h"
#include "core/session.h"
#include "core/terms.h"
#include "core/totp.h"
#include "core/users.h"
#include "http/body.h"
#include "http/handlers.h"
#include "http/metrics.h"
#include "http/reply.h"
#include "http/routes.h"
#include "http/server.h"

#define COOKIE_ATTRIBUTES "; Path=/; Secure; HttpOnly; SameSite=Strict"

static json_t *user_json(const struct principal *who)
{
	return json_pack("{s:s, s:s, s:s}", "username", who->username, "role",
			 policy_role_name(who->role), "agency", who->agency);
}

/* Whether the user has accepted the current terms: until then the server
 * refuses every record (server.c, gate), and the interface shows them. */
static json_t *terms_json(int accepted)
{
	return json_pack("{s:s, s:b}", "version", terms_version(), "accepted", accepted);
}

/* Wipes a secret string held inside a parsed body before it is freed. */
static void wipe_member(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);
	if (json_is_string(v))
		sodium_memzero((char *)json_string_value(v), json_string_length(v));
}

static err_t start_session(struct request *rq, const struct principal *who, struct reply *out)
{
	struct session_tokens t;
	const char *old = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_COOKIE_NAME);
	struct user_info u = {0};
	err_t e = old ? session_end(rq->reg, old) : ERR_OK;
	if (e == ERR_OK)
		e = users_find(rq->reg, who->username, &u);
	if (e == ERR_OK)
		e = session_create(rq->reg, who->user_id, clock_now(), &t);
	if (e != ERR_OK)
		return e;
	snprintf(out->cookie, sizeof out->cookie, HTTP_COOKIE_NAME "=%s" COOKIE_ATTRIBUTES, t.token);
	out->json = json_pack("{s:s, s:o, s:o}", "csrf_token", t.csrf, "user", user_json(who),
			      "terms", terms_json(strcmp(u.terms_version, terms_version()) == 0));
	sodium_memzero(&t, sizeof t);
	return out->json ? ERR_OK : ERR_NOMEM;
}

/* Checks the credentials in `s` and, when they hold (and are `me`'s, when
 * given), starts a new session.  A refusal counts as a sign-in failure and
 * answers as `fail` says.  Wipes the secrets in `body` and frees it. */
static err_t authenticate(struct request *rq, json_t *body, const struct users_signin *s,
			  const struct principal *me, enum http_fail fail, struct reply *out)
{
	struct principal who;
	err_t e = ERR_INVALID;
	if (body_ok(out)) {
		e = users_signin(rq->reg, s, clock_now(), &who);
		if (e == ERR_OK && me && who.user_id != me->user_id)
			e = ERR_FORBIDDEN;
		if (e == ERR_FORBIDDEN || e == ERR_LIMIT) {
			metrics_signin_failure(http_server_metrics(rq->srv));
			out->fail = fail;
		} else if (e == ERR_OK) {
			e = start_session(rq, &who, out);
		}
	}
	wipe_member(body, "password");
	wipe_member(body, "otp");
	json_decref(body);
	return e;
}

err_t h_session_create(struct request *rq, struct reply *out)
{
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct users_signin s = {
		.username = body_string(body, "username", 1, USERS_NAME_MAX, out),
		.password = body_string(body, "password", 1, PASSWORD_MAX_CHARS, out),
		.otp = body_string(body, "otp", 0, TOTP_DIGITS, out),
		.address = request_address(rq),
		.request_id = rq->request_id,
	};
	return authenticate(rq, body, &s, NULL, HF_SIGNIN, out);
}

/* GET /api/v1/session: who is signed in, and the session's CSRF token again
 * (derived from the cookie, session.h), so that a reloaded page, whose
 * sessionStorage may be gone, goes on working without a new sign-in. */
err_t h_session_show(struct request *rq, struct reply *out)
{
	const struct principal *who = request_who(rq);
	const char *token = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_COOKIE_NAME);
	char csrf[SESSION_TOKEN_TEXT];
	err_t e = session_csrf_of(token, csrf);
	if (e != ERR_OK)
		return e;
	out->json = json_pack("{s:s, s:o, s:I, s:I, s:I, s:o}", "csrf_token", csrf, "user",
			      user_json(who), "expires_at",
			      (json_int_t)(rq->session.created_at + SESSION_ABSOLUTE_SECONDS),
			      "authenticated_at", (json_int_t)rq->session.created_at,
			      "step_up_until",
			      (json_int_t)(rq->session.created_at + POLICY_STEP_UP_SECONDS), "terms",
			      terms_json(rq->session.terms_accepted));
	sodium_memzero(csrf, sizeof csrf);
	return out->json ? ERR_OK : ERR_NOMEM;
}

/* POST /api/v1/session/reauth: the signed-in user gives password and
 * one-time code again (step-up).  Success replaces the session with a new
 * one (new cookie and CSRF token, as at sign-in), so the authentication time
 * is the session's creation and the sensitive actions are open for
 * POLICY_STEP_UP_SECONDS.  A failure leaves the session as it was and counts
 * in the sign-in throttle. */
err_t h_session_reauth(struct request *rq, struct reply *out)
{
	const struct principal *me = request_who(rq);
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct users_signin s = {
		.username = me->username,
		.password = body_string(body, "password", 1, PASSWORD_MAX_CHARS, out),
		.otp = body_string(body, "otp", 0, TOTP_DIGITS, out),
		.address = request_address(rq),
		.request_id = rq->request_id,
		.action = "reauth",
	};
	return authenticate(rq, body, &s, me, HF_REAUTH, out);
}

/* GET /api/v1/terms?lang=az|en|ru: the terms to read before accepting. */
err_t h_terms_show(struct request *rq, struct reply *out)
{
	const char *lang = request_query(rq, "lang");
	struct terms_text t;
	json_t *paragraphs;
	err_t e = terms_text(lang ? lang : "az", &t);
	if (e == ERR_NOT_FOUND) {
		reply_field_error(out, "lang", "az, en or ru");
		return ERR_INVALID;
	}
	if (e != ERR_OK)
		return e;
	out->json = json_pack("{s:s, s:s, s:s, s:[]}", "version", terms_version(), "lang",
			      lang ? lang : "az", "title", t.title, "paragraphs");
	paragraphs = json_object_get(out->json, "paragraphs");
	for (size_t i = 0; paragraphs && i < t.n && e == ERR_OK; i++)
		if (json_array_append_new(paragraphs, json_string(t.paragraphs[i])) != 0)
			e = ERR_NOMEM;
	terms_text_free(&t);
	return out->json ? e : ERR_NOMEM;
}

/* POST /api/v1/session/terms {"version"}: the signed-in user accepts the
 * terms of that version, which must be the current one (else the text
 * shown was an older one: 400 at "version", read them again). */
err_t h_terms_accept(struct request *rq, struct reply *out)
{
	const struct principal *me = request_who(rq);
	struct audit_entry by = {.actor = me->username, .agency = me->agency,
				 .role = policy_role_name(me->role), .request_id = rq->request_id};
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	const char *version = body_string(body, "version", 1, TERMS_VERSION_TEXT, out);
	if (!body_ok(out))
		e = ERR_INVALID;
	else if ((e = users_accept_terms(rq->reg, &by, version, clock_now())) == ERR_INVALID)
		reply_field_error(out, "version", "not the current terms (%s): read them again",
				  terms_version());
	else if (e == ERR_OK)
		out->status = 204;
	json_decref(body);
	return e;
}

err_t h_session_delete(struct request *rq, struct reply *out)
{
	const char *token = MHD_lookup_connection_value(rq->conn, MHD_COOKIE_KIND, HTTP_COOKIE_NAME);
	err_t e = session_end(rq->reg, token);
	if (e != ERR_OK)
		return e;
	snprintf(out->cookie, sizeof out->cookie, HTTP_COOKIE_NAME "=" COOKIE_ATTRIBUTES "; Max-Age=0");
	out->clear_site_data = 1; /* ASVS 14.3.1: nothing of the session stays in the browser */
	out->status = 204;
	return ERR_OK;
}

/* POST /api/v1/password-reset: the user sets their own password with the
 * reset code an administrator handed over (`haven user reset`) and their
 * one-time code.  Any wrong part answers one and the same problem; a weak
 * new password answers 400 at its field.  No session is made: the user signs
 * in with the new password afterwards. */
err_t h_password_reset(struct request *rq, struct reply *out)
{
	char errbuf[ERRBUF_MAX];
	json_t *body = NULL;
	err_t e = body_object(rq, out, &body);
	if (e != ERR_OK)
		return e;
	struct users_reset s = {
		.username = body_string(body, "username", 1, USERS_NAME_MAX, out),
		.code = body_string(body, "code", 1, 2 * USERS_RESET_CODE_TEXT, out),
		.password = body_string(body, "new_password", 1, PASSWORD_MAX_CHARS, out),
		.otp = body_string(body, "otp", 0, TOTP_DIGITS, out),
		.address = request_address(rq),
		.request_id = rq->request_id,
	};
	if (!body_ok(out)) {
		e = ERR_INVALID;
		goto out;
	}
	e = users_reset_redeem(rq->reg, &s, clock_now(), errbuf);
	if (e == ERR_INVALID) {
		reply_field_error(out, "new_password", "%s", errbuf);
	} else if (e == ERR_FORBIDDEN || e == ERR_LIMIT) {
		metrics_signin_failure(http_server_metrics(rq->srv));
		out->fail = HF_RESET;
	} else if (e == ERR_OK) {
		out->status = 204;
	}
out:
	wipe_member(body, "new_password");
	wipe_member(body, "code");
	wipe_member(body, "otp");
	json_decref(body);
	return e;
}
