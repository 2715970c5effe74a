/*
 * body.h - request bodies parsed strictly: one JSON object, no duplicate
 * keys, no unknown fields, every value of the type and size its field takes.
 *
 * Each reader records what is wrong in the reply's field errors and carries
 * on, so that one answer lists every problem; the handler asks body_ok at the
 * end.  No error message repeats a submitted value.
 */
#ifndef HAVEN_HTTP_BODY_H
#define HAVEN_HTTP_BODY_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "http/request.h"

#define BODY_DEPTH_MAX 4 /* objects and arrays nested in a body */

/* Parses rq's body into *obj (owned by the caller, json_decref).  ERR_INVALID
 * with a field error "body" for anything but a JSON object, invalid UTF-8, a
 * duplicate key or nesting deeper than BODY_DEPTH_MAX.  Members not in the
 * route's list are recorded as field errors (body_only) and the object is
 * still handed back, so that the caller reports every problem at once. */
err_t body_object(const struct request *rq, struct reply *out, json_t **obj);

/* Records an "unknown field" error for every key of obj not in `allowed`
 * (NULL-terminated; NULL: no member allowed).  body_object does it for the
 * route's list. */
void body_only(json_t *obj, const char *const *allowed, struct reply *out);

/* A string member: NULL when absent or null (an error when `required`), or
 * not a string, or longer than `max` characters (errors).  Borrowed from obj. */
const char *body_string(json_t *obj, const char *name, int required, size_t max,
			struct reply *out);

/* A date member "YYYY-MM-DD": DATE_NONE when absent or null (an error when
 * `required`). */
int64_t body_date(json_t *obj, const char *name, int required, struct reply *out);

/* A boolean member: -1 when absent, else 0 or 1. */
int body_bool(json_t *obj, const char *name, struct reply *out);

/* 1 when no field error was recorded. */
int body_ok(const struct reply *out);

/* Counts UTF-8 characters (the body is valid UTF-8: jansson checked it). */
size_t body_chars(const char *s);

#endif
