/*
 * rbuf.h - a growable text buffer with a size cap, for the report module's
 * narrative and renderers.
 *
 * Errors are sticky: after a failed append (ERR_NOMEM, or ERR_LIMIT past the
 * cap) every later append is a no-op and rbuf_err answers the first error, so
 * a caller may append a whole paragraph and check once.  The text is always
 * NUL-terminated once anything was appended.
 */
#ifndef HAVEN_REPORT_RBUF_H
#define HAVEN_REPORT_RBUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/err.h"

#define RBUF_DEFAULT_MAX (4u << 20) /* 4 MiB: far above any report */

struct rbuf {
	char *p;    /* owned; NULL until the first append */
	size_t len; /* bytes of text, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* the cap on len */
	err_t err;  /* first error, sticky */
};

/* Starts an empty buffer that refuses to grow past `max` bytes. */
void rbuf_init(struct rbuf *b, size_t max);

/* Appends n bytes / a string / printf-formatted text. */
err_t rbuf_add(struct rbuf *b, const char *s, size_t n);
err_t rbuf_puts(struct rbuf *b, const char *s);
err_t rbuf_printf(struct rbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The text so far ("" when empty); borrowed, valid until the next append. */
const char *rbuf_str(const struct rbuf *b);

/* Hands the text to the caller (malloc'd, never NULL on ERR_OK) and empties
 * the buffer; on a sticky error answers it and frees the text. */
err_t rbuf_take(struct rbuf *b, char **out);

/* Frees the text; the buffer may be reused after rbuf_init. */
void rbuf_free(struct rbuf *b);

#endif
