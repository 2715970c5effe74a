/*
 * reply.c - outcomes into HTTP responses (reply.h).
 *
 * status_table is the whole mapping from (err_t, http_fail) to a status and
 * the problem's type and title; nothing else in Haven picks a status for a
 * failure.  Storage, memory and crypto failures all answer one generic 500:
 * a caller learns nothing from how the server failed, and nothing is shown
 * (fail closed).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/reply.h"

#define PROBLEM_BASE "https://haven.invalid/problems/"
#define MESSAGE_MAX 256
#define JSON_TYPE "application/json; charset=utf-8"

/* A strict policy for the API: it serves no script, style, image or frame. */
#define CSP_API                                                                            \
	"default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " \
	"object-src 'none'"
#define HSTS "max-age=31536000; includeSubDomains"

struct problem_kind {
	unsigned status;
	const char *slug, *title, *detail;
};

/* The problem for each http_fail (index), then for each generic err_t. */
static const struct problem_kind fails[] = {
	[HF_NONE] = {500, "internal", "Internal error", "the server could not answer"},
	[HF_SIGNIN] = {401, "signin-failed", "Sign-in failed",
		       "the username, password or one-time code is wrong"},
	[HF_UNAUTHENTICATED] = {401, "unauthenticated", "Not signed in",
				"sign in first: the session is missing, expired or ended"},
	[HF_CSRF] = {403, "csrf", "Missing or wrong CSRF token",
		     "send the token given at sign-in in the X-CSRF-Token header"},
	[HF_ORIGIN] = {403, "origin", "Foreign origin",
		       "state changes are accepted only from this server's own origin"},
	[HF_NO_ROUTE] = {404, "not-found", "Not found", "there is nothing at this address"},
	[HF_METHOD] = {405, "method", "Method not allowed",
		       "this address does not take this method (see the Allow header)"},
	[HF_BODY_LARGE] = {413, "body-too-large", "Request body too large",
			   "the body is over the limit of 1 MiB"},
	[HF_HEADERS_LARGE] = {431, "headers-too-large", "Request header fields too large",
			      "the request's headers are over the limit"},
	[HF_MEDIA] = {415, "media-type", "Unsupported media type",
		      "send the body as application/json"},
	[HF_FRAMING] = {400, "framing", "Ambiguous request framing",
			"send either Content-Length or Transfer-Encoding, not both"},
	[HF_UNAVAILABLE] = {503, "unavailable", "Service unavailable",
			    "the server cannot reach its database or is stopping; try again"},
	[HF_REASON] = {403, "reason-required", "Reason required",
		       "state the reason for reading this record in the X-Access-Reason header"},
	[HF_RESET] = {403, "reset-failed", "Password reset failed",
		      "the username, reset code or one-time code is wrong, or the reset code "
		      "has expired or was used: ask an administrator for a new one"},
	[HF_STEP_UP] = {401, "reauth-required", "Authenticate again",
			"this action needs a sign-in of the last 5 minutes: send password and "
			"one-time code to POST /api/v1/session/reauth, then repeat the request"},
	[HF_REAUTH] = {403, "reauth-failed", "Re-authentication failed",
		       "the password or one-time code is wrong; the session is unchanged"},
	[HF_TERMS] = {403, "terms-required", "Accept the data-protection terms first",
		      "read GET /api/v1/terms and accept them with POST /api/v1/session/terms"},
};

static const struct problem_kind by_err[] = {
	[ERR_INVALID] = {400, "invalid", "Invalid request", "the request breaks the rules listed"},
	[ERR_NOT_FOUND] = {404, "not-found", "Not found", "there is no such record"},
	[ERR_CONFLICT] = {409, "conflict", "Conflict",
			  "the record changed or exists already; read it again"},
	[ERR_FORBIDDEN] = {403, "forbidden", "Forbidden", "your role may not do this"},
	[ERR_LIMIT] = {429, "too-many", "Too many requests", "slow down and try again later"},
};

/* Signing in: the one answer for any wrong credential, and the hold. */
static const struct problem_kind signin_held = {429, "signin-held", "Too many sign-in attempts",
						"wait a few minutes before trying again"};

static const struct problem_kind *kind_of(err_t e, enum http_fail f)
{
	int uniform = f == HF_SIGNIN || f == HF_RESET || f == HF_REAUTH;
	if (uniform && e == ERR_LIMIT)
		return &signin_held;
	if (f != HF_NONE && f < sizeof fails / sizeof fails[0] && !(uniform && e != ERR_FORBIDDEN))
		return &fails[f];
	if ((unsigned)e < sizeof by_err / sizeof by_err[0] && by_err[e].status)
		return &by_err[e];
	return &fails[HF_NONE];
}

unsigned reply_status(err_t e, enum http_fail f)
{
	if (e == ERR_OK && f == HF_NONE)
		return 0;
	return kind_of(e, f)->status;
}

void reply_init(struct reply *r)
{
	memset(r, 0, sizeof *r);
	r->status = 200;
}

void reply_cleanup(struct reply *r)
{
	json_decref(r->json);
	json_decref(r->errors);
	free(r->text);
	memset(r, 0, sizeof *r);
}

void reply_field_error(struct reply *r, const char *field, const char *fmt, ...)
{
	char msg[MESSAGE_MAX];
	va_list ap;
	json_t *item;
	if (!r->errors && !(r->errors = json_array()))
		return;
	if (json_array_size(r->errors) >= REPLY_ERRORS_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	item = json_pack("{s:s, s:s}", "field", field, "message", msg);
	if (!item) /* never lose an error: a message that is not UTF-8 becomes a generic one */
		item = json_pack("{s:s, s:s}", "field", field, "message", "not acceptable");
	if (item)
		json_array_append_new(r->errors, item);
}

static void security_headers(struct MHD_Response *resp, const char *request_id)
{
	MHD_add_response_header(resp, "Content-Security-Policy", CSP_API);
	MHD_add_response_header(resp, "Strict-Transport-Security", HSTS);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	MHD_add_response_header(resp, "X-Request-Id", request_id);
}

/* The problem document; NULL when out of memory. */
static char *problem_body(const struct problem_kind *k, const struct reply *r)
{
	char type[128];
	json_t *doc;
	char *text;
	snprintf(type, sizeof type, PROBLEM_BASE "%s", k->slug);
	doc = json_pack("{s:s, s:s, s:i, s:s}", "type", type, "title", k->title, "status",
			(int)k->status, "detail", r->detail ? r->detail : k->detail);
	if (!doc)
		return NULL;
	if (r->errors && json_array_size(r->errors) > 0)
		json_object_set(doc, "errors", r->errors);
	text = json_text(doc, NULL);
	json_decref(doc);
	return text;
}

err_t reply_json_text(struct reply *r, struct json_writer *w)
{
	free(r->text);
	r->text = jw_take(w, &r->text_len);
	r->content_type = JSON_TYPE;
	return r->text ? ERR_OK : ERR_NOMEM;
}

/* The body and its type for a success. */
static char *success_body(struct reply *r, size_t *len, const char **type)
{
	char *text;
	if (r->text) {
		text = r->text;
		r->text = NULL;
		*len = r->text_len;
		*type = r->content_type ? r->content_type : "text/plain; charset=utf-8";
		return text;
	}
	*type = JSON_TYPE;
	if (!r->json) {
		*len = 0;
		return NULL;
	}
	text = json_text(r->json, len);
	if (!text)
		*len = 0;
	return text;
}

static void queue(struct request *rq, unsigned status, char *body, size_t len, const char *type,
		  const struct reply *r)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE
										  : MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(body);
		return; /* MHD closes the connection */
	}
	security_headers(resp, rq->request_id);
	if (len > 0 || status != 204)
		MHD_add_response_header(resp, "Content-Type", type);
	if (r && r->cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->cookie);
	if (r && r->allow[0])
		MHD_add_response_header(resp, "Allow", r->allow);
	if (r && r->clear_site_data) /* not "storage": it keeps each user's language only */
		MHD_add_response_header(resp, "Clear-Site-Data", "\"cache\", \"cookies\"");
	if (status == 413 || status == 431 || status == 400)
		MHD_add_response_header(resp, "Connection", "close");
	MHD_queue_response(rq->conn, status, resp);
	MHD_destroy_response(resp);
	rq->answered = 1;
	rq->status = status;
}

void reply_send(struct request *rq, err_t e, struct reply *r)
{
	const char *type;
	size_t len = 0;
	char *body;
	if (rq->answered)
		return;
	if (e == ERR_OK && r->fail == HF_NONE) {
		body = success_body(r, &len, &type);
		if (r->json && !body) {
			e = ERR_NOMEM;
		} else {
			queue(rq, r->status, body, len, type, r);
			return;
		}
	}
	const struct problem_kind *k = kind_of(e, r->fail);
	body = problem_body(k, r);
	queue(rq, k->status, body, body ? strlen(body) : 0,
	      "application/problem+json; charset=utf-8", r);
}

void reply_fail(struct request *rq, err_t e, enum http_fail f)
{
	struct reply r;
	reply_init(&r);
	r.fail = f;
	reply_send(rq, e, &r);
	reply_cleanup(&r);
}
