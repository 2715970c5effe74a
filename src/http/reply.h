/*
 * reply.h - the only place where an outcome becomes an HTTP response: the
 * status an error code (and an http_fail) stands for, problem documents
 * (RFC 9457, application/problem+json) with a field-by-field list for
 * invalid input, and the security headers every response carries.
 *
 * Problem documents never hold personal data or a request's values: titles
 * and details are static text, field errors name the field and the rule.
 */
#ifndef HAVEN_HTTP_REPLY_H
#define HAVEN_HTTP_REPLY_H

#include "http/request.h"
#include "http/json_text.h"

#define REPLY_ERRORS_MAX 100 /* field errors listed in one problem */

/* Sets *r to an empty 200 reply. */
void reply_init(struct reply *r);
/* Frees what *r holds.  Accepts a reply that holds nothing. */
void reply_cleanup(struct reply *r);

/* The status for an outcome: e is ERR_OK only with f == HF_NONE (success,
 * then 0: the handler's own status stands). */
unsigned reply_status(err_t e, enum http_fail f);

/* Adds {"field", "message"} to r->errors (at most REPLY_ERRORS_MAX; the
 * message is formatted; it must not quote a submitted value). */
void reply_field_error(struct reply *r, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Makes the writer's JSON text the body (taken from the writer), as a
 * success sends r->json; ERR_NOMEM when the writer failed. */
err_t reply_json_text(struct reply *r, struct json_writer *w);

/* Sends the reply for outcome `e` on rq's connection: the handler's body on
 * success, else a problem document.  Adds the security headers, the request
 * id and any cookie.  Frees nothing: the caller still calls reply_cleanup. */
void reply_send(struct request *rq, err_t e, struct reply *r);

/* Shorthand for a failure with no handler reply. */
void reply_fail(struct request *rq, err_t e, enum http_fail f);

#endif
