/*
 * cursor.h - opaque page cursors: the position to continue a list after,
 * sealed (XSalsa20-Poly1305) under a key made at start-up, so that a client
 * can neither read nor forge one.  Internal positions say how many records
 * exist, across agencies; a sealed cursor says nothing.  Cursors die with the
 * process: a list restarted after a restart starts from the top.
 */
#ifndef HAVEN_HTTP_CURSOR_H
#define HAVEN_HTTP_CURSOR_H

#include <stdint.h>

#include "util/err.h"

#define CURSOR_TEXT_MAX 96

/* Writes the cursor for position `pos` (> 0) into `out`. */
void cursor_encode(int64_t pos, char out[CURSOR_TEXT_MAX]);

/* The position of a cursor; ERR_INVALID for anything this process did not
 * make. */
err_t cursor_decode(const char *text, int64_t *pos);

#endif
