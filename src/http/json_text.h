/*
 * json_text.h - the compact JSON text of a jansson value, for replies.
 *
 * Writes the same bytes as json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY):
 * members in insertion order, "," and ":" without spaces, '"', '\\' and the
 * control characters escaped as jansson escapes them, UTF-8 left as it is.
 * It exists because json_dumps costs about a tenth of a signed-in read on
 * the server (a call back per piece of text, a printf and a hash table entry
 * per object or array to find cycles); this one writes into one growing
 * buffer.  Reals are rare in replies and are written by jansson itself.
 *
 * The caller owns v; the text returned is the caller's to free().
 */
#ifndef HAVEN_HTTP_JSON_TEXT_H
#define HAVEN_HTTP_JSON_TEXT_H

#include <stddef.h>

#include <jansson.h>

/* Deeper values are refused, as a cycle would be (jansson's own limit). */
#define JSON_TEXT_DEPTH_MAX 2048

/* The text, NUL-terminated, and its length in *len (may be NULL); NULL when
 * out of memory or v is nested deeper than JSON_TEXT_DEPTH_MAX. */
char *json_text(const json_t *v, size_t *len);

#endif
