/* qr.c - QR codes through libqrencode (qr.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>
#include <sodium.h>

#include "util/qr.h"

#define QUIET 2 /* modules of light border when printed */

err_t qr_encode(const char *text, struct qr *out)
{
	QRcode *c;
	size_t n;
	memset(out, 0, sizeof *out);
	/* level M: a phone reads it off a screen even when a corner is glared */
	if (!(c = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1)))
		return errno == ENOMEM ? ERR_NOMEM : ERR_INVALID;
	n = (size_t)c->width;
	if (!(out->modules = malloc(n * n))) {
		QRcode_free(c);
		return ERR_NOMEM;
	}
	for (size_t i = 0; i < n * n; i++)
		out->modules[i] = (char)(c->data[i] & 1); /* bit 0: dark */
	out->width = n;
	sodium_memzero(c->data, n * n);
	QRcode_free(c);
	return ERR_OK;
}

void qr_free(struct qr *q)
{
	if (q->modules) {
		sodium_memzero(q->modules, q->width * q->width);
		free(q->modules);
	}
	memset(q, 0, sizeof *q);
}

static int dark(const struct qr *q, long x, long y)
{
	long n = (long)q->width;
	return x >= 0 && y >= 0 && x < n && y < n && q->modules[y * n + x];
}

void qr_print(const struct qr *q, FILE *out)
{
	/* as `qrencode -t UTF8` does: the light modules (and the quiet zone)
	 * are drawn, so the terminal's dark background gives the dark ones;
	 * two rows a line, by the upper and lower half blocks */
	static const char *const glyph[4] = {" ", "\u2580", "\u2584", "\u2588"};
	long n = (long)q->width;
	for (long y = -QUIET; y < n + QUIET; y += 2) {
		for (long x = -QUIET; x < n + QUIET; x++)
			fputs(glyph[(!dark(q, x, y)) | (!dark(q, x, y + 1)) << 1], out);
		fputc('\n', out);
	}
}
