/*
 * body.c - strict JSON bodies (body.h) over jansson.
 */
#include <string.h>

#include "core/validate.h"
#include "http/body.h"
#include "http/reply.h"
#include "http/routes.h"
#include "util/date.h"

static size_t depth(json_t *v)
{
	size_t deepest = 0, d;
	const char *key;
	json_t *item;
	size_t i;
	if (json_is_object(v)) {
		json_object_foreach(v, key, item) if ((d = depth(item)) > deepest) deepest = d;
		return deepest + 1;
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, item) if ((d = depth(item)) > deepest) deepest = d;
		return deepest + 1;
	}
	return 0;
}

err_t body_object(const struct request *rq, struct reply *out, json_t **obj)
{
	json_error_t jerr;
	json_t *v;
	if (!rq->body || rq->body_len == 0) {
		reply_field_error(out, "body", "a JSON object is required");
		return ERR_INVALID;
	}
	/* jansson refuses invalid UTF-8 and \u0000 by itself; it keeps the last of
	 * duplicate keys unless told to refuse them. */
	v = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		reply_field_error(out, "body", "not valid JSON at line %d, column %d (%s)", jerr.line,
				  jerr.column,
				  strstr(jerr.text, "duplicate") ? "duplicate key" : "syntax");
		return ERR_INVALID;
	}
	if (!json_is_object(v) || depth(v) > BODY_DEPTH_MAX) {
		json_decref(v);
		reply_field_error(out, "body", "a JSON object nested at most %d deep is required",
				  BODY_DEPTH_MAX);
		return ERR_INVALID;
	}
	body_only(v, rq->route ? rq->route->fields : NULL, out);
	*obj = v;
	return ERR_OK;
}

void body_only(json_t *obj, const char *const *allowed, struct reply *out)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		char name[68];
		int known = 0;
		for (size_t i = 0; allowed && allowed[i] && !known; i++)
			known = strcmp(key, allowed[i]) == 0;
		if (known)
			continue;
		/* printable ASCII only: a name cut inside a UTF-8 character would make
		 * the message invalid UTF-8, which the reply cannot hold */
		validate_echo(key, strlen(key), name, sizeof name);
		reply_field_error(out, "body", "unknown or unsettable field (%s)", name);
	}
}

size_t body_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

const char *body_string(json_t *obj, const char *name, int required, size_t max,
			struct reply *out)
{
	json_t *v = json_object_get(obj, name);
	const char *s;
	if (!v || json_is_null(v)) {
		if (required)
			reply_field_error(out, name, "required");
		return NULL;
	}
	if (!json_is_string(v)) {
		reply_field_error(out, name, "must be a string");
		return NULL;
	}
	s = json_string_value(v);
	if (body_chars(s) > max) {
		reply_field_error(out, name, "longer than %zu characters", max);
		return NULL;
	}
	if (required && !*s) {
		reply_field_error(out, name, "required");
		return NULL;
	}
	return *s ? s : NULL;
}

int64_t body_date(json_t *obj, const char *name, int required, struct reply *out)
{
	const char *s = body_string(obj, name, required, DATE_TEXT_MAX, out);
	int64_t t;
	if (!s)
		return DATE_NONE;
	if (date_parse(s, &t) != ERR_OK) {
		reply_field_error(out, name, "must be a date YYYY-MM-DD that exists (1900-2200)");
		return DATE_NONE;
	}
	return t;
}

int body_bool(json_t *obj, const char *name, struct reply *out)
{
	json_t *v = json_object_get(obj, name);
	if (!v)
		return -1;
	if (!json_is_boolean(v)) {
		reply_field_error(out, name, "must be true or false");
		return -1;
	}
	return json_is_true(v);
}

int body_ok(const struct reply *out)
{
	return !out->errors || json_array_size(out->errors) == 0;
}
