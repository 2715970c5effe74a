/*
 * money.c - exact decimal amounts in minor units.
 */
#include <inttypes.h>
#include <stdio.h>

#include "util/money.h"

err_t money_parse(const char *s, int64_t *out)
{
	int64_t units = 0, minor = 0;
	int digits = 0, frac = 0;
	const char *p = s;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		units = units * 10 + (*p - '0');
		if (units > MONEY_MAX / 100)
			return ERR_LIMIT;
	}
	if (digits == 0)
		return ERR_INVALID;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, frac++) {
			if (frac == 2)
				return ERR_INVALID;
			minor = minor * 10 + (*p - '0');
		}
		if (frac == 0)
			return ERR_INVALID;
	}
	if (*p != '\0')
		return ERR_INVALID;
	if (frac == 1)
		minor *= 10;
	*out = units * 100 + minor;
	return ERR_OK;
}

void money_format(int64_t minor, char *buf)
{
	const char *sign = minor < 0 ? "-" : "";
	uint64_t v = minor < 0 ? (uint64_t)0 - (uint64_t)minor : (uint64_t)minor;
	snprintf(buf, MONEY_TEXT_MAX, "%s%" PRIu64 ".%02" PRIu64, sign, v / 100, v % 100);
}
