/*
 * decimal.h - an integer in decimal, the text "%lld" gives, without printf:
 * for the paths that write one per record or per request (the JSON writer,
 * the audit chain's hash input).
 */
#ifndef HAVEN_DECIMAL_H
#define HAVEN_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#define DECIMAL_INT_MAX 20 /* "-9223372036854775808" */

/* Writes v's digits (and '-') at the start of out, no NUL; returns their
 * number. */
size_t decimal_int(int64_t v, char out[DECIMAL_INT_MAX]);

#endif
