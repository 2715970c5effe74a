/*
 * request.h - what the parts of the HTTP layer share about one request: the
 * matched route, the caller, the body, and the reply a handler builds.
 *
 * Internal to src/http/.  A handler gets a `struct request` (owned by the
 * server, valid during the call) and fills a `struct reply` (the server sends
 * it and frees what it holds).  A handler returns ERR_OK for success or an
 * error code that reply.c alone turns into a status and a problem document.
 */
#ifndef HAVEN_HTTP_REQUEST_H
#define HAVEN_HTTP_REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "core/audit.h"
#include "core/auditqueue.h"
#include "core/policy.h"
#include "core/record.h"
#include "core/registry.h"
#include "core/session.h"

#define HTTP_REQUEST_ID_TEXT 17 /* 16 hex digits and a NUL */
#define HTTP_PARAM_MAX RECORD_REF_MAX
#define HTTP_ADDRESS_MAX 64
#define HTTP_COOKIE_NAME "__Host-haven"
#define HTTP_CSRF_HEADER "X-CSRF-Token"
#define HTTP_REASON_HEADER "X-Access-Reason"

typedef struct http_server http_server;
struct route;
struct pool_slot;

/* Failures that are not an error code of core: limits, protocol, the
 * sign-in's deliberately uniform answer.  reply.c maps them with err_t. */
enum http_fail {
	HF_NONE = 0,        /* map the err_t alone */
	HF_SIGNIN,          /* ERR_FORBIDDEN: the one sign-in failure; ERR_LIMIT: held back */
	HF_UNAUTHENTICATED, /* no live session */
	HF_CSRF,            /* missing or wrong X-CSRF-Token */
	HF_ORIGIN,          /* a state change from a foreign Origin */
	HF_NO_ROUTE,        /* no such path */
	HF_METHOD,          /* path known, method not */
	HF_BODY_LARGE,      /* body over HTTP_BODY_MAX */
	HF_HEADERS_LARGE,   /* headers over HTTP_HEADERS_MAX or too many */
	HF_MEDIA,           /* a body that is not application/json */
	HF_FRAMING,         /* ambiguous framing (Content-Length and Transfer-Encoding) */
	HF_UNAVAILABLE,     /* the database cannot be opened, or shutting down */
	HF_REASON,          /* a coordinator's read without a stated reason */
	HF_RESET,           /* ERR_FORBIDDEN: the one reset failure; ERR_LIMIT: held back */
	HF_STEP_UP,         /* a sensitive action with an authentication over 5 minutes old */
	HF_REAUTH,          /* ERR_FORBIDDEN: re-authentication failed; ERR_LIMIT: held back */
	HF_TERMS,           /* the data-protection terms are not accepted (terms.h) */
};

/* What a handler answers on success (or adds to a failure: errors). */
struct reply {
	unsigned status;          /* 200, 201, 204 */
	json_t *json;             /* body, owned (NULL: none) */
	char *text;               /* or a text body, malloc'd, owned */
	size_t text_len;
	const char *content_type; /* of `text`; static */
	char cookie[160];         /* a Set-Cookie value, "" for none */
	char allow[64];           /* the Allow header of a 405, "" for none */
	int clear_site_data;      /* sign-out: Clear-Site-Data for cache and cookies */
	/* for failures */
	enum http_fail fail;
	const char *detail;       /* static text for the problem's detail */
	json_t *errors;           /* [{"field", "message"}], owned */
};

struct request {
	http_server *srv;
	struct MHD_Connection *conn;
	const struct route *route;
	char method[16];
	char param[HTTP_PARAM_MAX + 1]; /* the {id} of the path, "" when none */
	char request_id[HTTP_REQUEST_ID_TEXT];
	char address[HTTP_ADDRESS_MAX]; /* request_address's, once asked for */
	int address_known;
	int64_t started_us;

	/* body */
	char *body;
	size_t body_len, body_cap;
	int body_over; /* the body passed HTTP_BODY_MAX: discarded, answered 413 */
	int body_nomem; /* no memory to keep the body: discarded, answered 503 */
	int late;      /* came after the server began to stop: answered 503 */

	/* caller */
	registry *reg; /* the connection lent for the handler (NULL outside it) */
	struct pool_slot *slot; /* whence reg was lent */
	int signed_in;
	struct session_info session;

	/* A read's audit entries (caseview_ctx.ticket) and the answer held,
	 * the connection suspended, until they have committed. */
	struct audit_ticket ticket;
	struct reply held;
	err_t held_e;
	int holding;        /* the answer waits for the ticket */
	err_t audit_result; /* set by the queue's thread before it resumes us */

	int answered; /* a response was queued */
	unsigned status; /* the status sent, for the log and metrics */
};

/* A handler of the route table. */
typedef err_t (*http_handler)(struct request *rq, struct reply *out);

/* 1 when the request's method changes state (anything but GET and HEAD). */
int request_changes_state(const struct request *rq);

/* A request header or query argument (borrowed from MHD; NULL if absent). */
const char *request_header(const struct request *rq, const char *name);
const char *request_query(const struct request *rq, const char *name);

/* The client's address: the peer's, or behind the trusted proxy the last
 * hop of X-Forwarded-For.  Worked out on first use, as only sign-in and its
 * throttling need it (it was 2% of a read's instructions). */
const char *request_address(struct request *rq);

/* Checks that every query argument is one of `allowed` (NULL-terminated);
 * ERR_INVALID with an entry per unknown argument in out->errors. */
err_t request_query_only(const struct request *rq, const char *const *allowed, struct reply *out);

/* The principal of a signed-in request (NULL when not signed in). */
const struct principal *request_who(const struct request *rq);

/* The audit entry of an act of the signed-in caller: actor, agency, role and
 * request id filled, the rest for the caller to fill. */
struct audit_entry request_audit_entry(const struct request *rq);

#endif
