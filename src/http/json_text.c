/*
 * json_text.c - JSON text written straight into a buffer (see json_text.h).
 */
#include "http/json_text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/decimal.h"
#include "util/utf8.h"

#define TEXT_FIRST 1024

/* Room for n more bytes and the closing NUL; 0, or -1 (and failed) when out
 * of memory. */
static int room(struct json_writer *w, size_t n)
{
	size_t cap = w->cap ? w->cap : TEXT_FIRST;
	if (w->failed || n >= SIZE_MAX / 2 - w->len) {
		w->failed = 1;
		return -1;
	}
	if (w->len + n < w->cap)
		return 0;
	while (cap <= w->len + n)
		cap *= 2;
	char *p = realloc(w->p, cap);
	if (!p) {
		w->failed = 1;
		return -1;
	}
	w->p = p;
	w->cap = cap;
	return 0;
}

static void put(struct json_writer *w, const char *s, size_t n)
{
	if (room(w, n) != 0)
		return;
	memcpy(w->p + w->len, s, n);
	w->len += n;
}

/* A string as jansson escapes it: '"', '\\' and the bytes below 0x20. */
static void put_string(struct json_writer *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	if (n > (SIZE_MAX / 2) / 6 || room(w, n * 6 + 2) != 0) {
		w->failed = 1;
		return;
	}
	char *d = w->p + w->len;
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
	w->len = (size_t)(d - w->p);
}

/* Before a value or a key: the separator the previous one needs. */
static void next(struct json_writer *w)
{
	if (w->comma)
		put(w, ",", 1);
	w->comma = 0;
}

/* A value already written as JSON text. */
static void raw(struct json_writer *w, const char *json, size_t len)
{
	next(w);
	put(w, json, len);
	w->comma = 1;
}

static void open_level(struct json_writer *w, const char *brace)
{
	next(w);
	if (++w->depth > JSON_TEXT_DEPTH_MAX)
		w->failed = 1;
	put(w, brace, 1);
}

static void close_level(struct json_writer *w, const char *brace)
{
	w->depth--;
	put(w, brace, 1);
	w->comma = 1;
}

void jw_begin_object(struct json_writer *w)
{
	open_level(w, "{");
}

void jw_end_object(struct json_writer *w)
{
	close_level(w, "}");
}

void jw_begin_array(struct json_writer *w)
{
	open_level(w, "[");
}

void jw_end_array(struct json_writer *w)
{
	close_level(w, "]");
}

static void key_n(struct json_writer *w, const char *key, size_t n)
{
	next(w);
	put_string(w, key, n);
	put(w, ":", 1);
}

void jw_key(struct json_writer *w, const char *key)
{
	key_n(w, key, strlen(key));
}

/* A string jansson (or utf8_check) has checked already. */
static void string_n(struct json_writer *w, const char *s, size_t n)
{
	next(w);
	put_string(w, s, n);
	w->comma = 1;
}

/* Text that is not UTF-8 fails the document, as jansson's json_string
 * refused it (the importer and the API check what they store). */
void jw_stringn(struct json_writer *w, const char *s, size_t n)
{
	if (utf8_check((const unsigned char *)s, n) != n) {
		w->failed = 1;
		return;
	}
	string_n(w, s, n);
}

void jw_string(struct json_writer *w, const char *s)
{
	if (s)
		jw_stringn(w, s, strlen(s));
	else
		jw_null(w);
}

void jw_integer(struct json_writer *w, int64_t v)
{
	char digits[DECIMAL_INT_MAX];
	raw(w, digits, decimal_int(v, digits));
}

void jw_bool(struct json_writer *w, int v)
{
	raw(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_writer *w)
{
	raw(w, "null", 4);
}

void jw_part(struct json_writer *w, const struct json_writer *part)
{
	if (part->failed || part->len == 0)
		w->failed = 1;
	else
		raw(w, part->p, part->len);
}

char *jw_take(struct json_writer *w, size_t *len)
{
	char *text;
	if (room(w, 0) != 0) {
		jw_free(w);
		return NULL;
	}
	w->p[w->len] = '\0';
	text = w->p;
	if (len)
		*len = w->len;
	*w = (struct json_writer)JSON_WRITER_INIT;
	return text;
}

void jw_free(struct json_writer *w)
{
	free(w->p);
	*w = (struct json_writer)JSON_WRITER_INIT;
}

/* ---- a jansson value --------------------------------------------------------- */

/* Reals are written by jansson, whose digits and ".0" rules are kept. */
static void put_real(struct json_writer *w, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	if (s)
		raw(w, s, strlen(s));
	else
		w->failed = 1;
	free(s);
}

static void put_value(struct json_writer *w, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_begin_object(w);
		for (void *it = json_object_iter((json_t *)v); it && !w->failed;
		     it = json_object_iter_next((json_t *)v, it)) {
			key_n(w, json_object_iter_key(it), json_object_iter_key_len(it));
			put_value(w, json_object_iter_value(it));
		}
		jw_end_object(w);
		break;
	case JSON_ARRAY:
		jw_begin_array(w);
		for (size_t i = 0; i < json_array_size(v) && !w->failed; i++)
			put_value(w, json_array_get(v, i));
		jw_end_array(w);
		break;
	case JSON_STRING: string_n(w, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: jw_integer(w, json_integer_value(v)); break;
	case JSON_REAL: put_real(w, v); break;
	case JSON_TRUE: jw_bool(w, 1); break;
	case JSON_FALSE: jw_bool(w, 0); break;
	default: jw_null(w);
	}
}

char *json_text(const json_t *v, size_t *len)
{
	struct json_writer w = JSON_WRITER_INIT;
	if (!v)
		return NULL;
	put_value(&w, v);
	return jw_take(&w, len);
}
