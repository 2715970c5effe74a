/*
 * json_text.c - the compact JSON text of a jansson value (see json_text.h).
 */
#include "http/json_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_FIRST 1024

struct text {
	char *p;
	size_t len, cap;
};

/* Room for n more bytes and the closing NUL; -1 when out of memory. */
static int room(struct text *t, size_t n)
{
	size_t cap = t->cap ? t->cap : TEXT_FIRST;
	if (n >= SIZE_MAX / 2 - t->len)
		return -1;
	if (t->len + n < t->cap)
		return 0;
	while (cap <= t->len + n)
		cap *= 2;
	char *p = realloc(t->p, cap);
	if (!p)
		return -1;
	t->p = p;
	t->cap = cap;
	return 0;
}

static int put(struct text *t, const char *s, size_t n)
{
	if (room(t, n) != 0)
		return -1;
	memcpy(t->p + t->len, s, n);
	t->len += n;
	return 0;
}

/* A string as jansson escapes it: '"', '\\' and the bytes below 0x20. */
static int put_string(struct text *t, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	if (n > (SIZE_MAX / 2) / 6 || room(t, n * 6 + 2) != 0)
		return -1;
	char *d = t->p + t->len;
	*d++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\') {
			*d++ = (char)c;
			continue;
		}
		*d++ = '\\';
		switch (c) {
		case '"': *d++ = '"'; break;
		case '\\': *d++ = '\\'; break;
		case '\b': *d++ = 'b'; break;
		case '\f': *d++ = 'f'; break;
		case '\n': *d++ = 'n'; break;
		case '\r': *d++ = 'r'; break;
		case '\t': *d++ = 't'; break;
		default:
			memcpy(d, "u00", 3);
			d[3] = hex[c >> 4];
			d[4] = hex[c & 0xF];
			d += 5;
		}
	}
	*d++ = '"';
	t->len = (size_t)(d - t->p);
	return 0;
}

static int put_integer(struct text *t, json_int_t v)
{
	char digits[24], *d = digits + sizeof digits;
	/* through the unsigned magnitude, so that the smallest value has one */
	unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do
		*--d = (char)('0' + m % 10);
	while ((m /= 10) != 0);
	if (v < 0)
		*--d = '-';
	return put(t, d, (size_t)(digits + sizeof digits - d));
}

/* Reals are written by jansson, whose digits and ".0" rules are kept. */
static int put_real(struct text *t, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	int rc = s ? put(t, s, strlen(s)) : -1;
	free(s);
	return rc;
}

static int put_value(struct text *t, const json_t *v, int depth);

static int put_object(struct text *t, const json_t *v, int depth)
{
	int first = 1;
	if (put(t, "{", 1) != 0)
		return -1;
	for (void *it = json_object_iter((json_t *)v); it;
	     it = json_object_iter_next((json_t *)v, it), first = 0)
		if ((!first && put(t, ",", 1) != 0) ||
		    put_string(t, json_object_iter_key(it), json_object_iter_key_len(it)) != 0 ||
		    put(t, ":", 1) != 0 || put_value(t, json_object_iter_value(it), depth) != 0)
			return -1;
	return put(t, "}", 1);
}

static int put_array(struct text *t, const json_t *v, int depth)
{
	size_t n = json_array_size(v);
	if (put(t, "[", 1) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if ((i > 0 && put(t, ",", 1) != 0) || put_value(t, json_array_get(v, i), depth) != 0)
			return -1;
	return put(t, "]", 1);
}

static int put_value(struct text *t, const json_t *v, int depth)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return depth >= JSON_TEXT_DEPTH_MAX ? -1 : put_object(t, v, depth + 1);
	case JSON_ARRAY:
		return depth >= JSON_TEXT_DEPTH_MAX ? -1 : put_array(t, v, depth + 1);
	case JSON_STRING:
		return put_string(t, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return put_integer(t, json_integer_value(v));
	case JSON_REAL:
		return put_real(t, v);
	case JSON_TRUE:
		return put(t, "true", 4);
	case JSON_FALSE:
		return put(t, "false", 5);
	default:
		return put(t, "null", 4);
	}
}

char *json_text(const json_t *v, size_t *len)
{
	struct text t = {0};
	if (!v || put_value(&t, v, 0) != 0 || room(&t, 0) != 0) {
		free(t.p);
		return NULL;
	}
	t.p[t.len] = '\0';
	if (len)
		*len = t.len;
	return t.p;
}
