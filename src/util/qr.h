/*
 * qr.h - a QR code of a short text (libqrencode), as rows of modules, so
 * that an authenticator app can take an otpauth:// URI by camera instead of
 * a person typing 32 letters.  Each caller draws it its own way: the web
 * interface as SVG, the console with block characters.
 *
 * The caller owns the result and frees it with qr_free (it is wiped: the
 * text it encodes is a secret).
 */
#ifndef HAVEN_QR_H
#define HAVEN_QR_H

#include <stddef.h>

#include "util/err.h"

#define QR_WIDTH_MAX 177 /* modules per side of the largest QR code (version 40) */

struct qr {
	size_t width;   /* modules per side, without the quiet zone */
	char *modules;  /* width * width bytes, row by row: 1 dark, 0 light */
};

/* ERR_INVALID when the text does not fit a QR code, ERR_NOMEM. */
err_t qr_encode(const char *text, struct qr *out);
void qr_free(struct qr *q); /* accepts a zeroed struct */

/* Prints q to `out` with Unicode half blocks (two rows a line) for a
 * terminal with a dark background, as `qrencode -t UTF8` does, with a quiet
 * zone of two modules. */
#include <stdio.h>
void qr_print(const struct qr *q, FILE *out);

#endif
