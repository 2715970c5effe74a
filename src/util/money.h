/*
 * money.h - amounts as an integer count of the smallest unit (qəpik for AZN),
 * never floating point.
 */
#ifndef HAVEN_MONEY_H
#define HAVEN_MONEY_H

#include <stdint.h>

#include "util/err.h"

#define MONEY_TEXT_MAX 32
#define MONEY_MAX INT64_C(100000000000000) /* 1e12 units: far above any payment */

/* Parses a non-negative decimal with at most two fractional digits ("700",
 * "700.5", "5050.00") into minor units. */
err_t money_parse(const char *s, int64_t *out);

/* Writes "5050.00" (no grouping) into buf (MONEY_TEXT_MAX bytes). */
void money_format(int64_t minor, char *buf);

#endif
