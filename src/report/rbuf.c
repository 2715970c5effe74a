/* rbuf.c - the capped growable text buffer of rbuf.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/rbuf.h"

void rbuf_init(struct rbuf *b, size_t max)
{
	*b = (struct rbuf){.max = max};
}

/* Makes room for `more` bytes and a NUL. */
static err_t grow(struct rbuf *b, size_t more)
{
	size_t need, cap;
	char *p;
	if (b->err != ERR_OK)
		return b->err;
	if (more > b->max - b->len)
		return b->err = ERR_LIMIT;
	need = b->len + more + 1;
	if (need <= b->cap)
		return ERR_OK;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p)
		return b->err = ERR_NOMEM;
	b->p = p;
	b->cap = cap;
	return ERR_OK;
}

err_t rbuf_add(struct rbuf *b, const char *s, size_t n)
{
	err_t e = grow(b, n);
	if (e != ERR_OK)
		return e;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return ERR_OK;
}

err_t rbuf_puts(struct rbuf *b, const char *s)
{
	return rbuf_add(b, s, strlen(s));
}

err_t rbuf_printf(struct rbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	err_t e;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return b->err = b->err ? b->err : ERR_INVALID;
	if ((e = grow(b, (size_t)n)) != ERR_OK)
		return e;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return ERR_OK;
}

const char *rbuf_str(const struct rbuf *b)
{
	return b->p ? b->p : "";
}

err_t rbuf_take(struct rbuf *b, char **out)
{
	err_t e = b->err;
	if (e == ERR_OK && !b->p)
		e = grow(b, 0);
	if (e != ERR_OK) {
		rbuf_free(b);
		return e;
	}
	b->p[b->len] = '\0';
	*out = b->p;
	*b = (struct rbuf){.max = b->max};
	return ERR_OK;
}

void rbuf_free(struct rbuf *b)
{
	free(b->p);
	*b = (struct rbuf){.max = b->max};
}
