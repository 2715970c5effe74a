/*
 * json_text.h - JSON text written straight into one growing buffer.
 *
 * Two ways in.  json_text() writes a jansson value: the same bytes as
 * json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY), members in insertion order,
 * '"', '\\' and the control characters escaped as jansson escapes them,
 * UTF-8 left as it is.  The writer (jw_*) writes a document member by member
 * in that same form, for the replies a signed-in read sends most (records
 * and lists of them: json_out.h), without a tree: building, printing and
 * freeing a jansson tree was about a sixth of such a read's CPU.
 *
 * Writer calls go in document order; a key comes before each member value.
 * A failure (out of memory, nesting beyond JSON_TEXT_DEPTH_MAX) is kept and
 * reported once, by jw_take.  The caller owns the writer and frees what
 * jw_take returns; json_text's text is the caller's to free() as well.
 */
#ifndef HAVEN_HTTP_JSON_TEXT_H
#define HAVEN_HTTP_JSON_TEXT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Deeper values are refused (jansson parses no deeper either). */
#define JSON_TEXT_DEPTH_MAX 2048

struct json_writer {
	char *p;
	size_t len, cap;
	unsigned depth;
	int comma;  /* a value was written last: the next one needs a ',' */
	int failed;
};

#define JSON_WRITER_INIT {0}

void jw_begin_object(struct json_writer *w);
void jw_end_object(struct json_writer *w);
void jw_begin_array(struct json_writer *w);
void jw_end_array(struct json_writer *w);
void jw_key(struct json_writer *w, const char *key);
void jw_string(struct json_writer *w, const char *s); /* NULL: null */
void jw_stringn(struct json_writer *w, const char *s, size_t n);
void jw_integer(struct json_writer *w, int64_t v);
void jw_bool(struct json_writer *w, int v);
void jw_null(struct json_writer *w);
/* The value another writer holds, as the next value; a part that failed or
 * holds nothing fails w. */
void jw_part(struct json_writer *w, const struct json_writer *part);

/* The text written, NUL-terminated, its length in *len (may be NULL), and
 * the writer emptied; NULL (the writer freed) when anything failed. */
char *jw_take(struct json_writer *w, size_t *len);
void jw_free(struct json_writer *w);

/* v's text and its length in *len (may be NULL); NULL when out of memory or
 * v is nested deeper than JSON_TEXT_DEPTH_MAX. */
char *json_text(const json_t *v, size_t *len);

#endif
