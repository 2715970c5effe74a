/*
 * decimal.c - an integer in decimal (see decimal.h).
 */
#include "util/decimal.h"

#include <string.h>

size_t decimal_int(int64_t v, char out[DECIMAL_INT_MAX])
{
	char digits[DECIMAL_INT_MAX], *d = digits + sizeof digits;
	/* through the unsigned magnitude, so that the smallest value has one */
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--d = (char)('0' + m % 10);
	while ((m /= 10) != 0);
	if (v < 0)
		*--d = '-';
	size_t n = (size_t)(digits + sizeof digits - d);
	memcpy(out, d, n);
	return n;
}
